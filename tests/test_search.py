"""Hybrid search: meaning and rare names both found, fusion and spreading behave."""

from __future__ import annotations

from qa.index.corpus import Corpus
from qa.index.manifest import match_expression
from qa.index.search import diversify, rrf, search


def test_paraphrase_finds_the_troop_sentences(seed_corpus: Corpus):
    hits = search(seed_corpus, "American soldiers", k=5)
    assert any("U.S. troops" in h.text or "US troops" in h.text for h in hits)


def test_rare_name_finds_the_one_chunk_that_names_it(seed_corpus: Corpus):
    hits = search(seed_corpus, "Nujaba", k=5)
    assert "Nujaba" in hits[0].text
    assert sum("Nujaba" in h.text for h in hits) == 1


def test_hits_are_committed_spans_of_the_articles(seed_corpus: Corpus):
    for hit in search(seed_corpus, "quorum", k=6):
        assert seed_corpus.article_text(hit.doc_id)[hit.start : hit.end] == hit.text


def test_results_spread_across_outlets(seed_corpus: Corpus):
    hits = search(seed_corpus, "parliament resolution foreign troops", k=4)
    assert len({h.doc_id for h in hits}) == 2


def test_dense_and_bm25_modes_differ_from_hybrid_only_in_ranking(seed_corpus: Corpus):
    bm25 = search(seed_corpus, "Nujaba", k=3, mode="bm25")
    dense = search(seed_corpus, "Nujaba", k=3, mode="dense")
    assert "Nujaba" in bm25[0].text
    assert len(dense) == 3


def test_rrf_rewards_agreement():
    scores = rrf([["a", "b", "c"], ["b", "a", "d"]])
    assert scores["a"] == scores["b"] > scores["c"] > 0 and scores["c"] == scores["d"]


def test_reported_scores_are_the_ranking_scores(seed_corpus: Corpus):
    for query in ("parliament resolution foreign troops", "Sadr", "quorum"):
        scores = [h.score for h in search(seed_corpus, query, k=8)]
        assert scores == sorted(scores, reverse=True), query


def test_diversify_spreads_close_scores_but_keeps_clear_winners():
    close = [("a1", "A", 1.0), ("a2", "A", 0.99), ("b1", "B", 0.95)]
    assert [i for i, _ in diversify(close, 2)] == ["a1", "b1"]
    clear = [("a1", "A", 1.0), ("a2", "A", 0.99), ("b1", "B", 0.5)]
    assert [i for i, _ in diversify(clear, 2)] == ["a1", "a2"]


def test_match_expression_quotes_terms_so_any_input_is_safe(seed_corpus: Corpus):
    hostile = 'How many "votes" AND NOT (x)* NEAR/2 ^col: ?'
    assert match_expression(hostile) == '"votes" OR "not" OR "x" OR "near" OR "2" OR "col"'
    assert match_expression("the of and") == ""
    assert isinstance(seed_corpus.store.bm25(hostile, 5), list)  # FTS5 syntax never leaks through
