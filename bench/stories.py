"""Item 13: stories in one index, against the AllSides events (issue 14, "Which articles a briefing covers").

All AllSides articles are ingested into one index (or the corpus index of the full run is reused), and
``qa.briefing.stories.group`` groups them with each setting of ``GRID``. Two measures, each on the
``tune`` half of the events (even event ids: the constants are chosen there) and the ``held`` half
(odd ids: only reported):

* **pairwise precision / recall / F1** in the whole index: a pair of articles of one half is a true
  pair when both report the same event; precision falls when unrelated events are mixed;
* **single-event splits**: each event's articles grouped on their own (an index holding one story,
  what a user who ingests one event has), counted when they come out as more than one story.

The choice, on ``tune`` alone: the lowest STORY_ABSORB whose F1 is within 0.01 of the best F1 of
its (STORY_SAME, STORY_DAYS), and among those settings the best F1 minus the split rate. The item
fails when the choice is not the code's constants. Skipped without the AllSides corpus.

Usage: ``python -m bench.stories`` (stores the result, re-renders RESULTS.md) or ``--print``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench import common

# (STORY_SAME, STORY_DAYS, STORY_ABSORB); an ABSORB of 1.01 means an article left alone never joins.
GRID = tuple(itertools.product((0.5, 0.55, 0.6), (2, 4), (0.3, 0.4, 1.01)))


def _pairs(labels: dict[int, int], events: list[str], members: list[int]) -> dict[str, float]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(members, 2):
        same_event, same_story = events[a] == events[b], labels[a] == labels[b]
        tp += same_event and same_story
        fp += same_story and not same_event
        fn += same_event and not same_story
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(p + r, 1e-9), 4)}


def run(work: Path, corpus_index: Path | None = None) -> dict[str, Any] | None:
    """The grid on the AllSides corpus; None without it."""
    if not common.have_allsides():
        return None
    import datetime as dt

    from qa.briefing import stories

    with common.allsides_corpus(work, corpus_index) as corpus:
        found = (corpus.store.article(s.doc_id) for s in corpus.store.sources())
        articles = [a for a in found if a is not None and a.doc_id.startswith("as-")]
        vectors = stories.article_vectors(corpus, articles)
    events = [a.doc_id.split("-")[1] for a in articles]
    half = {e: "tune" if int(e) % 2 == 0 else "held" for e in events}
    by_event: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        by_event[e].append(i)
    in_code = (stories.STORY_SAME, stories.STORY_DAYS, stories.STORY_ABSORB)
    rows = []
    try:
        for setting in dict.fromkeys([*GRID, in_code]):
            stories.STORY_SAME, stories.STORY_DAYS, stories.STORY_ABSORB = setting
            labels = {i: n for n, g in enumerate(stories.group(articles, vectors)) for i in g}
            row: dict[str, Any] = {"same": setting[0], "days": setting[1], "absorb": setting[2]}
            for name in ("tune", "held"):
                members = [i for i in range(len(articles)) if half[events[i]] == name]
                alone = [m for e, m in by_event.items() if half[e] == name and len(m) > 1]
                split = sum(len(stories.group([articles[i] for i in m], vectors[m])) > 1 for m in alone)
                row[name] = {**_pairs(labels, events, members), "splits": split, "events": len(alone)}
            row["stories"] = len(set(labels.values()))
            rows.append(row)
    finally:
        stories.STORY_SAME, stories.STORY_DAYS, stories.STORY_ABSORB = in_code

    def objective(r: dict[str, Any]) -> float:
        return float(r["tune"]["f1"] - r["tune"]["splits"] / max(r["tune"]["events"], 1))

    candidates = []
    for _, group in itertools.groupby(
        sorted(rows, key=lambda r: (r["same"], r["days"], r["absorb"])), key=lambda r: (r["same"], r["days"])
    ):
        group_rows = list(group)
        best_f1 = max(r["tune"]["f1"] for r in group_rows)
        candidates.append(next(r for r in group_rows if r["tune"]["f1"] >= best_f1 - 0.01))
    chosen = max(candidates, key=objective)
    code = next(r for r in rows if (r["same"], r["days"], r["absorb"]) == in_code)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": common.machine(),
        "articles": len(articles),
        "events": len(by_event),
        "rows": sorted(rows, key=lambda r: -objective(r)),
        "chosen": {k: chosen[k] for k in ("same", "days", "absorb")},
        "code": {k: code[k] for k in ("same", "days", "absorb")},
        "pass": chosen is code,
    }


def summary_row(r: dict[str, Any]) -> tuple[str, str, str, str, str, bool | None]:
    """Item 13's line in the summary table of bench/RESULTS.md."""
    code = next(x for x in r["rows"] if all(x[k] == v for k, v in r["code"].items()))
    held = code["held"]
    return (
        "13",
        "stories: pairwise F1 of the grouping against the AllSides events (held half); single-event splits",
        f"F1 {held['f1']:.3f} (P {held['precision']:.3f}, R {held['recall']:.3f}); "
        f"{held['splits']} of {held['events']} events split",
        f"tune half: F1 {code['tune']['f1']:.3f}, {code['tune']['splits']} of {code['tune']['events']} split",
        "constants = the tune half's choice",
        r["pass"],
    )


def section(r: dict[str, Any]) -> list[str]:
    """Item 13's section: the grid on both halves, the choice, the code's constants."""
    m = r["machine"]
    out = [
        f"Measured by `python -m bench.stories` on {r['date']} ({m['cpu']}, {m['cores']} cores, load "
        f"{m['load_before']}): {r['articles']} AllSides articles of {r['events']} events in one index, "
        "grouped by `qa.briefing.stories.group` from their stored vectors. Pairwise precision / recall / "
        "F1 against the events, per half (tune: even event ids; held: odd), and single-event splits: "
        "each event's articles grouped alone, split into more than one story. The choice reads the "
        "tune half only (see the module docstring). ABSORB 1.01 means an article left alone never joins.",
        "",
        "| SAME | DAYS | ABSORB | stories | tune P / R / F1 | tune splits | held P / R / F1 | held splits |",
        "|---:|---:|---:|---:|---|---:|---|---:|",
    ]
    for row in r["rows"]:
        mark = " **(chosen)**" if all(row[k] == v for k, v in r["chosen"].items()) else ""
        cells = []
        for name in ("tune", "held"):
            h = row[name]
            cells += [f"{h['precision']:.3f} / {h['recall']:.3f} / {h['f1']:.3f}"]
            cells += [f"{h['splits']}/{h['events']}"]
        head = f"| {row['same']} | {row['days']} | {row['absorb']}{mark} | {row['stories']} | "
        out.append(head + " | ".join(cells) + " |")
    code = r["code"]
    verdict = "the tune half's choice" if r["pass"] else "**not the tune half's choice**"
    constants = f"SAME {code['same']}, DAYS {code['days']}, ABSORB {code['absorb']}"
    out += ["", f"The code's constants: {constants} ({verdict})."]
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the item and store it in bench/results.json (``--print``: print the JSON instead)."""
    return common.item_main("stories", "bench.stories", __doc__ or "", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
