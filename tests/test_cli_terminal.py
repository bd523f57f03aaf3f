"""Output that fits: the CLI run in a pseudo-terminal (60 and 100 columns), piped, and with NO_COLOR."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.render.terminal import fill
from tests.helpers.seeds import GLOBAL_NEWS, ROOT, SEEDS, UNNAMED

ANSI = re.compile(r"\x1b\[[0-9;]*m")
ASK = ("ask", "How many lawmakers attended the session?", "--offline")
ATTENDANCE_REF = f"({GLOBAL_NEWS}:2792-2915)"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "OPENAI_")) and k != "NO_COLOR"}
    env.pop("COLUMNS", None)  # the terminal's own size must decide
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", **extra)
    return env


def run_in_pty(*args: str, columns: int, **env: str) -> tuple[int, str, str]:
    """Run ``python -m qa`` with stdout on a pseudo-terminal of ``columns``; (code, stdout, stderr)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "qa", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=_env(**env),
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = child.stderr.read().decode() if child.stderr else ""
    code = child.wait(timeout=120)
    return code, b"".join(chunks).decode().replace("\r\n", "\n"), err


def run_piped(*args: str, **env: str) -> tuple[int, str, str]:
    """Run ``python -m qa`` with stdout on a pipe."""
    done = subprocess.run(
        [sys.executable, "-m", "qa", *args], capture_output=True, text=True, env=_env(**env), timeout=120
    )
    return done.returncode, done.stdout, done.stderr


def _visible(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


@pytest.mark.parametrize("columns", [60, 100])
def test_ask_wraps_to_the_terminal_and_colours_the_markers(seed_index_dir: Path, columns: int):
    code, out, err = run_in_pty(*ASK, "--index", str(seed_index_dir), columns=columns)
    assert code == 0, err
    lines = _visible(out)
    assert max(len(line) for line in lines) <= columns
    assert any(len(line) > columns - 15 for line in lines)  # it uses the width it has, not a fixed 80
    assert any(ATTENDANCE_REF in line for line in lines)  # the reference is never split
    assert "\x1b[1;36m[1]\x1b[0m" in out  # the citation marker in colour
    assert "168" in ANSI.sub("", out)


def test_no_color_turns_colour_off_on_a_terminal(seed_index_dir: Path):
    code, out, _ = run_in_pty(*ASK, "--index", str(seed_index_dir), columns=100, NO_COLOR="1")
    assert code == 0 and "\x1b[" not in out and "[1]" in out


def test_piped_output_has_no_colour_and_wraps_to_80(seed_index_dir: Path):
    code, out, _ = run_piped(*ASK, "--index", str(seed_index_dir))
    assert code == 0 and "\x1b[" not in out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80 and any(len(line) > 70 for line in lines)
    assert any(ATTENDANCE_REF in line for line in lines)


def test_show_colours_the_cited_span(seed_index_dir: Path):
    article = (SEEDS / f"{GLOBAL_NEWS}.txt").read_text(encoding="utf-8")
    start = article.index("168 lawmakers present")
    ref = f"{GLOBAL_NEWS}:{start}-{start + len('168 lawmakers present')}"
    code, out, err = run_in_pty("show", ref, "--index", str(seed_index_dir), columns=80)
    assert code == 0, err
    assert "\x1b[1;33m»168 lawmakers present«\x1b[0m" in out


def test_show_doc_id_dims_every_left_out_line_at_60_columns(seed_index_dir: Path):
    code, out, err = run_in_pty("show", GLOBAL_NEWS, "--index", str(seed_index_dir), columns=60)
    assert code == 0, err
    lines = out.replace("\r\n", "\n").split("\n")
    marked = [line for line in lines if "[left out]" in line and "are in no chunk" not in line]
    assert len(marked) > 20 and all(line.startswith("\x1b[2m[left out] ") for line in marked)
    assert max(len(ANSI.sub("", line)) for line in lines) <= 60
    kept = [line for line in lines if line.startswith("It is not binding")]
    assert kept and "\x1b[2m" not in kept[0]


def test_a_long_doc_id_is_never_cut_in_the_sources_table():
    from qa.render.tables import sources_table
    from qa.types import SourceInfo

    doc_id = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856-4e5d0496"
    title = "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play and Pay"
    row = SourceInfo(doc_id, "http://x/a.html", title, "WSJ", "2019-11-19", "", 1, 603, "s")
    table = sources_table([row], 80)
    rows = table.splitlines()[2:-1]
    assert rows[0].startswith(doc_id + " ")
    words = rows[0].split()[1:] + [w for line in rows[1:] for w in line.split()]
    assert " ".join(words) == title  # every word of the title, none cut


@pytest.mark.parametrize("columns", [60, 100])
def test_sources_is_a_table_that_fits(seed_index_dir: Path, columns: int):
    code, out, err = run_in_pty("sources", "--index", str(seed_index_dir), columns=columns)
    assert code == 0, err
    lines = _visible(out)
    assert lines[0].split()[:2] == ["doc_id", "outlet"] and lines[0].split()[-1] == "title"
    assert max(len(line) for line in lines) <= columns
    ids = [line.split()[0] for line in lines if line.split() and line.split()[0] in (UNNAMED, GLOBAL_NEWS)]
    assert ids == [UNNAMED, GLOBAL_NEWS]  # whole, in doc_id order
    assert ("published" in lines[0]) == (columns >= 64)


def test_fill_never_breaks_a_reference_or_a_url():
    ref = "(as-5617-center:0-238)"
    url = "https://example.org/news/2020/01/05/iraqi-lawmakers-pass-resolution-to-end-foreign-troops"
    text = f"{'word ' * 9}{ref} and {url} end"
    for width in (20, 30, 45):
        lines = fill(text, width, "    ").splitlines()
        assert any(ref in line for line in lines) and any(url in line for line in lines)
        assert all(len(line) <= width for line in lines if ref not in line and url not in line)


def test_sources_sort_filter_and_csv(run_cli, seed_index_dir: Path):
    index = ("--index", str(seed_index_dir))
    code, out, _ = run_cli("sources", "--sort", "chunks", "--json", *index)
    chunks = [s["chunks"] for s in json.loads(out)["sources"]]
    assert code == 0 and chunks == sorted(chunks, reverse=True) and len(chunks) == 2
    code, out, _ = run_cli("sources", "--outlet", "global news", "--json", *index)
    assert [s["doc_id"] for s in json.loads(out)["sources"]] == [GLOBAL_NEWS]
    code, out, _ = run_cli("sources", "--since", "2020-01-06", "--json", *index)
    assert code == 0 and json.loads(out)["sources"] == []
    code, out, _ = run_cli("--format", "csv", "sources", "--sort", "outlet", *index)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["outlet"] for r in rows] == ["Global News", "Outlet not named"]
    assert rows[1]["title"].endswith("(untitled wire-based report)")  # never shortened in CSV
    code, _, err = run_cli("sources", "--since", "last week", *index)
    assert code == 1 and err.startswith("error: --since") and err.count("\n") == 1
    code, _, err = run_cli("sources", "--sort", "size", *index)
    assert code == 1 and "cannot sort by 'size'" in err


def test_quiet_silences_notices_but_not_errors(run_cli, writable_index: Path, tmp_path: Path):
    from qa.index.notices import NOTICES_FILE

    (writable_index / NOTICES_FILE).unlink(missing_ok=True)
    code, out, err = run_cli("ask", "How many US troops remain?", "--quiet", "--index", str(writable_index))
    assert code == 0 and err == "" and "5,000" in out
    # Quiet, it was not shown: so the next run still says it, once.
    code, _, err = run_cli("ask", "How many US troops remain?", "--index", str(writable_index))
    assert "No LLM is configured" in err
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    code, _, err = run_cli("-q", "ingest", str(tmp_path / "bad.txt"), "--index", str(writable_index))
    assert code == 1 and "error:" in err and "bad.txt" in err


_WORDS = st.sampled_from("alpha beta gamma delta epsilon zeta omicron lambda sigma tau".split())


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(8, 80), st.lists(_WORDS, min_size=1, max_size=14), st.lists(_WORDS, max_size=3)
        ),
        min_size=1,
        max_size=3,
    ),
    st.integers(40, 140),
)
def test_the_sources_table_never_cuts_an_id_or_a_title_word(rows: list, width: int) -> None:
    """Whatever the width, every doc_id is whole and every word of every title is there, uncut."""
    from qa.render.tables import sources_table
    from qa.types import SourceInfo

    infos = [
        SourceInfo("d" * n + str(k), "x", " ".join(t), " ".join(o), "2019-01-01", "", 1, 603, "s")
        for k, (n, t, o) in enumerate(rows)
    ]
    words = sources_table(infos, width).split()
    for info in infos:
        assert info.doc_id in words
        assert all(w in words for w in info.title.split())
