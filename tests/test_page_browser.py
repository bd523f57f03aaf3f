"""The HTML page in a real browser: Debian's Chromium, headless, driven by Playwright, from file://.

It loads nothing, its marks hold the articles' text at their offsets once rendered, a click on a
marker scrolls its span into view, flashes it and focuses it (and back), the keyboard reaches every
marker, it reads without JavaScript, the outlets stand side by side only on a wide screen, and its
colours keep their contrast in light and dark mode. A screenshot goes to the test's temporary
directory, never into the repository.

Skipped when there is no Chromium, unless QA_REQUIRE_BROWSER=1 (.ci/run sets it, after installing
the Debian package), so that a CI run without a browser fails instead of passing quietly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.answer.spans import article_views
from qa.briefing.summarize import summarize
from qa.index.corpus import Corpus
from qa.render.html import answer_html, briefed_doc_ids, briefing_html
from tests.helpers.seeds import settings_for
from tests.test_page import _hand_made_answer, _texts

CHROMIUM = os.environ.get("QA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As root in a container, with no network: no sandbox, and none of Chromium's own background fetches.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.slow

if not Path(CHROMIUM).exists():
    if os.environ.get("QA_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"QA_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A briefing page and an answer page (one unverified citation, one unsupported claim) on disk."""
    folder = tmp_path_factory.mktemp("pages")
    texts = _texts(seed_index_dir)
    with Corpus(settings_for(seed_index_dir)) as corpus:
        briefing = summarize(corpus, None, 150, offline=True)
        briefing_page = briefing_html(briefing, article_views(corpus, briefed_doc_ids(briefing)))
        answer_page = answer_html(_hand_made_answer(texts), article_views(corpus, list(texts)))
    (folder / "briefing.html").write_text(briefing_page, encoding="utf-8")
    (folder / "answer.html").write_text(answer_page, encoding="utf-8")
    return {"folder": folder, "texts": texts}


def _open(browser: Any, path: Path, **context: Any) -> tuple[Any, dict[str, list[str]]]:
    ctx = browser.new_context(**{"viewport": {"width": 1440, "height": 900}, **context})
    ctx.set_default_timeout(5_000)  # a page of this size is ready in well under a second
    page = ctx.new_page()
    seen: dict[str, list[str]] = {"requests": [], "errors": [], "violations": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    # Injected by the browser's debugging protocol, not by the page, so its own CSP does not apply.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(path.as_uri(), wait_until="load")
    return page, seen


# Seen, not only inside the viewport: the point in the middle of its first line is the element itself,
# not clipped by its outlet's scrolling column nor covered by a sticky heading.
IN_VIEW = """el => { const r = el.getClientRects()[0];
  const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return hit !== null && el.contains(hit); }"""


def test_the_page_loads_nothing_and_its_marks_hold_the_articles_text(
    browser: Any, pages: dict[str, Any]
) -> None:
    path = pages["folder"] / "briefing.html"
    page, seen = _open(browser, path)
    assert seen["requests"] == [path.as_uri()], "nothing but the page itself is requested"
    assert not seen["errors"] and not page.evaluate("window.__violations || []")
    checked = page.evaluate(
        """texts => {
          const bad = [];
          for (const m of document.querySelectorAll('mark')) {
            const t = texts[m.dataset.doc].slice(+m.dataset.start, +m.dataset.end);
            if (m.textContent !== t) bad.push(m.id);
          }
          for (const d of document.querySelectorAll('div.text'))
            if (d.textContent !== texts[d.dataset.doc]) bad.push(d.dataset.doc);
          return {marks: document.querySelectorAll('mark').length, bad};
        }""",
        pages["texts"],
    )
    assert checked["marks"] >= 5 and checked["bad"] == []
    page.context.close()


def test_a_marker_scrolls_to_its_span_flashes_it_and_the_span_links_back(
    browser: Any, pages: dict[str, Any]
) -> None:
    page, _ = _open(browser, pages["folder"] / "briefing.html")
    marker = page.locator("a.cite").last  # its span is far down its article, out of view
    mark_id = marker.get_attribute("href")[1:]
    mark = page.locator(f"mark#{mark_id}")
    assert not mark.evaluate(IN_VIEW)
    marker.click()
    page.wait_for_function(
        f"() => {{ const m = document.getElementById('{mark_id}');"
        f" return ({IN_VIEW})(m) && m.classList.contains('flash'); }}"
    )
    assert page.evaluate("document.activeElement.id") == mark_id
    assert page.evaluate("location.hash") == f"#{mark_id}"

    # The keyboard carries on from the span: Tab reaches its back link, Enter returns to the marker.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "back"
    back_to = page.evaluate("document.activeElement.getAttribute('href')")[1:]
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({IN_VIEW})(document.getElementById('{back_to}'))")
    assert page.evaluate("document.activeElement.id") == back_to
    assert page.evaluate("document.activeElement.classList.contains('cite')")
    page.context.close()


def test_the_keyboard_reaches_the_markers_first(browser: Any, pages: dict[str, Any]) -> None:
    page, _ = _open(browser, pages["folder"] / "briefing.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('cite')")
    target = page.evaluate("document.activeElement.getAttribute('href')")[1:]
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.activeElement.id === '{target}'")
    page.context.close()


def test_without_javascript_the_links_still_reach_the_spans(browser: Any, pages: dict[str, Any]) -> None:
    page, _ = _open(browser, pages["folder"] / "briefing.html", java_script_enabled=False)
    marker = page.locator("a.cite").last
    mark_id = marker.get_attribute("href")[1:]
    marker.click()
    page.wait_for_function(f"() => location.hash === '#{mark_id}'")
    assert page.locator(f"mark#{mark_id}").evaluate(IN_VIEW)
    assert page.locator("mark:target").count() == 1  # the CSS flash, no script needed
    page.context.close()


def test_outlets_side_by_side_on_a_wide_screen_stacked_on_a_narrow_one(
    browser: Any, pages: dict[str, Any]
) -> None:
    boxes = (
        "() => [...document.querySelectorAll('section.outlet, section.report')]"
        ".map(s => s.getBoundingClientRect().toJSON())"
    )
    overflow = "() => document.scrollingElement.scrollWidth - window.innerWidth"
    page, _ = _open(browser, pages["folder"] / "briefing.html")
    report, first, second = page.evaluate(boxes)
    assert (
        report["right"] <= first["left"]
        and first["right"] <= second["left"]
        and first["top"] == second["top"]
    )
    page.context.close()

    page, _ = _open(browser, pages["folder"] / "briefing.html", viewport={"width": 420, "height": 800})
    report, first, second = page.evaluate(boxes)
    assert (
        report["bottom"] <= first["top"]
        and first["bottom"] <= second["top"]
        and first["left"] == second["left"]
    )
    assert page.evaluate(overflow) <= 0, "nothing wider than a phone's screen"
    page.screenshot(path=str(pages["folder"] / "narrow.png"), full_page=False)
    page.context.close()


CONTRAST = """sel => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const lum = c => { const [r, g, b] = rgb(c).map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = el => {  // the first opaque background from the element up
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const ratio = el => {
    const [a, b] = [lum(getComputedStyle(el).color), lum(bg(el))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const all = [...document.querySelectorAll(sel)];
  return all.length ? Math.min(...all.map(ratio)) : null;  // the worst of them
}"""
# The flash held at its peak: its animation paused a tenth of the way in, where its colour is strongest.
FLASH = """sel => { const el = document.querySelector(sel); el.classList.add('flash');
  el.getAnimations().forEach(a => { a.pause(); a.currentTime = 160; }); }"""
# What must stay readable: body text, highlighted text, dimmed lines, links, and the failure marks.
READ = {
    "briefing.html": ("h1", "mark", "span.left-out", "a.cite", "div.text", "p.meta"),
    "answer.html": ("span.unsupported", "p.problem", "li.unverified .problem", "a.cite.unverified"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_contrast_is_sufficient_in_light_and_dark_mode(
    browser: Any, pages: dict[str, Any], scheme: str
) -> None:
    backgrounds = set()
    for name, selectors in READ.items():
        page, _ = _open(browser, pages["folder"] / name, color_scheme=scheme)
        for selector in selectors:
            ratio = page.evaluate(CONTRAST, selector)
            assert ratio is not None, f"no {selector} in {name}"
            assert ratio >= 4.5, f"{scheme}: {selector} has a contrast of {ratio:.2f}"
        for selector in ("mark", "li[id^=cite-]"):  # the flash too, while it shows
            page.evaluate(FLASH, selector)
            ratio = page.evaluate(CONTRAST, f"{selector}.flash") if selector == "mark" else None
            ratio = ratio or page.evaluate(CONTRAST, f"{selector}.flash a")
            assert ratio >= 4.5, f"{scheme}: a flashing {selector} has a contrast of {ratio:.2f}"
        backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        if name == "briefing.html":
            page.screenshot(path=str(pages["folder"] / f"briefing-{scheme}.png"))
        page.context.close()
    assert backgrounds == {"rgb(255, 255, 255)" if scheme == "light" else "rgb(18, 18, 18)"}
    assert (pages["folder"] / f"briefing-{scheme}.png").stat().st_size > 10_000


def test_print_style_stacks_everything_and_hides_the_back_links(browser: Any, pages: dict[str, Any]) -> None:
    page, _ = _open(browser, pages["folder"] / "briefing.html")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('section.report')).position") == "static"
    assert page.evaluate("getComputedStyle(document.querySelector('a.back')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.outlets')).display") == "block"
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.context.close()
