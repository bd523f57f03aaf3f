"""`qa ask|summarize --format html`: one self-contained page, every cited span a <mark> at its exact
offsets inside the whole article, markers and marks linked both ways, article text never markup.

Parsed with html5lib, which builds the tree a browser builds; tests/test_page_browser.py renders the
same pages in Chromium.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from qa.answer.spans import article_views
from qa.index.corpus import Corpus
from qa.ingest.pipeline import ingest
from qa.render.html import answer_html
from qa.types import Answer, Citation, Claim
from tests.helpers.page import all_text, check_links, check_marks, check_self_contained, marks, parse
from tests.helpers.seeds import GLOBAL_NEWS, SEEDS, UNNAMED, settings_for

QUESTION = "How many lawmakers attended the session?"


def _texts(index: Path) -> dict[str, str]:
    with Corpus(settings_for(index)) as corpus:
        return {s.doc_id: corpus.store.article(s.doc_id).text for s in corpus.store.sources()}  # type: ignore[union-attr]


def test_answer_page_highlights_each_cited_span_inside_its_whole_article(
    run_cli, writable_index: Path
) -> None:
    code, out, _ = run_cli("ask", QUESTION, "--index", str(writable_index), "--format", "html")
    assert code == 0
    page = parse(out)
    check_self_contained(page)
    texts = _texts(writable_index)
    assert check_marks(page, texts) >= 1
    check_links(page)

    code, as_json, _ = run_cli("ask", QUESTION, "--index", str(writable_index), "--json")
    cited = json.loads(as_json)["citations"]
    spans = {(d, s, e) for _, d, s, e in marks(page)}
    for c in cited:
        assert (c["doc_id"], c["start"], c["end"]) in spans
    # The question, the answer's figure, and each cited article with its outlet, title and date.
    assert page.text(page.ids["title"]) == QUESTION
    assert "168 lawmakers" in page.text(page.all("p", "answer-text")[0])
    articles = page.all("article")
    assert [a.get("data-doc") for a in articles] == list(dict.fromkeys(c["doc_id"] for c in cited))
    byline = page.text(page.all("p", "byline")[0])
    assert "Global News" in byline and "2020-01-05" in byline
    assert page.all("time")[0].get("datetime") == "2020-01-05"


def test_answer_page_dims_the_lines_no_chunk_covers(run_cli, writable_index: Path) -> None:
    code, out, _ = run_cli("ask", QUESTION, "--index", str(writable_index), "--format", "html")
    assert code == 0
    page = parse(out)
    with Corpus(settings_for(writable_index)) as corpus:
        view = article_views(corpus, [GLOBAL_NEWS])[GLOBAL_NEWS]
    dimmed = [page.text(s) for s in page.all("span", "left-out")]
    assert view.left_out and dimmed == [view.text[s:e] for s, e in view.left_out]
    assert "Story continues below advertisement" in dimmed


def test_briefing_page_shows_every_briefed_article_side_by_side(run_cli, writable_index: Path) -> None:
    code, out, err = run_cli(
        "summarize", "--index", str(writable_index), "--format", "html", "--words", "150"
    )
    assert code == 0, err
    page = parse(out)
    check_self_contained(page)
    count = check_marks(page, _texts(writable_index))
    check_links(page)
    headings = [page.text(h) for h in page.all("h2")]
    assert "What happened" in headings and "Where the sources differ" in headings
    columns = page.all("section", "outlet")
    assert sorted(page.text(c.find("h3")) for c in columns) == ["Global News", "Outlet not named"]  # type: ignore[arg-type]
    assert sorted(a.get("data-doc") for a in page.all("article")) == sorted([GLOBAL_NEWS, UNNAMED])

    code, as_json, _ = run_cli("summarize", "--index", str(writable_index), "--json", "--words", "150")
    briefing = json.loads(as_json)
    spans = {
        (c["doc_id"], c["start"], c["end"])
        for part in ("sentences", "differences", "dropped")
        for item in briefing[part]
        for c in item["citations"]
        if c["verified"]
    }
    assert count == len(spans) and {(d, s, e) for _, d, s, e in marks(page)} == spans
    # "Only Global News gives the figure 168": the page holds the other article, to check that by reading it.
    (differences,) = [s for s in page.all("section") if s.get("aria-labelledby") == "differences"]
    assert "Only Global News" in page.text(differences)


def _hand_made_answer(texts: dict[str, str]) -> Answer:
    text = texts[GLOBAL_NEWS]
    quote = "the 168 lawmakers present were just three more than the quorum"
    start = text.index(quote)
    good = Citation(
        GLOBAL_NEWS, start, start + len(quote), quote, True, "seeds", "Iraqi lawmakers", "Global News"
    )
    bad = Citation(
        UNNAMED, None, None, "Parliament voted unanimously to expel all troops.", False, outlet="X"
    )
    answer_text = "168 lawmakers attended [1]. The vote was unanimous [2]."
    return Answer(
        question="How many attended?",
        status="answered",
        text=answer_text,
        citations=(good, bad),
        backend="llm",
        claims=(
            Claim("168 lawmakers attended [1].", 0, 27, (1,), True),
            Claim(
                "The vote was unanimous [2].", 28, 55, (2,), False, problems=("“unanimous” is not in [2]",)
            ),
        ),
    )


def test_unverified_citations_and_unsupported_claims_are_marked_with_the_reason(writable_index: Path) -> None:
    texts = _texts(writable_index)
    answer = _hand_made_answer(texts)
    with Corpus(settings_for(writable_index)) as corpus:
        page = parse(answer_html(answer, article_views(corpus, [GLOBAL_NEWS, UNNAMED])))
    check_self_contained(page)
    check_marks(page, texts)
    check_links(page)
    (claim,) = page.all("span", "unsupported")
    assert page.text(claim) == "The vote was unanimous [2]."
    why = page.ids[claim.get("aria-describedby", "")]
    assert "“unanimous” is not in [2]" in page.text(why)
    (entry,) = [li for li in page.all("li") if li.get("id") == "cite-2"]
    assert "unverified" in entry.get("class", "") and "UNVERIFIED" in page.text(entry)
    assert "quote not found in the passages shown" in page.text(entry)
    marker = page.ids["ref-2"]
    assert marker.get("href") == "#cite-2" and "unverified" in marker.get("class", "")
    assert [(d, s) for _, d, s, _ in marks(page)] == [
        (GLOBAL_NEWS, answer.citations[0].start)
    ]  # only the verified


HOSTILE = (
    "Officials said the vote passed 168 to 0 in the chamber.\n"
    "<script>alert('text')</script> and <img src=x onerror=\"alert(2)\"> were in the speech [1].\r\n"
    "Its \x1b[31mred\x1b[0m codes and a \x9b control came along.\n"
    'A </mark></div><mark data-start="0"> tag, {{ 7*7 }}, {% raw %} and {} stay words &amp; all.\n'
)


def test_a_hostile_article_renders_as_text(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "vote.txt").write_bytes(HOSTILE.encode())
    (folder / "vote.txt.meta.yaml").write_text(
        'title: "<script>alert(1)</script> Vote"\n'
        'outlet: "<img src=x onerror=alert(3)>"\n'
        'published: "2020-01-05"\n'
        'url: "javascript:alert(4)"\n'
    )
    index = tmp_path / "index"
    assert not ingest([folder], settings_for(index)).failed
    code, out, err = run_cli("ask", "What was in the speech?", "--index", str(index), "--format", "html")
    assert code == 0, err
    page = parse(out)
    check_self_contained(page)  # still one script (qa's own), no <img>, no on…= attribute
    texts = _texts(index)
    assert check_marks(page, texts) >= 1  # the text in the page is the file's, CR and all
    shown = all_text(page)
    assert "<script>alert('text')</script>" in shown and "{{ 7*7 }}" in shown and "</mark></div>" in shown
    assert "<script>alert(1)</script> Vote" in shown and "<img src=x onerror=alert(3)>" in shown
    assert "javascript:alert(4)" in shown and not any(
        "javascript" in a.get("href", "") for a in page.all("a")
    )
    # The article's own "[1]", quoted by the answer, is text; only qa's marker after the quote is a link.
    (answer,) = page.all("p", "answer-text")
    assert "speech [1]." in page.text(answer)
    assert len([a for a in answer.iter("a") if "cite" in a.get("class", "")]) == 1


@pytest.fixture
def fresh_browsers(monkeypatch: pytest.MonkeyPatch) -> None:
    """webbrowser reads $BROWSER once per process and keeps what it found: forget it for each test."""
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})


def test_output_file_and_open(
    run_cli, writable_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_browsers: None
) -> None:
    target = tmp_path / "out" / "answer.html"
    code, out, _ = run_cli(
        "ask", QUESTION, "--index", str(writable_index), "--format", "html", "-o", str(target)
    )
    assert code == 0 and out.strip() == str(target)
    check_self_contained(parse(target.read_text()))
    assert not list(target.parent.glob(".*.tmp")), "the temporary file is renamed, not left behind"

    # --open: the page goes to a file, whose path is printed, and $BROWSER is handed its file:// URI.
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n")
    monkeypatch.setenv("BROWSER", f"{sys.executable} {browser} %s")
    code, out, err = run_cli(
        "summarize", "--index", str(writable_index), "--open", "-o", str(tmp_path / "b.html")
    )
    assert code == 0, err
    assert opened.read_text() == (tmp_path / "b.html").resolve().as_uri()
    check_self_contained(parse((tmp_path / "b.html").read_text()))


def test_output_file_for_text_and_json_too(run_cli, writable_index: Path, tmp_path: Path) -> None:
    code, printed, _ = run_cli("ask", QUESTION, "--index", str(writable_index))
    code, out, _ = run_cli("ask", QUESTION, "--index", str(writable_index), "-o", str(tmp_path / "a.txt"))
    assert code == 0 and out.strip() == str(tmp_path / "a.txt")
    assert (tmp_path / "a.txt").read_text() == printed
    code, out, _ = run_cli(
        "summarize", "--index", str(writable_index), "--json", "-o", str(tmp_path / "b.json")
    )
    assert json.loads((tmp_path / "b.json").read_text())["sentences"]


def test_open_without_a_file_writes_a_private_page_and_says_when_no_browser_opened_it(
    run_cli, writable_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_browsers: None
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    monkeypatch.setenv("BROWSER", f"{sys.executable} -c 'raise SystemExit(1)' %s")  # a browser that fails
    code, out, err = run_cli("--format", "html", "ask", QUESTION, "--index", str(writable_index), "--open")
    page = Path(out.strip())
    assert code == 0 and page.parent == tmp_path and page.suffix == ".html"
    assert page.stat().st_mode & 0o077 == 0, "the page in the shared temporary directory is the user's alone"
    check_self_contained(parse(page.read_text(encoding="utf-8")))
    assert f"warning: no browser found to open {page}; open it by hand." in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("summarize", "--open", "--format", "md"), "--open opens an HTML page, not md"),
        (("--format", "json", "summarize", "--open"), "--open opens an HTML page, not json"),
        (("--json", "ask", QUESTION, "--open"), "--open opens an HTML page, not json"),
        (("ask", QUESTION, "--format", "html", "--json"), "disagree"),
        (("search", "quorum", "--format", "html"), "this command prints text or json"),
        (("ask", QUESTION, "--format", "pdf"), "text or json or html"),
    ],
)
def test_format_errors_are_one_clear_line(
    run_cli, writable_index: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run_cli(*args, "--index", str(writable_index))
    assert code == 2 and not out
    assert message in " ".join(err.replace("│", " ").split())  # the message, out of rich's box


@pytest.mark.parametrize("given", ["pages/", "existing"])
def test_an_output_that_names_a_directory_is_refused(
    run_cli, writable_index: Path, tmp_path: Path, given: str
) -> None:
    (tmp_path / "existing").mkdir()
    code, out, err = run_cli("ask", QUESTION, "--index", str(writable_index), "-o", f"{tmp_path}/{given}")
    assert (
        code == 2
        and not out
        and "is a directory; give a file name" in " ".join(err.replace("│", " ").split())
    )
    assert not (tmp_path / "pages").exists()


def test_a_page_written_over_an_unwritable_path_fails_cleanly(
    run_cli, writable_index: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code, out, err = run_cli(
        "ask", QUESTION, "--index", str(writable_index), "--format", "html", "-o", str(blocker / "a.html")
    )
    assert code == 1 and not out
    assert re.search(r"error: cannot write .*a\.html", err)
    assert blocker.read_text() == "not a directory"


def test_briefing_page_notes_loaded_terms_times_and_what_was_left_out(writable_index: Path) -> None:
    from qa.briefing.model import Briefing, Dropped, Flag, OutletUse, Statement
    from qa.render.html import briefing_html

    texts = _texts(writable_index)
    quote = "the 168 lawmakers present were just three more than the quorum"
    start = texts[GLOBAL_NEWS].index(quote)
    good = Citation(
        GLOBAL_NEWS, start, start + len(quote), quote, True, "seeds", "Iraqi lawmakers", "Global News"
    )
    bad = Citation(UNNAMED, None, None, "A quote nowhere in the article.", False, outlet="Outlet not named")
    sentence = "A slim quorum of 168 lawmakers was present yesterday, a rubber-stamp session."
    at = sentence.index("rubber-stamp")
    briefing = Briefing(
        topic="the vote",
        backend="extractive",
        sentences=(
            Statement(sentence, (good,), True, "What happened", times=(("yesterday", "2020-01-04"),)),
        ),
        differences=(),
        loaded_terms=(
            Flag("rubber-stamp", "contempt", "approved without debate", "sentences", 0, at, at + 12),
        ),
        outlets=(OutletUse("Global News", (GLOBAL_NEWS,), 1), OutletUse("Outlet not named", (UNNAMED,), 0)),
        dropped=(Dropped("Parliament was unanimous.", (bad,), "its citation did not verify"),),
    )
    with Corpus(settings_for(writable_index)) as corpus:
        page = parse(briefing_html(briefing, article_views(corpus, [GLOBAL_NEWS, UNNAMED])))
    check_self_contained(page)
    check_marks(page, texts)
    check_links(page)
    (item,) = page.all("li")[:1]
    assert "(only Global News)" in page.text(item) and "(“yesterday”: 2020-01-04)" in page.text(item)
    loaded = page.all("span", "loaded")
    assert page.text(loaded[0]) == "rubber-stamp" and "approved without debate" in loaded[0].get("title", "")
    assert "“rubber-stamp” (contempt); plainer: approved without debate" in all_text(page)
    (dropped,) = [s for s in page.all("section") if s.get("aria-labelledby") == "dropped"]
    assert "Parliament was unanimous." in page.text(dropped) and "its citation did not verify" in page.text(
        dropped
    )
    # Both briefed articles are in the page, the uncited one too, and no local path is shown.
    assert sorted(a.get("data-doc") for a in page.all("article")) == sorted([GLOBAL_NEWS, UNNAMED])
    assert str(SEEDS) not in page.html and f"Source: {GLOBAL_NEWS}.txt" in " ".join(all_text(page).split())


def test_an_unanswered_question_shows_the_closest_passages(run_cli, writable_index: Path) -> None:
    question = "What is the name of the speaker of the Iraqi parliament?"
    code, out, _ = run_cli("ask", question, "--index", str(writable_index), "--format", "html")
    assert code == 0
    page = parse(out)
    check_self_contained(page)
    check_links(page)
    assert "NOT FOUND" in page.text(page.ids["answer-heading"]) and not page.all("mark")
    (closest,) = page.all("ol", "closest")
    texts = _texts(writable_index)
    for passage in closest.iter("li"):
        doc_id, start, end = re.fullmatch(r"(.+):(\d+)-(\d+)", page.text(passage.find(".//code"))).groups()  # type: ignore[arg-type,union-attr]
        assert page.text(passage.find("blockquote")) == texts[doc_id][int(start) : int(end)]  # type: ignore[arg-type]


def test_a_nul_in_an_article_shows_as_a_replacement_character_at_its_offset(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "nul"
    folder.mkdir()
    filler = "The budget debate continued. " * 300  # past the loaders' look for binary data
    text = filler + "\nA NUL byte \x00 sits here. Officials said the council vote passed 31 to 4.\n"
    (folder / "nul.txt").write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    assert not ingest([folder], settings_for(index)).failed
    code, out, _ = run_cli("ask", "How did the council vote pass?", "--index", str(index), "--format", "html")
    assert code == 0
    page = parse(out)
    assert check_marks(page, _texts(index)) >= 1  # the same offsets, the NUL replaced by U+FFFD
    assert "A NUL byte \ufffd sits here." in page.text(page.all("div", "text")[0])
