"""The analysis stage end to end: ingest analyses, show --json carries the facts, the registry
answers from the CLI, an interrupted analysis resumes, and the seeds show what issue 3 asks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import api
from storyline.cli import app
from storyline.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("analysis") / "corpus.db"
    report = api.ingest([CORPUS / "text"], db=db)
    assert report.counts["failed"] == 0
    assert report.analysis_failed == 0, report.failures
    assert report.analysed == report.counts["new"] + report.counts["near_duplicate"]
    return db


def test_every_stored_article_is_analysed(corpus_db: Path) -> None:
    with SQLiteStore(corpus_db, readonly=True) as store:
        assert store.pending_analysis("1") == []
        first = store.articles(limit=1)[0]
        analysis = store.get_analysis(first["id"])
    assert analysis is not None and analysis.event is not None
    assert analysis.event.key_points


def test_show_json_has_the_analysis_fields_with_offsets_into_text(corpus_db: Path) -> None:
    ref = str(CORPUS / "text" / "nordwind-elbe-hochwasser-dresden.txt")
    with SQLiteStore(corpus_db, readonly=True) as store:
        article_id = store.get(ref).id
    code, out = _cli("show", article_id, "--db", str(corpus_db), "--json")
    assert code == 0, out
    data = json.loads(out)
    for key in ("entities", "places", "times", "event", "published_inferred"):
        assert key in data
    text = data["text"]
    for ent in data["entities"]:
        assert text[ent["start"] : ent["end"]] == ent["text"]
        assert set(ent) >= {"text", "label", "canonical", "start", "end"}
    for t in data["times"]:
        assert text[t["start"] : t["end"]] == t["text"]
        assert set(t) >= {"text", "type", "value"}
    assert {"text", "name", "country", "lat", "lon", "kind"} <= set(data["places"][0])
    assert data["event"]["type"] == "disaster"
    assert any(p["name"] == "Dresden" and p["country"] == "DE" for p in data["places"])


def test_entities_and_entity_commands(corpus_db: Path) -> None:
    code, out = _cli("entities", "--db", str(corpus_db), "--json", "--limit", "500")
    assert code == 0, out
    rows = json.loads(out)
    assert rows and all({"id", "label", "name", "mentions"} <= set(r) for r in rows)
    assert any(r["name"] == "Dresden" for r in rows)
    code, out = _cli("entity", "Dresden", "--db", str(corpus_db), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["aliases"] and data["timeline"]
    code, out = _cli("entities", "--db", str(corpus_db))
    assert code == 0 and "Dresden" in out
    result = runner.invoke(app, ["entity", "Niemand Unbekannt", "--db", str(corpus_db)])
    assert result.exit_code == 2
    assert "no entity named" in result.stderr


def test_analyse_resumes_what_ingest_left(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted((CORPUS / "text").glob("*.txt"))[:3]:
        shutil.copy(p, folder / p.name)
    report = api.ingest([folder], db=db, analyse=False)
    assert report.analysed == 0
    assert api.pending_analyses(db=db) == 3
    code, out = _cli("analyse", "--db", str(db), "--json")
    assert code == 0, out
    assert json.loads(out)["analysed"] == 3
    assert api.pending_analyses(db=db) == 0
    code, out = _cli("analyse", "--db", str(db), "--json")
    assert json.loads(out)["analysed"] == 0  # nothing left: a no-op


def test_show_published_resolves_relative_times(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text(
        "Treffen in Genf\n\nDie Außenminister trafen sich am Montag in Genf. "
        "Ein weiteres Treffen ist für den 10. Januar geplant.\n",
        encoding="utf-8",
    )
    _, open_ = api.show_analysis(str(page))
    assert open_.published is None
    assert all(not t.value[:4].isdigit() for t in open_.times if t.type == "DATE")
    _, anchored = api.show_analysis(str(page), published="2021-12-30")
    values = {t.text: t.value for t in anchored.times}
    # TIMEX3 extents leave out prepositions: "am Montag" -> "Montag"
    assert values == {"Montag": "2021-12-27", "10. Januar": "2022-01-10"}


def test_seeds_show_canonical_people_and_resolved_places(seeds: dict[str, Path]) -> None:
    people: set[str] = set()
    places: dict[str, tuple[str | None, float | None]] = {}
    for path in seeds.values():
        _, analysis = api.show_analysis(str(path))
        people |= {e.canonical or e.text for e in analysis.entities if e.label == "PER"}
        for p in analysis.places:
            places[p.name] = (p.country, p.lat)
        assert analysis.published is None
    assert {"Wladimir Putin", "Alexander Lukaschenko", "Joe Biden"} <= people
    assert "Putins" not in people and "Lukaschenkos" not in people
    names = set(places)
    for city, country in (("Minsk", "BY"), ("Moscow", "RU"), ("Geneva", "CH")):
        found = [n for n in names if n in (city, {"Moscow": "Moskau", "Geneva": "Genf"}.get(city))]
        assert found, (city, names)
        assert places[found[0]][0] == country and places[found[0]][1] is not None
    petersburg = [n for n in names if "Petersburg" in n]
    assert len(petersburg) == 1 and places[petersburg[0]][0] == "RU"


def test_event_frames_on_the_example_corpus() -> None:
    """Regression guard for the event frame against our corpus truth (numbers in benchmarks)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_analysis import corpus_frames

    frames = corpus_frames()
    assert len(frames) == 35
    accepted = sum(a.event.type in (r["event_type"], *r["event_type_also"]) for r, a in frames)
    on_day = sum((a.event.when or "")[:10] == r["event_date"] for r, a in frames)
    assert accepted / len(frames) >= 0.85
    assert on_day / len(frames) >= 0.7
