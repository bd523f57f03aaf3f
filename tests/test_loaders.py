"""Loaders: every supported format, metadata, offsets, and one clear error per bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qa.ingest.loaders import default_doc_id, iter_files, load_file

SEEDS = Path(__file__).parents[1] / "seeds"
MB = 1_000_000


def _one(path: Path):
    result = load_file(path, 20 * MB)
    assert result.errors == (), result.errors
    assert len(result.articles) == 1
    return result.articles[0]


def test_seed_text_is_the_file_text_and_sidecar_supplies_metadata():
    path = SEEDS / "001_459249e74de3275c.txt"
    article = _one(path)
    assert article.text == path.read_text(encoding="utf-8")
    assert article.doc_id == "001_459249e74de3275c"
    assert article.outlet == "Global News"
    assert article.title == "Iraqi lawmakers pass resolution to end foreign troop presence"
    assert article.published == "2020-01-05"
    assert article.body_start == 0


def test_front_matter_is_excluded_by_offset_not_rewritten(tmp_path: Path):
    raw = (
        "---\ntitle: A vote\noutlet: Example Wire\npublished: 2020-01-05\nid: vote-1\n---\n"
        "Parliament voted on Sunday.\n"
    )
    path = tmp_path / "a.md"
    path.write_text(raw, encoding="utf-8")
    article = _one(path)
    assert article.text == raw
    assert article.text[article.body_start :].startswith("Parliament voted")
    assert (article.doc_id, article.title, article.outlet) == ("vote-1", "A vote", "Example Wire")


def test_metadata_change_changes_the_hash(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("---\noutlet: One\n---\nText of the article.\n", encoding="utf-8")
    first = _one(path).sha256
    path.write_text("---\noutlet: Two\n---\nText of the article.\n", encoding="utf-8")
    assert _one(path).sha256 != first


def test_html_main_text_is_extracted(tmp_path: Path):
    body = " ".join(
        ["The Iraqi parliament voted on Sunday to end the presence of foreign troops in the country."] * 6
    )
    html = f"""<html><head><title>Vote on troops</title></head><body>
    <nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Vote on troops</h1><p>{body}</p><p>{body}</p></article>
    <footer>Copyright Example News. All rights reserved.</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    article = _one(path)
    assert "voted on Sunday" in article.text
    assert "All rights reserved" not in article.text


def test_jsonl_loads_good_lines_and_reports_the_malformed_one(tmp_path: Path):
    lines = [
        json.dumps({"id": "a1", "text": "First article text.", "outlet": "Left", "title": "T1"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Second article, no id."}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_file(path, 20 * MB)
    assert [a.doc_id for a in result.articles] == ["a1", default_doc_id(path, 4)]
    assert result.articles[0].outlet == "Left"
    assert len(result.errors) == 2
    assert result.errors[0].startswith(f"{path}:2: malformed JSON")
    assert f"{path}:3:" in result.errors[1] and '"text"' in result.errors[1]


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n ", "file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Caf\xe9 in Baghdad".encode("latin-1"), "not valid UTF-8"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("empty.html", b"<html><body><nav>Home</nav></body></html>", "no article text found in the HTML"),
        ("only-front.md", b"---\ntitle: x\n---\n\n", "no article text after the front matter"),
        ("bad-yaml.md", b"---\ntitle: [unclosed\n---\nText.\n", "invalid YAML"),
    ],
)
def test_bad_input_gets_one_line_naming_file_and_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
):
    path = tmp_path / name
    path.write_bytes(content)
    result = load_file(path, 20 * MB)
    assert result.articles == ()
    assert len(result.errors) == 1
    message = result.errors[0]
    assert message.startswith(str(path)) and reason in message and "\n" not in message


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * MB)  # sparse: 50 MB on paper, nothing on disk
    result = load_file(path, 20 * MB)
    assert result.articles == ()
    assert "50.0 MB" in result.errors[0] and "QA_MAX_FILE_MB" in result.errors[0]


def test_unreadable_file_is_reported(tmp_path: Path):
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    path = tmp_path / "locked.txt"
    path.write_text("text", encoding="utf-8")
    path.chmod(0)
    assert "permission denied" in load_file(path, 20 * MB).errors[0]


def test_iter_files_walks_folders_sorted_skipping_hidden_and_sidecars_and_survives_symlink_loops(
    tmp_path: Path,
):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("b", encoding="utf-8")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "a.txt.meta.yaml").write_text("outlet: X", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("h", encoding="utf-8")
    (tmp_path / "sub" / "c é.md").write_text("c", encoding="utf-8")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = list(iter_files([tmp_path, tmp_path / "missing.txt"]))
    paths = [p for p in found if isinstance(p, Path)]
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["a.txt", "b.txt", "sub/c é.md"]
    failures = [r for r in found if not isinstance(r, Path)]
    assert "no such file or directory" in failures[0].errors[0]


def test_jsonl_text_may_hold_unicode_line_separators(tmp_path: Path):
    lines = [
        json.dumps({"id": "u1", "text": "First line\u2028second\u0085third."}, ensure_ascii=False),
        json.dumps({"id": "u2", "text": "Next."}),
    ]
    path = tmp_path / "u.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_file(path, 20 * MB)
    assert result.errors == ()
    assert [(a.doc_id, a.source) for a in result.articles] == [("u1", f"{path}:1"), ("u2", f"{path}:2")]
    assert result.articles[0].text == "First line\u2028second\u0085third."
