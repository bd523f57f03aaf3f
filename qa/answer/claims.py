"""Claims: an answer split into sentences and ;-clauses, each checked against the text it cites.

A citation being ``verified`` says its quote is really in the article. A claim being ``supported``
says more: that what the claim states is in the text its citations point at. The check is lexical
and deterministic. The cited text of a citation is its quoted span, the sentence(s) the span sits
in and the sentence before (for a pronoun's antecedent). In it must appear:

* every figure of the claim, compared as a value ("5,000" = "five thousand", "1.5 million" =
  "1,500,000", "19-0" gives 19 and 0; see :mod:`qa.figures`). A figure that is not there but is the
  sum or difference of two figures that are ("165" from "168 ... three more than the quorum") is
  ``derived``: reported with its arithmetic, never silently passed as stated;
* every weekday and month;
* every proper name, word by word: a surname alone, possessives, "U.S." = "US" = "United States",
  "Iraqi" for "Iraq";
* every word the claim puts in quotation marks, verbatim (modulo whitespace and typography);
* the speaker of an attribution ("X said", "according to X"), in the cited sentence itself.

A claim with none of these (no figure, date, name, quoted words or speaker) is a connecting
sentence: it is not ``checked``, needs no citation, and when it has one it must share a content
word with the cited text. What this check cannot see: negation ("binding" / "non-binding"), a
changed verb, a figure attached to the wrong noun. ``qa ask --judge`` asks a model about those.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from qa.answer.citations import locate
from qa.figures import WEEKDAYS, Number, calendar, numbers
from qa.text import fold_typography, split_sentences, terms
from qa.types import Citation, Claim

_MARKER = r"\[(\d+(?:\s*,\s*\d+)*)\]"  # "[1]", "[1, 2]"
MARKER = re.compile(_MARKER)
_MARKER_WITH_SPACE = re.compile(r"\s*" + _MARKER)
_LEADING_MARKERS = re.compile(rf"^(?:\s*{_MARKER})+[\s.,;:]*")
# How far around a cited span to look for its sentence and the one before it.
_WINDOW = 1500

_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][\w'’.\-]*[\w]|[A-Za-z\u00c0-\u024f]")
_NAME_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|bin|ibn|abu|de|di|da|van|von)-(?=[A-Z])")
_QUOTED = re.compile(r"“([^”]{2,}?)”|\"([^\"]{2,}?)\"|(?<!\w)‘([^’]{2,}?)’(?!\w)")
_SPEECH = (
    r"said|says|told|tells|warned|warns|called|calls|added|adds|argued|argues|claimed|claims|stated|"
    r"wrote|writes|tweeted|announced|announces|insisted|insists|noted|notes|declared|declares|described|"
    r"urged|urges|accused|accuses|denied|denies|criticized|criticised|condemned|praised|vowed|pledged|"
    r"demanded|demands|asked|asks|stressed|explained|confirmed|acknowledged|admitted|threatened"
)
_SPEECH_VERB = re.compile(rf"\b(?:{_SPEECH})\b")
_BETWEEN_SPEAKER_AND_VERB = frozenset(
    "also later has had have previously then earlier again reportedly".split()
)
# A clause between a speaker and the verb: "Sadr, who leads the largest bloc, said".
_APPOSITIVE = re.compile(r"(\w)['’]?,\s+(?:who|whose|which|a|an|the)\b[^,;]*,\s*$")
# "The two outlets agree": a count of the answer's own sources, not a figure of the story.
_ABOUT_SOURCES = re.compile(r"\s+(?:outlets|reports|sources|articles|accounts|stories|passages)\b", re.I)
_PRONOUN_SPEAKER = re.compile(r"\b(?:he|she|they|it|his|her|their)\b", re.IGNORECASE)
# Capitalised words that open or structure a sentence without naming anyone.
_NOT_NAMES = frozenset(
    "i a an the this that these those it its he she they we you his her their our both all some many most "
    "several each every no not but and or so yet in on at by for from of to with as after before during "
    "while when where what which who whom whose why how there here however also according only just even "
    "neither either meanwhile still then now today yesterday tomorrow last next earlier later other another "
    "instead thus yet since because although though if unlike like despite amid".split()
)
_ALIASES = {
    "us": ("us", "usa", "america", "american", "americans", "united states"),
    "uk": ("uk", "britain", "british", "united kingdom"),
    "un": ("un", "united nations"),
    "eu": ("eu", "european union"),
}
_ALIAS_OF = {member: key for key, members in _ALIASES.items() for member in members}
_ALIAS_PHRASE = re.compile(r"\b(united states|united kingdom|united nations|european union)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Cited:
    """What one verified citation points at: its cited text, and the sentence(s) of the span alone."""

    number: int
    text: str
    own: str  # the sentence(s) the quoted span sits in
    before: str  # the sentence before them
    outlet: str = ""  # a claim may name the outlet it cites ("Reuters reports ...")


@dataclass
class _Items:
    """What a claim states that can be checked."""

    numbers: list[Number] = field(default_factory=list)
    calendar: list[tuple[str, str]] = field(default_factory=list)  # (as written, full name)
    names: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.numbers or self.calendar or self.names or self.quotes or self.speakers)


# -- splitting --------------------------------------------------------------------------------------


def split_claims(text: str) -> list[tuple[int, int, tuple[int, ...]]]:
    """(start, end, marker numbers) of each claim: sentences, then clauses joined by ";".

    A marker standing after a sentence's full stop ("... attended. [1]") belongs to that sentence.
    """
    pieces: list[tuple[int, int]] = []
    for start, end in split_sentences(text):
        cursor = start
        for m in re.finditer(r";\s", text[start:end]):
            pieces.append((cursor, start + m.start() + 1))
            cursor = start + m.end()
        pieces.append((cursor, end))
    claims: list[tuple[int, int, tuple[int, ...]]] = []
    for start, end in pieces:
        lead = _LEADING_MARKERS.match(text[start:end])
        if lead and claims:
            s, _, markers = claims[-1]
            claims[-1] = (s, start + len(lead.group().rstrip()), (*markers, *_marker_numbers(lead.group())))
            start += lead.end()
        body = text[start:end]
        if re.search(r"\w", MARKER.sub("", body)):
            claims.append((start, end, tuple(_marker_numbers(body))))
    return claims


def marker_numbers(marker: re.Match[str]) -> list[int]:
    """The citation numbers of one MARKER match: "[1, 3]" -> [1, 3]."""
    return [int(n) for n in re.split(r"\s*,\s*", marker.group(1))]


def _marker_numbers(text: str) -> list[int]:
    return [n for m in MARKER.finditer(text) for n in marker_numbers(m)]


def without_markers(text: str) -> str:
    """A claim's words without its [n] markers ("attended [1]." -> "attended.")."""
    return " ".join(_MARKER_WITH_SPACE.sub("", text).split())


def _masked(text: str) -> str:
    """The claim with its [n] markers blanked out (same length), so their digits are not figures."""
    return MARKER.sub(lambda m: " " * len(m.group()), text)


# -- what a claim states ----------------------------------------------------------------------------


def _canon(token: str) -> str:
    token = fold_typography(token).lower()
    token = re.sub(r"'s$|'$", "", token)
    return token.replace(".", "")


def _quote_spans(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _QUOTED.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        out.append((m.start(), m.end(), inner))
    return out


def _is_capitalised(token: str) -> bool:
    return token[0].isupper() or bool(_NAME_PREFIX.match(token))


def _name_tokens(text: str, quoted: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Capitalised words that name someone or something, outside quotation marks."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    calendar_at = {w.start for w in calendar(text)}
    number_at = {n.start for n in numbers(text)}
    out = []
    for i, (start, end, token) in enumerate(tokens):
        if not _is_capitalised(token) or any(s <= start < e for s, e, _ in quoted):
            continue
        if start in calendar_at or start in number_at or _canon(token) in _NOT_NAMES:
            continue
        before = text[:start].rstrip()
        opening = not before or before[-1] in ".:!?“‘(—–-" or before.endswith("]")
        if before.endswith(('"', "'", "”", "’")):
            # A quote mark: the capital after it opens a sentence only when the quote opens here or
            # ends a sentence ('"Now', '. "He'); after '...escalation," Sadr' it is mid-sentence.
            inside = before[:-1].rstrip()
            opened = before[-1] in "\"'" and (len(before) == 1 or before[-2].isspace())
            opening = not inside or inside[-1] in ".!?:" or opened
        if opening and not _names_anyway(tokens, i, text):
            continue  # a capital that only opens the sentence: "Lawmakers voted ..."
        out.append((start, end, token))
    return out


def _names_anyway(tokens: list[tuple[int, int, str]], i: int, text: str) -> bool:
    """A sentence-opening capital is a name when a capital follows, or a verb of speech, or "'s"."""
    token = tokens[i][2]
    if (token.isupper() and len(token) > 1) or any(ch.isupper() for ch in token[1:]):
        return True
    if re.search(r"['’]s$", token):
        return True
    if i + 1 < len(tokens):
        nxt = tokens[i + 1][2]
        gap = text[tokens[i][1] : tokens[i + 1][0]]
        if gap.strip() in ("", "-") and (_is_capitalised(nxt) and _canon(nxt) not in _NOT_NAMES):
            return True
        if _SPEECH_VERB.fullmatch(nxt) and gap.strip() == "":
            return True
    return False


def _speakers(text: str, names: list[tuple[int, int, str]]) -> list[str]:
    """Who the claim says spoke: the name right before a verb of speech, or after "according to"."""
    speakers = []
    name_at = {start: (end, token) for start, end, token in names}
    ends = {end: start for start, end, _ in names}
    for m in _SPEECH_VERB.finditer(text):
        pos = m.start()
        while True:  # step back over "also", "has", ... between the speaker and the verb
            before = text[:pos].rstrip()
            word = re.search(r"(\w+)$", before)
            if word and word.group(1).lower() in _BETWEEN_SPEAKER_AND_VERB:
                pos = word.start()
                continue
            break
        end = len(text[:pos].rstrip())
        start = ends.get(end)
        appositive = _APPOSITIVE.search(text[:pos])
        if start is None and appositive:  # "Sadr, who leads the largest bloc, said"
            start = ends.get(appositive.end(1))
        if start is None:
            # "Sadr's spokesman said": a possessive name, two words back, is not the speaker; skip.
            continue
        speakers.append(name_at[start][1])
    for m in re.finditer(r"\baccording to\s+", text, re.IGNORECASE):
        hit = name_at.get(m.end())
        if hit is not None:
            speakers.append(hit[1])
    return speakers


def _items(text: str) -> _Items:
    body = _masked(text)
    quoted = _quote_spans(body)
    names = _name_tokens(body, quoted)
    return _Items(
        numbers=[
            n
            for n in numbers(body)
            if not any(s <= n.start < e for s, e, _ in quoted) and not _ABOUT_SOURCES.match(body, n.end)
        ],
        calendar=[
            (w.text, w.name) for w in calendar(body) if not any(s <= w.start < e for s, e, _ in quoted)
        ],
        names=_joined_aliases(body, names),
        quotes=[inner for _, _, inner in quoted],
        speakers=_speakers(body, names),
    )


def _joined_aliases(text: str, names: list[tuple[int, int, str]]) -> list[str]:
    """Name tokens, with "United States" and its kind kept as one name (an alias of "US")."""
    phrases = [(m.start(), m.end(), m.group()) for m in _ALIAS_PHRASE.finditer(text)]
    out = [p for _, _, p in phrases]
    out += [token for start, _, token in names if not any(s <= start < e for s, e, _ in phrases)]
    return out


# -- what the cited text has ------------------------------------------------------------------------


def cited_text(citation: Citation, number: int, article: str) -> _Cited | None:
    """The cited text of a verified citation: its span's sentence(s) and the sentence before them."""
    if not citation.verified or citation.start is None or citation.end is None:
        return None
    start, end = citation.start, citation.end
    window = split_sentences(article, max(0, start - _WINDOW), min(len(article), end + _WINDOW))
    own = [s for s in window if s[0] < end and start < s[1]]
    own_start = min([start, *(s[0] for s in own)])
    own_end = max([end, *(s[1] for s in own)])
    previous = [s for s in window if s[1] <= own_start]
    before_start = previous[-1][0] if previous else own_start
    return _Cited(
        number,
        article[before_start:own_end],
        article[own_start:own_end],
        article[before_start:own_start],
        citation.outlet,
    )


def _words(text: str) -> set[str]:
    """Every word of a text in the form names are compared in, plus its aliases and hyphen parts."""
    out: set[str] = set()
    for m in _TOKEN.finditer(text):
        word = _canon(m.group())
        out.add(word)
        out.update(p for p in word.split("-") if p)
        if word in _ALIAS_OF:
            out.add(_ALIAS_OF[word])
    for m in _ALIAS_PHRASE.finditer(text):
        out.add(_ALIAS_OF[m.group().lower()])
    return out


def _name_in(name: str, words: set[str]) -> bool:
    low = _canon(name)
    if low in _ALIAS_OF:
        return _ALIAS_OF[low] in words or low in words
    parts = [p for p in _NAME_PREFIX.sub("", low).split("-") if p] or [low]
    return all(_word_in(p, words) for p in parts)


def _word_in(word: str, words: set[str]) -> bool:
    if word in words:
        return True
    # "Iraqi" for "Iraq", "Kurdish" for "Kurds", "Iranian" for "Iran": one word extends the other.
    return len(word) >= 4 and any(
        len(w) >= 4 and abs(len(w) - len(word)) <= 3 and (w.startswith(word) or word.startswith(w))
        for w in words
    )


# -- the check --------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _has(claimed: Number, have: Sequence[Number]) -> str:
    same = [n for n in have if n.kind != "vague" and (n.kind == "year") == (claimed.kind == "year")]
    if not same:
        return "it has no year" if claimed.kind == "year" else "it has no figure"
    nearest = sorted(same, key=lambda n: abs(n.value - claimed.value))[:3]
    return "it has " + ", ".join(dict.fromkeys(n.text for n in nearest))


def _derivation(claimed: Number, have: Sequence[Number]) -> str | None:
    exact = [n for n in have if n.kind not in ("vague", "year")]
    for a in exact:
        for b in exact:
            if a is b:
                continue
            if abs(a.value + b.value - claimed.value) < 1e-9 and a.start < b.start:
                return f"{claimed.text} = {a.text} + {b.text}"
            if abs(a.value - b.value - claimed.value) < 1e-9:
                return f"{claimed.text} = {a.text} − {b.text}"
    return None


def _check_numbers(items: _Items, have: Sequence[Number], problems: list[str], derived: list[str]) -> None:
    for n in items.numbers:
        if any(n.matches(h) for h in have):
            continue
        derivation = _derivation(n, have)
        if derivation is not None:
            derived.append(derivation)
        else:
            problems.append(f"'{n.text}' is not in the cited text ({_has(n, have)})")


def _check_calendar(items: _Items, text: str, problems: list[str]) -> None:
    have = calendar(text)
    for written, name in items.calendar:
        if any(w.name == name for w in have):
            continue
        weekday = name in WEEKDAYS
        same_kind = [w.text for w in have if w.is_weekday == weekday]
        instead = (
            f"it has {', '.join(dict.fromkeys(same_kind))}"
            if same_kind
            else ("it names no day" if weekday else "it names no month")
        )
        problems.append(f"'{written}' is not in the cited text ({instead})")


def _quote_in(quote: str, texts: Iterable[str]) -> bool:
    candidates = {quote, quote.strip(" ,.;:!?")}
    return any(locate(c, t) is not None for c in candidates if c.strip() for t in texts)


def _speaker_in(speaker: str, cited: Sequence[_Cited]) -> bool:
    for c in cited:
        if _name_in(speaker, _words(c.own)):
            return True
        # "..., he said": the sentence names its speaker by a pronoun, the one before names them.
        if _PRONOUN_SPEAKER.search(c.own) and _name_in(speaker, _words(c.before)):
            return True
    return False


def _backs(items: _Items, claim_terms: set[str], c: _Cited) -> bool:
    """Whether one citation's text, on its own, backs something the claim states."""
    if not items:
        return bool(claim_terms & terms(c.text))
    have = numbers(c.text)
    words = _words(c.text)
    return (
        any(any(n.matches(h) for h in have) or _derivation(n, have) for n in items.numbers)
        or any(w.name == name for _, name in items.calendar for w in calendar(c.text))
        or any(_name_in(name, words) for name in items.names)
        or any(_quote_in(q, [c.text]) for q in items.quotes)
    )


def _check(
    text: str,
    start: int,
    end: int,
    numbers_cited: Sequence[int],
    cited: dict[int, _Cited],
    count: int,
    sources: Sequence[str] = (),
) -> Claim:
    items = _items(text)
    problems: list[str] = []
    derived: list[str] = []
    missing = [n for n in numbers_cited if not 1 <= n <= count]
    problems += [f"[{n}] points at no citation" for n in missing]
    unverified = [n for n in numbers_cited if 1 <= n <= count and n not in cited]
    usable = [cited[n] for n in dict.fromkeys(numbers_cited) if n in cited]
    claim_terms = terms(_masked(text))
    if not numbers_cited:
        if items:
            problems.append("it cites nothing")
        return Claim(text, start, end, (), not problems, tuple(problems), checked=bool(items))
    if not usable:
        shown = ", ".join(f"[{n}]" for n in unverified)
        if unverified:
            problems.append(f"its citation {shown} did not verify: the quote is not in the passages")
        return Claim(text, start, end, tuple(numbers_cited), False, tuple(problems), checked=bool(items))
    joined = "\n".join(c.text for c in usable)
    outlets = set().union(*(_words(c.outlet) for c in usable), *(_words(o) for o in sources))
    if items:
        _check_numbers(items, numbers(joined), problems, derived)
        _check_calendar(items, joined, problems)
        words = _words(joined) | outlets
        problems += [
            f"'{name}' is not in the cited text" for name in items.names if not _name_in(name, words)
        ]
        problems += [
            f"the quoted words “{q}” are not in the cited text"
            for q in items.quotes
            if not _quote_in(q, [c.text for c in usable])
        ]
        problems += [
            f"the cited sentence does not name '{s}' as the speaker"
            for s in items.speakers
            if _name_in(s, words) and not _name_in(s, outlets) and not _speaker_in(s, usable)
        ]
    elif claim_terms and not claim_terms & terms(joined):
        problems.append("it shares no words with the cited text")
    supporting = tuple(c.number for c in usable if _backs(items, claim_terms, c))
    return Claim(
        text,
        start,
        end,
        tuple(dict.fromkeys(numbers_cited)),
        not problems,
        tuple(dict.fromkeys(problems)),
        tuple(derived),
        supporting,
        checked=bool(items),
    )


def _cited_texts(citations: Sequence[Citation], article_text: Callable[[str], str]) -> dict[int, _Cited]:
    out = {}
    for number, citation in enumerate(citations, start=1):
        if not citation.verified:
            continue  # it may name no article at all (doc_id ""): never read one for it
        found = cited_text(citation, number, article_text(citation.doc_id))
        if found is not None:
            out[number] = found
    return out


def check_claims(
    text: str, citations: Sequence[Citation], article_text: Callable[[str], str]
) -> tuple[Claim, ...]:
    """Split ``text`` into claims, map each one's [n] markers to ``citations`` and check it.

    An answer with citations but no marker at all cites them all from every claim.
    """
    spans = split_claims(text)
    cited = _cited_texts(citations, article_text)
    everything = tuple(range(1, len(citations) + 1))
    implicit = not any(markers for _, _, markers in spans)
    return tuple(
        _check(text[s:e], s, e, everything if implicit else markers, cited, len(citations))
        for s, e, markers in spans
    )


def cited_contexts(citations: Sequence[Citation], article_text: Callable[[str], str]) -> dict[int, str]:
    """Citation number -> the text it points at, as the check reads it, for each verified citation."""
    return {n: c.text for n, c in _cited_texts(citations, article_text).items()}


def check_statement(
    text: str,
    citations: Sequence[Citation],
    article_text: Callable[[str], str],
    sources: Sequence[str] = (),
) -> Claim:
    """Check one sentence (a briefing's, no markers) against all of ``citations``.

    ``sources`` are outlet names it may name besides its citations' own: a briefing's other outlets,
    named when it says what they do not report.
    """
    cited = _cited_texts(citations, article_text)
    return _check(text, 0, len(text), tuple(range(1, len(citations) + 1)), cited, len(citations), sources)
