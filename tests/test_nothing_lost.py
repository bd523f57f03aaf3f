"""Nothing lost: a multi-MB article, same-named files, an article that fails alone, older indexes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from bench.large_article import write_article
from qa.index.corpus import Corpus
from qa.ingest.loaders import DOC_ID_SCHEME, default_doc_id, slugify
from qa.ingest.pipeline import DOC_ID_META, LEGACY_DOC_ID_META, ingest
from tests.helpers.articles import sample_rows
from tests.helpers.index_checks import assert_clean, snapshot
from tests.helpers.seeds import settings_for

PAGE = (
    "<html><head><title>{title}</title></head>"
    "<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
)


class HashEmbedder:
    """A fast stand-in for MiniLM (same dimension): these tests are about writes, not meaning."""

    name = "test-hash-embedder"
    dimension = 384

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Deterministic unit vectors from each text's hash."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(
                hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:8], "little"
            )
            v = np.random.default_rng(seed).standard_normal(self.dimension)
            out[i] = v / np.linalg.norm(v)
        return out


@pytest.fixture
def fast_embedder(monkeypatch: pytest.MonkeyPatch) -> Iterator[HashEmbedder]:
    embedder = HashEmbedder()
    monkeypatch.setattr("qa.index.embedding.load_embedder", lambda settings: embedder)
    yield embedder


@pytest.mark.slow
def test_a_multi_mb_article_is_written_in_batches_chroma_accepts(fast_embedder, tmp_path: Path):
    """4 MB makes ~6,600 chunks, over Chroma's max batch (5,461 here): one refused upsert lost all 12."""
    folder = tmp_path / "folder"
    folder.mkdir()
    write_article(folder / "big.txt", 4)
    for i in range(11):
        (folder / f"small-{i:02d}.txt").write_text(
            f"Small article {i} about the vote in Baghdad on Sunday.\n", encoding="utf-8"
        )
    settings = settings_for(tmp_path / "index")
    report = ingest([folder], settings)
    assert not report.failed and not report.error and len(report.added) == 12
    with Corpus(settings) as corpus:
        big_chunks = len(corpus.store.chunk_ids(default_doc_id(folder / "big.txt")))
        assert big_chunks > corpus.vectors.max_batch, "the article must need more than one upsert"
        assert corpus.vectors.count() == corpus.store.chunk_count() == report.chunks
    assert ingest([folder], settings).unchanged.__len__() == 12


def test_an_article_that_fails_alone_costs_nothing_else(fast_embedder, run_cli, tmp_path: Path, monkeypatch):
    from qa.index.vectors import VectorIndex

    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("a", "b", "c", "d"):
        (folder / f"{name}.txt").write_text(
            f"Article {name} reports that the parliament voted on Sunday.\n", encoding="utf-8"
        )
    bad = default_doc_id(folder / "c.txt")
    real_upsert = VectorIndex.upsert

    def refuse_c(self, chunks, vectors):
        if any(c.doc_id == bad for c in chunks):
            raise ValueError("Chroma refused this article")
        return real_upsert(self, chunks, vectors)

    monkeypatch.setattr(VectorIndex, "upsert", refuse_c)
    code, out, err = run_cli("ingest", str(folder), "--index", str(tmp_path / "index"))
    assert code == 1
    assert err.splitlines() == [
        f"error: {folder / 'c.txt'}: not ingested (ValueError: Chroma refused this article)"
    ]
    assert out.startswith("3 added, 0 replaced, 0 unchanged, 1 failed")
    snap = snapshot(tmp_path / "index")
    assert_clean(snap)
    assert sorted(snap.articles) == sorted(default_doc_id(folder / f"{n}.txt") for n in "abd")


def test_the_same_failure_twice_in_a_row_stops_the_run_with_a_summary(
    fast_embedder, run_cli, tmp_path, monkeypatch
):
    from qa.index.vectors import VectorIndex

    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(
            f"Article {name} reports that the parliament voted on Sunday.\n", encoding="utf-8"
        )

    def down(self, chunks, vectors):
        raise ConnectionError("server went away")

    monkeypatch.setattr(VectorIndex, "upsert", down)
    code, out, err = run_cli("ingest", str(folder), "--index", str(tmp_path / "index"))
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[-1] == "error: ConnectionError: server went away"
    assert out.startswith("0 added, 0 replaced, 0 unchanged, 1 failed")
    assert snapshot(tmp_path / "index").articles == {}


def _pages(tmp_path: Path) -> tuple[Path, Path]:
    rows = sample_rows()
    pages = []
    for outlet, row in (("bbc", rows[0]), ("cnn", rows[1])):
        (tmp_path / outlet).mkdir()
        page = tmp_path / outlet / "index.html"
        page.write_text(PAGE.format(title=row["title"], text=row["text"]), encoding="utf-8")
        pages.append(page)
    return pages[0], pages[1]


def test_same_named_pages_in_one_run_are_two_articles(fast_embedder, tmp_path: Path):
    bbc, cnn = _pages(tmp_path)
    report = ingest([tmp_path / "bbc", tmp_path / "cnn"], settings_for(tmp_path / "index"))
    assert not report.failed
    assert sorted(report.added) == sorted([default_doc_id(bbc), default_doc_id(cnn)])
    assert all(d.startswith("index-") for d in report.added) and len(set(report.added)) == 2


def test_same_named_pages_in_two_runs_never_replace_each_other(fast_embedder, run_cli, tmp_path: Path):
    bbc, cnn = _pages(tmp_path)
    index = str(tmp_path / "index")
    code, out, err = run_cli("ingest", str(bbc), "--index", index, "--json")
    assert code == 0 and json.loads(out)["added"] == [default_doc_id(bbc)]
    code, out, err = run_cli("ingest", str(cnn), "--index", index, "--json")
    assert code == 0, err
    assert json.loads(out)["added"] == [default_doc_id(cnn)] and json.loads(out)["replaced"] == []
    code, out, _ = run_cli("sources", "--index", index, "--json")
    assert {s["source"] for s in json.loads(out)["sources"]} == {str(bbc), str(cnn)}
    # A new version of the same page replaces it, under the same id.
    bbc.write_text(
        bbc.read_text(encoding="utf-8").replace("</p>", " An update was added later.</p>"), encoding="utf-8"
    )
    code, out, err = run_cli("ingest", str(bbc), "--index", index, "--json")
    assert code == 0 and json.loads(out)["replaced"] == [default_doc_id(bbc)], err
    code, out, err = run_cli("show", f"{default_doc_id(cnn)}:0-5", "--index", index, "--json")
    assert code == 0, err
    code, out, err = run_cli("remove", default_doc_id(cnn), "--index", index, "--json")
    assert code == 0 and json.loads(out)["removed"] == [default_doc_id(cnn)]


def test_an_explicit_id_from_another_source_is_refused_naming_both(fast_embedder, run_cli, tmp_path: Path):
    for outlet, text in (
        ("bbc", "The BBC reports the vote on Sunday."),
        ("cnn", "CNN reports the vote on Monday."),
    ):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "story.txt").write_text(f"---\nid: story\n---\n{text}\n", encoding="utf-8")
    index = str(tmp_path / "index")
    assert run_cli("ingest", str(tmp_path / "bbc"), "--index", index)[0] == 0
    code, out, err = run_cli("ingest", str(tmp_path / "cnn"), "--index", index)
    assert code == 1
    [line] = err.splitlines()
    assert str(tmp_path / "cnn" / "story.txt") in line and str(tmp_path / "bbc" / "story.txt") in line
    assert "not replaced" in line
    with Corpus(settings_for(tmp_path / "index")) as corpus:
        assert "BBC" in corpus.article_text("story")
    # The same text from another copy is not a replacement: nothing changes, nothing is refused.
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "story.txt").write_bytes((tmp_path / "bbc" / "story.txt").read_bytes())
    code, out, err = run_cli("ingest", str(tmp_path / "copy"), "--index", index, "--json")
    assert code == 0 and json.loads(out)["unchanged"] == ["story"], err


def test_an_index_with_stem_only_ids_keeps_them(
    fast_embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """An index from before doc_ids carried a hash keeps its ids; a same-named new file gets its own."""
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "index.txt").write_text(
        "The council met on Sunday and voted on the budget.\n", encoding="utf-8"
    )
    (folder / "lines.jsonl").write_text('{"text": "A line article about the vote."}\n', encoding="utf-8")
    settings = settings_for(tmp_path / "index")
    with monkeypatch.context() as old_code:  # ids as the old loader made them; no origins, no scheme
        old_code.setattr(
            "qa.ingest.loaders.default_doc_id",
            lambda path, line=None: slugify(path.stem if line is None else f"{path.stem}-{line}"),
        )
        assert sorted(ingest([folder], settings).added) == ["index", "lines-1"]
    db = sqlite3.connect(tmp_path / "index" / "manifest.sqlite")
    with db:
        db.execute("UPDATE articles SET origin = ''")
        db.execute("DELETE FROM meta WHERE key IN (?, ?)", (DOC_ID_META, LEGACY_DOC_ID_META))
    db.close()

    assert sorted(ingest([folder], settings).unchanged) == ["index", "lines-1"]
    (folder / "index.txt").write_text(
        "The council met on Sunday and voted on a new budget.\n", encoding="utf-8"
    )
    other = tmp_path / "other"
    other.mkdir()
    (other / "index.txt").write_text(
        "Another outlet's page, also saved as index.txt, about the vote.\n", encoding="utf-8"
    )
    report = ingest([folder, other], settings)
    assert report.replaced == ["index"] and report.unchanged == ["lines-1"]
    assert report.added == [default_doc_id(other / "index.txt")]
    with Corpus(settings) as corpus:
        assert corpus.store.get_meta(DOC_ID_META) == DOC_ID_SCHEME
        assert corpus.store.get_meta(LEGACY_DOC_ID_META) == "stem"
        assert "new budget" in corpus.article_text("index")
    assert_clean(snapshot(tmp_path / "index"))


def test_progress_counts_articles_of_one_large_jsonl_and_embedded_chunks(
    fast_embedder, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("QA_TEST_BATCH_CHUNKS", "5")
    monkeypatch.setenv("QA_TEST_EMBED_SLICE", "2")
    rows = sample_rows()
    (tmp_path / "all.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    events = []
    report = ingest([tmp_path / "all.jsonl"], settings_for(tmp_path / "index"), on_progress=events.append)
    assert len(report.added) == len(rows)
    assert events[0].total == 1 and max(e.total for e in events) == len(rows)  # one file, then its articles
    assert events[-1].done == events[-1].total == len(rows)
    done = [e.done for e in events]
    assert done == sorted(done) and len(set(done)) > 3, "articles are counted as they commit, not per file"
    assert any(0 < e.chunks_done < e.chunks_total for e in events), "embedding progress inside a batch"


def test_the_progress_display_shows_rate_eta_and_the_file_safely(tmp_path: Path):
    import io

    from rich.console import Console

    from qa.ingest.pipeline import Progress
    from qa.render.progress import progress_bar

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with progress_bar(True, console=console) as update:
        for n in range(5):
            update(Progress(n, 10, "/news/[bold]evil\x1b[2J.jsonl", "", n * 10, 50))
            time.sleep(0.15)  # rich redraws on its own clock (10 per second)
        drawn = out.getvalue()
    assert "[bold]evil\\x1b[2J.jsonl" in drawn and "\x1b[2J" not in drawn  # no markup, no escapes
    assert "4/10" in drawn and "articles" in drawn and "chunks" in drawn
    with progress_bar(False) as update:  # not a terminal: nothing drawn
        update(Progress(1, 2, "x"))
