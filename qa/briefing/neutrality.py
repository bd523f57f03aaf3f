"""Whether a sentence reports or opines, and whether it stands alone: the gates of a briefing's body.

A briefing's body states what happened in qa's neutral voice, quoting the articles' own sentences.
So a sentence is kept out of it when, outside its quotation marks, it:

* speaks in the first person ("I", "we", "our"), asks a rhetorical question, or exclaims;
* carries sarcasm or editorial markers ("so-called", "it would appear", "of course");
* makes a judgement its subject ("The truth is …", "Never wanting to be outdone …");
* uses a charged word of the lexicon in the outlet's own voice (:mod:`qa.briefing.loaded_language`);
* opens with a pronoun or connective that needs the sentence before it ("It …", "But …");
* leaves a relative time word unresolved ("today", "yesterday", "this week");
* reports on the reporting, not the story ("did not respond to a request for comment").

An outlet's opinion may still appear, attributed, in "How outlets framed it"
(:func:`qa.briefing.summarize.framing_statements`); nothing here is ever reworded. A page label
opening a sentence ("Why it matters: …") is not part of the statement: :func:`label_end` says where
the sentence proper starts.
"""

from __future__ import annotations

import re

from qa.briefing.loaded_language import quoted_spans, unattributed

# "us" only in lower case: "US" is the country.
_FIRST_PERSON = re.compile(
    r"\bI(?:['’](?:m|ve|d))?\b|\b(?i:me|my|mine|we|we['’]re|we['’]ve|our|ours)\b|\bus\b"
)
_SARCASM = re.compile(
    r"\b(?:so-called|so called|supposed(?:ly)?|it would (?:appear|seem)|of course|needless to say|"
    r"surprise,? surprise|yet again|as usual|predictably|laughabl[ey]|ironically|mind you|"
    r"believe it or not|shockingly|incredibly|to be sure|let that sink in)\b",
    re.IGNORECASE,
)
# A judgement as the sentence's subject: it opens with a verdict, not with who did what.
_JUDGEMENT_OPENING = re.compile(
    r"^(?:the (?:truth|fact|reality|irony|problem|point|lesson|question|bottom line) (?:is|remains)|"
    r"(?:it is|it's|it’s|this is|that is) (?:clear|obvious|absurd|outrageous|shameful|ridiculous|"
    r"no surprise|no wonder|time|telling|worth noting)|never (?:wanting|one)|sadly|tragically|"
    r"unsurprisingly|thankfully|fortunately|unfortunately|clearly|obviously|remarkably|"
    r"amazingly|worse|even worse|make no mistake|in other words)\b",
    re.IGNORECASE,
)
# Openers that point back at a sentence the statement does not include. "The former" points back only
# as a subject ("The former said"); "The former president" names someone.
DANGLING = re.compile(
    r"^(?:He|She|It|They|This|That|These|Those|His|Her|Their|Its|Then|But|And|Also|So|Yet|Still|Neither|Nor|"
    r"However|Meanwhile|Instead|Moreover|Further|Furthermore|Such|Both|The (?:move|decision|comments?|"
    r"remarks?|statement|announcement|report|same)|"
    r"The (?:latter|former)(?=\s*[,;:]|\s+(?:is|was|are|were|has|had|have|will|would|can|could|did|does|"
    r"said|says|told|added|also)\b))\b"
)
_RELATIVE_TIME = re.compile(
    r"\b(?:today|yesterday|tomorrow|tonight|this (?:morning|afternoon|evening|week|weekend)|"
    r"last (?:night|week|weekend)|next week|earlier (?:today|this week)|later (?:today|this week)|"
    r"right now|currently)\b",
    re.IGNORECASE,
)
NOT_THE_STORY = re.compile(
    r"\b(?:did not|didn't|didn’t|has not|hasn't|hasn’t|have not|haven't|haven’t)\s+(?:immediately\s+)?"
    r"(?:respond|return|reply)|\brequests? for comment\b|\bcould not be reached\b|\bdeclined to comment\b|"
    r"\bno comment\b|\bcontributed to this report\b|"
    r"\bthis (?:story|article|report) (?:has been|was) updated\b",
    re.IGNORECASE,
)
# "Why it matters:", "The big picture:", "Driving the news:": a label, not part of the sentence.
_LABEL = re.compile(r"^((?:[A-Z][\w'’]*)(?:\s+[\w'’,]+){0,4}):\s+(?=[A-Z“\"])")


def _outside_quotes(text: str) -> str:
    """The text with quoted stretches blanked: what the outlet says in its own voice."""
    chars = list(text)
    for start, end in quoted_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def opinion(text: str) -> tuple[str, ...]:
    """Why a sentence is the outlet's opinion rather than reporting (empty when it reports)."""
    own = _outside_quotes(text)
    reasons = []
    if _FIRST_PERSON.search(own):
        reasons.append("first person")
    if re.search(r"\?\s*$", own.rstrip("”\"’' ")) or own.rstrip().endswith("!"):
        reasons.append("rhetorical question or exclamation")
    if _SARCASM.search(own):
        reasons.append("editorial marker")
    if _JUDGEMENT_OPENING.search(own.strip()):
        reasons.append("a judgement as its subject")
    if unattributed(text):
        reasons.append("charged words in its own voice")
    return tuple(reasons)


def own_voice_markers(text: str) -> list[tuple[int, int, str]]:
    """Where a text speaks as an outlet would, not as a neutral briefing: (start, end, category) of
    each first-person word, editorial marker and judgement opening outside its quotation marks."""
    own = _outside_quotes(text)
    found = [(m.start(), m.end(), "first person") for m in _FIRST_PERSON.finditer(own)]
    found += [(m.start(), m.end(), "editorial marker") for m in _SARCASM.finditer(own)]
    lead = len(own) - len(own.lstrip())
    opening = _JUDGEMENT_OPENING.search(own.strip())
    if opening:
        found.append((lead + opening.start(), lead + opening.end(), "judgement"))
    return sorted(found)


def stands_alone(text: str, published: str = "") -> bool:
    """Whether a sentence can be read without the one before it, and its relative time words
    ("today") resolved: they need the article's date (``published``, YYYY-MM-DD)."""
    if DANGLING.match(text):
        return False
    return not relative_times(text) or bool(resolve_times(text, published))


def relative_times(text: str) -> list[str]:
    """The relative time words of a sentence in its own voice ("today", "last week")."""
    return [m.group() for m in _RELATIVE_TIME.finditer(_outside_quotes(text))]


_OFFSETS = {"yesterday": -1, "tomorrow": 1, "last night": -1}
_WEEKS = {
    "this week": "the week of",
    "this weekend": "the weekend of",
    "last week": "the week before",
    "last weekend": "the weekend before",
    "next week": "the week after",
    "earlier this week": "the week of",
    "later this week": "the week of",
}


def resolve_times(text: str, published: str) -> tuple[tuple[str, str], ...]:
    """Each relative time word with what it means on the article's date: ("yesterday", "2021-10-13").

    Empty when the sentence has none it can resolve: no date, or a word with no fixed day ("currently").
    """
    import datetime as dt

    words = relative_times(text)
    try:
        day = dt.date.fromisoformat(published[:10])
    except ValueError:
        return ()
    out = []
    for word in words:
        low = word.lower()
        if low in _OFFSETS:
            out.append((word, (day + dt.timedelta(days=_OFFSETS[low])).isoformat()))
        elif low in _WEEKS:
            out.append((word, f"{_WEEKS[low]} {day.isoformat()}"))
        elif low in ("right now", "currently"):
            return ()
        else:  # today, tonight, this morning, earlier today ...
            out.append((word, day.isoformat()))
    return tuple(out)


def label_end(text: str) -> int:
    """Where a sentence proper starts after a page label ("Why it matters: ..."), else 0."""
    m = _LABEL.match(text)
    # "Sadr: we will not leave" names a speaker: a label has a lower-case word or is a known phrase.
    if m and (re.search(r"\s[a-z]", m.group(1)) or m.group(1).lower() in KNOWN_LABELS):
        return m.end()
    return 0


KNOWN_LABELS = frozenset(
    ("background", "context", "details", "flashback", "catch up", "go deeper", "zoom in", "zoom out")
)
