"""The web UI's pure parts: text highlighting, agreement between reports, chart geometry."""

from __future__ import annotations

import itertools

from storyline.web import agree, charts
from storyline.web.highlight import runs


def test_runs_join_back_and_resolve_overlaps() -> None:
    text = "Olaf Scholz traf am Montag in Berlin ein."
    analysis = {
        "entities": [
            {"text": "Olaf Scholz", "label": "PER", "start": 0, "end": 11, "canonical": "Olaf Scholz"},
            {"text": "Berlin", "label": "LOC", "start": 30, "end": 36, "canonical": "Berlin"},
            {"text": "Scholz", "label": "PER", "start": 5, "end": 11, "canonical": "Scholz"},
        ],
        "places": [{"text": "Berlin", "name": "Berlin", "country": "DE", "lat": 52.5, "lon": 13.4,
                    "start": 30, "end": 36}],
        "times": [{"text": "am Montag", "type": "DATE", "value": "2026-03-02", "start": 17, "end": 26},
                  {"text": "bogus", "type": "DATE", "value": "x", "start": 90, "end": 99}],
    }  # fmt: skip
    out = runs(text, analysis)
    assert "".join(r.text for r in out) == text
    marked = [(r.text, r.kind) for r in out if r.kind]
    assert marked == [("Olaf Scholz", "entity"), ("am Montag", "time"), ("Berlin", "place")]
    assert runs(text, None) == [runs(text, None)[0]] and runs("", {}) == []
    berlin = next(r for r in out if r.kind == "place")
    assert "DE" in (berlin.note or "") and berlin.link == "Berlin"


def test_numbers_are_read_in_both_languages() -> None:
    facts = agree.facts_of(None, "Rund 1.800 Menschen, around 1,800 people; 7,41 m; 2013; 1 Boot")
    numbers = {k[1] for k in facts if k[0] == "number"}
    assert numbers == {"1800", "7.41"}  # years are dates, "1" is noise


def test_agreement_folds_copies_and_joins_names() -> None:
    arts = [
        {"id": "a", "source": "Wire"},
        {"id": "b", "source": "Paper", "duplicate_of": "a"},  # a reprint: the same voice
        {"id": "c", "source": "Daily"},
    ]
    analyses = {
        "a": {"entities": [{"label": "PER", "canonical": "Katrin Hollmann"}],
              "places": [{"name": "Prag", "geonameid": 3067696, "kind": "city"}]},
        "b": {"entities": [{"label": "PER", "canonical": "Katrin Hollmann"}]},
        "c": {"entities": [{"label": "ORG", "canonical": "Hollmann"},
                           {"label": "PER", "canonical": "Dieter Kaschner"}],
              "places": [{"name": "Prague", "geonameid": 3067696, "kind": "city"}]},
    }  # fmt: skip
    texts = {"a": "12 Tote", "b": "12 Tote", "c": "14 Tote"}
    voices = agree.voices(arts, analyses, texts, near=[])
    assert [v.article_ids for v in voices] == [["a", "b"], ["c"]]
    result = agree.agreement(voices)
    agreed = {(f["kind"], f["value"]) for f in result["agree"]}
    assert ("name", "Katrin Hollmann") in agreed  # "Hollmann" in c counts for her
    assert ("place", "Prag") in agreed  # one gazetteer id in two languages
    differ = {(f["kind"], f["value"], tuple(f["outlets"])) for f in result["differ"]}
    assert ("number", "12", ("Paper", "Wire")) in differ
    assert ("number", "14", ("Daily",)) in differ
    assert ("name", "Dieter Kaschner", ("Daily",)) in differ
    assert agree.agreement(voices[:1]) == {"voices": 1, "agree": [], "differ": []}


def test_timeline_positions_and_undated_events() -> None:
    events = [
        {"id": "e1", "first_day": "2026-01-01", "last_day": "2026-01-03"},
        {"id": "e2", "first_day": "2026-06-01", "last_day": "2026-06-01"},
        {"id": "e3", "first_day": None, "last_day": None},
    ]
    chart = charts.timeline(events)
    xs = {p["id"]: p for p in chart["points"]}
    assert xs["e1"]["x"] == charts.PAD and xs["e2"]["x"] == charts.WIDTH - charts.PAD
    assert xs["e1"]["x_end"] > xs["e1"]["x"]
    assert chart["undated"] == ["e3"]
    labels = [t["x"] for t in chart["ticks"]]
    assert labels == sorted(labels) and all(b - a >= 70 for a, b in itertools.pairwise(labels))
    assert charts.timeline([events[2]])["points"] == []


def test_mentions_chart_switches_to_months() -> None:
    days = [{"day": f"2026-{m:02d}-15", "mentions": m} for m in range(1, 13)]
    chart = charts.mentions([*days, {"day": None, "mentions": 4}])
    assert chart["unit"] == "month" and len(chart["bars"]) == 12 and chart["undated"] == 4
    assert max(b["h"] for b in chart["bars"]) == 160
    short = charts.mentions(
        [{"day": "2026-03-01", "mentions": 2}, {"day": "2026-03-04", "mentions": 1}]
    )
    assert short["unit"] == "day" and [b["value"] for b in short["bars"]] == [2, 1]
