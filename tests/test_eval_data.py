"""The factual question sets are sound: schema, verbatim evidence, counts, and a validator that can fail.

Offline and fast. Only the corpus-wide bench set needs ../shared (skipped when it is absent).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers.seeds import ROOT as REPO

SEEDS = REPO / "seeds"
SEED_SET = REPO / "eval" / "questions.jsonl"
SAMPLE = REPO / "eval" / "allsides_sample.jsonl"
SAMPLE_SET = REPO / "eval" / "allsides_questions.jsonl"
UNANSWERABLE_SET = REPO / "eval" / "unanswerable.jsonl"
BENCH_SET = REPO / "bench" / "data" / "allsides_questions.jsonl"
EVENTS = Path(__file__).parents[2] / "shared/corpora/allsides/events.jsonl"

GN = "001_459249e74de3275c"  # Global News seed
WIRE = "000_cd5ad041538ca3e1"  # wire-based seed


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


validate_mod = _load("_qa_eval_validate", REPO / "eval" / "validate.py")
allsides = _load("_qa_bench_allsides", REPO / "bench" / "allsides.py")


def _questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(tmp_path: Path, questions: list[dict]) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed_articles() -> dict[str, str]:
    return validate_mod.load_seed_articles(SEEDS)


@pytest.fixture(scope="module")
def sample_articles() -> dict[str, str]:
    return validate_mod.load_jsonl_articles(SAMPLE)


def _good_question(**changes) -> dict:
    q = {
        "id": "t-1",
        "question": "How many lawmakers were present?",
        "answers": ["168"],
        "evidence": [
            {"doc_id": GN, "quote": "the 168 lawmakers present were just three more than the quorum"}
        ],
        "category": "number",
        "answerable": True,
    }
    q.update(changes)
    return q


# --------------------------------------------------------------------------- the seed set


def test_seed_articles_load_by_file_stem(seed_articles):
    assert set(seed_articles) == {WIRE, GN}
    assert seed_articles[GN].startswith("Iraqi lawmakers pass resolution")
    assert (SEEDS / f"{GN}.txt").read_bytes().decode("utf-8") == seed_articles[GN]


def test_seed_set_is_valid(seed_articles):
    assert validate_mod.validate(SEED_SET, seed_articles) == []


def test_seed_set_counts_and_coverage():
    questions = _questions(SEED_SET)
    categories = Counter(q["category"] for q in questions)
    assert len(questions) >= 44
    assert categories["unanswerable"] >= 10
    assert set(categories) == validate_mod.CATEGORIES, f"missing: {validate_mod.CATEGORIES - set(categories)}"
    assert sum(1 for q in questions if not q["answerable"]) == categories["unanswerable"]


def test_seed_set_covers_the_key_facts():
    by_answer = {a.lower(): q for q in _questions(SEED_SET) for a in q["answers"]}
    assert by_answer["5,000"]["category"] == "number"
    assert by_answer["168"]["evidence"][0]["doc_id"] == GN
    assert by_answer["165"]["category"] == "inference"
    assert "non-binding" in by_answer
    # Facts both outlets report carry evidence from both.
    assert {e["doc_id"] for e in by_answer["5,000"]["evidence"]} == {WIRE, GN}


def test_seed_set_uses_both_outlets_and_single_outlet_facts():
    questions = _questions(SEED_SET)
    docs = Counter(e["doc_id"] for q in questions for e in q["evidence"])
    assert docs[WIRE] >= 15 and docs[GN] >= 15
    single = [q for q in questions if q["category"] == "single_outlet"]
    assert {e["doc_id"] for q in single for e in q["evidence"]} == {WIRE, GN}


# --------------------------------------------------------------------------- the AllSides sample


def test_allsides_sample_is_four_events_with_three_outlets(sample_articles):
    rows = _questions(SAMPLE)
    assert len(rows) == 12
    events = Counter(r["id"].rsplit("-", 1)[0] for r in rows)
    assert len(events) == 4 and set(events.values()) == {3}
    for row in rows:
        assert set(row) == {"id", "title", "outlet", "published", "url", "text"}
        assert row["outlet"] and row["title"] and row["url"].startswith("http")
        assert len(row["published"]) == 10 and row["text"].strip()


def test_allsides_sample_set_is_valid(sample_articles):
    assert validate_mod.validate(SAMPLE_SET, sample_articles) == []
    questions = _questions(SAMPLE_SET)
    assert len(questions) >= 12
    assert sum(1 for q in questions if q["category"] == "unanswerable") >= 2
    assert all(e["doc_id"] in sample_articles for q in questions for e in q["evidence"])


# --------------------------------------------------------------------------- bench/allsides.py


def _event(event_id=7, stances=("left", "center", "right")) -> dict:
    return {
        "id": event_id,
        "issue": "An issue",
        "date": "2021-05-24T10:00:00-07:00",
        "news": {
            s: {
                "newsSource": f"Outlet {s}",
                "newsTitle": f"Title {s}",
                "newsLink": f"https://example.org/{s}",
                "newBody": [f"First paragraph\u00a0({s}).", "Second “quoted” paragraph..."],
            }
            for s in stances
        },
    }


def test_to_articles_builds_qa_jsonl_rows():
    rows = list(
        allsides.to_articles([_event(), _event(8, ("right", "left")), {"id": 9, "date": "", "news": {}}])
    )
    assert [r["id"] for r in rows] == ["as-7-left", "as-7-center", "as-7-right", "as-8-left", "as-8-right"]
    first = rows[0]
    assert first == {
        "id": "as-7-left",
        "title": "Title left",
        "outlet": "Outlet left",
        "published": "2021-05-24",
        "url": "https://example.org/left",
        "text": "First paragraph\u00a0(left).\n\nSecond “quoted” paragraph...",
    }


def test_allsides_main_writes_jsonl(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(_event()) + "\n\n" + json.dumps(_event(8)) + "\n", encoding="utf-8")
    out = tmp_path / "articles.jsonl"
    assert allsides.main([str(out), "--events", str(events), "--event-ids", "8"]) == 0
    rows = _questions(out)
    assert [r["id"] for r in rows] == ["as-8-left", "as-8-center", "as-8-right"]
    assert "\u00a0" in rows[0]["text"]  # characters kept as they are
    assert allsides.main([str(out), "--events", str(events), "--event-ids", "99"]) == 1


def test_loading_allsides_articles_via_converter(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps(_event()) + "\n", encoding="utf-8")
    articles = validate_mod.load_allsides_articles(events)
    assert sorted(articles) == ["as-7-center", "as-7-left", "as-7-right"]


# --------------------------------------------------------------------------- the validator can fail


def test_validator_catches_a_broken_quote(tmp_path, seed_articles):
    questions = _questions(SEED_SET)
    target = next(q for q in questions if any("’" in e["quote"] for e in q["evidence"]))
    for e in target["evidence"]:
        e["quote"] = e["quote"].replace("’", "'")  # straightened apostrophe: no longer verbatim
    problems = validate_mod.validate(_write(tmp_path, questions), seed_articles)
    assert problems and all(target["id"] in p for p in problems)
    assert any("not a verbatim substring" in p and "character for character" in p for p in problems)


def test_validator_catches_an_invented_quote(tmp_path, seed_articles):
    q = _good_question(
        evidence=[{"doc_id": GN, "quote": "the 170 lawmakers present were just three more than the quorum"}]
    )
    assert any(
        "not a verbatim substring" in p for p in validate_mod.validate(_write(tmp_path, [q]), seed_articles)
    )


@pytest.mark.parametrize(
    "quote",
    [
        "Canada-led NATO training mission in Iraq on pause after killing of Soleimani",  # READ MORE:
        "Iraq parliament votes to expel foreign troops from the country",  # WATCH: / video caption
        # the caption under "Click to play video"
        "Body of Soleimani, killed in U.S. airstrike, returns home to Iran",
        "Story continues below advertisement",
    ],
)
def test_validator_rejects_furniture_quotes(tmp_path, seed_articles, quote):
    q = _good_question(evidence=[{"doc_id": GN, "quote": quote}], answers=["Soleimani"], note="test")
    problems = validate_mod.validate(_write(tmp_path, [q]), seed_articles)
    assert any("furniture" in p for p in problems), problems


def test_validator_rejects_wire_furniture(tmp_path, seed_articles):
    q = _good_question(
        evidence=[
            {"doc_id": WIRE, "quote": "Pope calls for dialogue and restraint amid growing US-Iran tensions"}
        ],
        note="x",
    )
    assert any("furniture" in p for p in validate_mod.validate(_write(tmp_path, [q]), seed_articles))


def test_body_text_that_a_link_repeats_is_not_furniture(seed_articles):
    # "52 Iranian sites" is in a READ MORE line of Global News, and in the wire report's body.
    assert validate_mod.quote_in_furniture(seed_articles[GN], "52 Iranian sites")
    assert not validate_mod.quote_in_furniture(seed_articles[WIRE], "the US has targeted 52 Iranian sites")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"category": "opinion"}, "bad category"),
        ({"answers": []}, "no answers"),
        ({"evidence": []}, "no evidence"),
        ({"answerable": False}, "category is not 'unanswerable'"),
        ({"category": "unanswerable", "answerable": False}, "unanswerable question has answers"),
        ({"answers": ["165"]}, "no note explains"),
        ({"category": "inference", "answers": ["165"], "note": ""}, "needs a note"),
        ({"answers": ["lawmakers"]}, "occurs in the question"),
        ({"evidence": [{"doc_id": "nope", "quote": "the 168 lawmakers present"}]}, "not a known article"),
        ({"evidence": [{"doc_id": GN, "quote": "168 lawmakers"}]}, "too short"),
        ({"tags": ["x"]}, "unknown field"),
        ({"split": "train"}, "bad split"),
        ({"kind": "wording"}, "bad kind"),
    ],
)
def test_validator_reports_schema_problems(tmp_path, seed_articles, changes, expected):
    problems = validate_mod.validate(_write(tmp_path, [_good_question(**changes)]), seed_articles)
    assert any(expected in p for p in problems), problems


def test_validator_reports_missing_fields_and_duplicate_ids(tmp_path, seed_articles):
    broken = _good_question()
    del broken["evidence"]
    problems = validate_mod.validate(
        _write(tmp_path, [_good_question(), _good_question(), broken]), seed_articles
    )
    assert any("duplicate id" in p for p in problems)
    assert any("missing field(s): evidence" in p for p in problems)


def test_a_sound_question_passes(tmp_path, seed_articles):
    assert validate_mod.validate(_write(tmp_path, [_good_question()]), seed_articles) == []


def test_validator_reports_bad_json(tmp_path, seed_articles):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"\n', encoding="utf-8")
    assert validate_mod.validate(path, seed_articles)


# --------------------------------------------------------------------------- answer matching


@pytest.mark.parametrize(
    ("aliases", "text", "matches"),
    [
        (["5,000"], "Around 5000 U.S. troops remain.", True),
        (["5000"], "about 5,000 troops", True),
        (["3"], "the 2013 war", False),
        (["three", "3"], "and 3 were wounded", True),
        (["Abdul Mahdi"], "Prime Minister Adil Abdul-Mahdi said", True),
        (["non-binding"], "The resolution is non\u2011binding.", True),  # non-breaking hyphen
        (["not binding"], "It is binding.", False),
        (["Sunday"], "on Sundays", False),
        (["Nassiriya"], "in NASSIRIYA, police said", True),
        (["Protasevich"], "Roman Protasévich", True),
    ],
)
def test_answer_matching(aliases, text, matches):
    assert validate_mod.answer_matches(aliases, text) is matches


def test_normalise():
    assert validate_mod.normalise("Around 5,000 U.S. troops") == "around 5000 u s troops"
    assert validate_mod.normalise("al-Muhandis’s “convoy”") == "al muhandis s convoy"
    assert validate_mod.normalise("1,234,567 and 2014-2017") == "1234567 and 2014 2017"


# --------------------------------------------------------------------------- splits and the unanswerable set


@pytest.mark.parametrize("path", [SEED_SET, SAMPLE_SET], ids=["seeds", "allsides"])
def test_question_sets_are_split_in_halves(path):
    questions = _questions(path)
    assert all(q.get("split") in ("dev", "test") for q in questions)
    # About half each, and so within every category and on both sides of answerable.
    for key in ("category", "answerable"):
        for value in {q[key] for q in questions}:
            splits = Counter(q["split"] for q in questions if q[key] == value)
            assert abs(splits["dev"] - splits["test"]) <= 1, (key, value, splits)
    totals = Counter(q["split"] for q in questions)
    assert totals["dev"] and totals["test"] and abs(totals["dev"] - totals["test"]) <= 1, totals


@pytest.fixture(scope="module")
def unanswerable_articles() -> dict[str, str]:
    return validate_mod.load_unanswerable_articles()


def test_unanswerable_set_is_valid(unanswerable_articles):
    assert set(unanswerable_articles) == {WIRE, GN} | set(validate_mod.load_jsonl_articles(SAMPLE))
    assert validate_mod.validate_unanswerable(UNANSWERABLE_SET, unanswerable_articles) == []


def test_unanswerable_set_counts():
    questions = _questions(UNANSWERABLE_SET)
    assert len(questions) >= 40
    assert all(not q["answerable"] and q["category"] == "unanswerable" for q in questions)
    assert not any(q["answers"] or q["evidence"] for q in questions)
    # Over each article group (by id: un-seed-NN, un-as-NN), at least 15.
    groups = Counter(q["id"].rsplit("-", 1)[0] for q in questions)
    assert set(groups) == {"un-seed", "un-as"} and min(groups.values()) >= 15, groups
    # Several of every kind, each kind split in halves; both splits over both groups.
    kinds = Counter(q["kind"] for q in questions)
    assert set(kinds) == set(validate_mod.UNANSWERABLE_KINDS)
    assert min(kinds.values()) >= 5, kinds
    for kind in kinds:
        splits = Counter(q["split"] for q in questions if q["kind"] == kind)
        assert abs(splits["dev"] - splits["test"]) <= 1, (kind, splits)
    for group in groups:
        splits = Counter(q["split"] for q in questions if q["id"].startswith(group + "-"))
        assert splits["dev"] and splits["test"] and abs(splits["dev"] - splits["test"]) <= 1, (group, splits)
    # None repeats a question of the other two sets.
    others = {q["question"].casefold() for path in (SEED_SET, SAMPLE_SET) for q in _questions(path)}
    assert not others & {q["question"].casefold() for q in questions}


def test_unanswerable_sidecar_names_both_article_groups():
    sidecar = UNANSWERABLE_SET.with_suffix(".articles")
    entries = [e for line in sidecar.read_text().splitlines() if (e := line.split("#", 1)[0].strip())]
    assert {(sidecar.parent / e).resolve() for e in entries} == {SEEDS.resolve(), SAMPLE.resolve()}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"answerable": True, "category": "number"}, "only unanswerable questions"),
        ({"note": "No such figure."}, "must record the grep"),
        ({"kind": None}, "missing field: kind"),
        ({"split": None}, "missing field: split"),
    ],
)
def test_unanswerable_validator_catches(tmp_path, unanswerable_articles, changes, expected):
    q = {
        "id": "un-t",
        "question": "How many Kurdish lawmakers attended the session?",
        "answers": [],
        "evidence": [],
        "category": "unanswerable",
        "answerable": False,
        "kind": "modifier",
        "split": "dev",
        "note": "168 are all present. Grep: kurd.",
    }
    assert validate_mod.validate_unanswerable(_write(tmp_path, [q]), unanswerable_articles) == []
    q.update(changes)
    q = {k: v for k, v in q.items() if v is not None}
    problems = validate_mod.validate_unanswerable(_write(tmp_path, [q]), unanswerable_articles)
    assert any(expected in p for p in problems), problems


def test_validator_main_checks_the_unanswerable_set_by_default(capsys):
    assert validate_mod.main([]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "unanswerable.jsonl" in x)
    assert ": OK;" in line


# --------------------------------------------------------------------------- the corpus-wide bench set


@pytest.mark.skipif(not EVENTS.is_file(), reason=f"AllSides corpus not found at {EVENTS}")
def test_bench_set_is_valid_against_the_whole_corpus():
    articles = validate_mod.load_allsides_articles(EVENTS)
    assert len(articles) == 1479
    assert validate_mod.validate(BENCH_SET, articles) == []
    questions = _questions(BENCH_SET)
    assert len(questions) >= 45
    assert all(q["answerable"] for q in questions)
    for q in questions:  # each is answered by exactly one article
        assert len({e["doc_id"] for e in q["evidence"]}) == 1, q["id"]
    events = {q["evidence"][0]["doc_id"].rsplit("-", 1)[0] for q in questions}
    assert len(events) >= 40
    # The sample shipped in eval/ is exactly what the converter makes of the corpus.
    for row in _questions(SAMPLE):
        assert articles[row["id"]] == row["text"]


def test_bench_set_is_well_formed_offline():
    questions = _questions(BENCH_SET)
    assert len(questions) >= 45
    assert len({q["id"] for q in questions}) == len(questions)
    assert all(q["category"] in validate_mod.CATEGORIES and q["answers"] and q["evidence"] for q in questions)


# --------------------------------------------------------------------------- the claim set

CLAIM_SET = REPO / "eval" / "claims.jsonl"


@pytest.fixture(scope="module")
def claim_articles() -> dict[str, dict[str, str]]:
    return validate_mod.load_claim_articles()


def _good_claim(**changes) -> dict:
    item = {
        "id": "t-claim",
        "articles": "seeds",
        "question": "How many lawmakers attended?",
        "answer": "About 170 lawmakers attended the session [1].",
        "citations": [
            {"doc_id": GN, "quote": "the 168 lawmakers present were just three more than the quorum"}
        ],
        "faithful": False,
        "fault": "figure",
        "wrong": "170",
        "right": "168",
        "split": "dev",
    }
    item.update(changes)
    return item


def test_claim_set_is_valid(claim_articles):
    assert validate_mod.validate_claims(CLAIM_SET, claim_articles) == []


def test_claim_set_counts():
    items = _questions(CLAIM_SET)
    faithful = [i for i in items if i["faithful"]]
    faults = Counter(i["fault"] for i in items if not i["faithful"])
    assert len(faithful) >= 40
    assert sum(faults.values()) >= 40
    for kind in validate_mod.LEXICAL_FAULTS:
        assert faults[kind] >= 5, kind
    assert faults["negation"] >= 3
    assert faults["derived"] >= 3
    # Both article groups, and both splits of every kind.
    assert Counter(i["articles"] for i in items).keys() == {"seeds", "allsides"}
    for kind in ["faithful", *faults]:
        splits = Counter(i["split"] for i in items if (i["fault"] or "faithful") == kind)
        assert splits["dev"] and splits["test"], kind
        assert abs(splits["dev"] - splits["test"]) <= 1, (kind, splits)
    # Markers placed after the full stop, and combined ones, are both in the set.
    assert any(re.search(r"[.!?\"] \[\d+\]$", i["answer"]) for i in faithful)
    assert any("][" in i["answer"] for i in faithful)


def test_a_sound_claim_passes(tmp_path, claim_articles):
    assert validate_mod.validate_claims(_write(tmp_path, [_good_claim()]), claim_articles) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # A quote that is not in its article.
        (
            {"citations": [{"doc_id": GN, "quote": "the 170 lawmakers present were just three more"}]},
            "not a verbatim substring",
        ),
        # The "wrong" word is in fact in the cited text: nothing is planted.
        ({"answer": "About 168 lawmakers attended the session [1].", "wrong": "168"}, "no fault is planted"),
        # A wrong name that the sentence before the quote holds (a pronoun's antecedent) is no fault either.
        (
            {
                "fault": "attribution",
                "answer": "Ammar al-Shibli told Reuters Iraq can protect itself [1].",
                # "he" in the quote; the sentence before names Ammar al-Shibli.
                "citations": [
                    {
                        "doc_id": WIRE,
                        "quote": "which are capable of protecting the country,” he told Reuters.",
                    }
                ],
                "wrong": "Ammar al-Shibli",
                "right": None,
            },
            "no fault is planted",
        ),
        # A marker with no citation, and a citation with no marker.
        ({"answer": "About 170 lawmakers attended the session [2]."}, "marker [2] has no citation"),
        ({"answer": "About 170 lawmakers attended the session [2]."}, "citation 1 is referenced by no"),
        ({"right": "169"}, "is not verbatim in the cited sentences"),
        ({"wrong": "171"}, "is not a substring of the answer"),
        ({"fault": "typo"}, "bad fault"),
        ({"split": "train"}, "bad split"),
        ({"articles": "allsides"}, "is not an article of 'allsides'"),
        ({"faithful": True}, "must have fault, wrong and right all null"),
        ({"fault": "quote"}, "not inside quotation marks"),
        ({"fault": "derived", "wrong": "170"}, "needs a note"),
        ({"fault": "uncited", "wrong": "About 170 lawmakers attended the session [1]."}, "carries a marker"),
        ({"tags": []}, "unknown field"),
    ],
)
def test_claim_validator_catches(tmp_path, claim_articles, changes, expected):
    problems = validate_mod.validate_claims(_write(tmp_path, [_good_claim(**changes)]), claim_articles)
    assert any(expected in p for p in problems), problems


def test_claim_validator_checks_faithful_figures(tmp_path, claim_articles):
    def faithful(cid: str, answer: str) -> dict:
        return _good_claim(id=cid, answer=answer, faithful=True, fault=None, wrong=None, right=None)

    good = [
        faithful("a", "168 lawmakers attended, 3 more than the quorum [1]."),  # 3 is "three" in the text
        faithful("b", "One hundred sixty-eight lawmakers attended. [1]"),
    ]
    assert validate_mod.validate_claims(_write(tmp_path, good), claim_articles) == []
    bad = faithful("c", "170 lawmakers attended [1].")
    problems = validate_mod.validate_claims(_write(tmp_path, [bad]), claim_articles)
    assert any("'170', which is not in the cited sentences" in p for p in problems), problems


def test_claim_validator_reports_duplicates_and_missing_fields(tmp_path, claim_articles):
    broken = _good_claim()
    del broken["right"]
    problems = validate_mod.validate_claims(
        _write(tmp_path, [_good_claim(), _good_claim(), broken]), claim_articles
    )
    assert any("duplicate id" in p for p in problems)
    assert any("missing field(s): right" in p for p in problems)


def test_spelled_numbers():
    assert validate_mod.spelled_numbers(3) == {"three"}
    assert "one hundred and sixty eight" in validate_mod.spelled_numbers(168)
    assert validate_mod.spelled_numbers(5000) == {"five thousand"}
