"""Sentence spans, event types, key points and the event frame (rules, no models)."""

from __future__ import annotations

from storyline.analyse.event import classify_event, event_frame, key_points
from storyline.analyse.sentences import split_sentences
from storyline.analyse.types import Entity, Place, TimeExpression


def test_sentences_keep_offsets_and_skip_abbreviations() -> None:
    text = (
        "Der Kanzler traf am 19. Dezember in Berlin ein. Dr. Weber sagte, z. B. sei alles "
        "bereit! „Wir sind vorbereitet“, sagte sie. George W. Bush war 2008 Präsident.\n\n"
        "Zweiter Absatz. Ende."
    )
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Der Kanzler traf am 19. Dezember in Berlin ein.",
        "Dr. Weber sagte, z. B. sei alles bereit!",
        "„Wir sind vorbereitet“, sagte sie.",
        "George W. Bush war 2008 Präsident.",
        "Zweiter Absatz.",
        "Ende.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sents)
    assert [s.paragraph for s in sents] == [0, 0, 0, 0, 1, 1]


def test_sentences_of_empty_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("\n\n  \n") == []


def test_event_type_from_title_and_lead_german() -> None:
    assert classify_event(
        "Hochwasser in Sachsen: Dresden ruft Alarmstufe aus", "Die Elbe steigt.", "", "de"
    ) == ("disaster", "Hochwasser")
    kind, trigger = classify_event(
        "Kanzlerin und Präsident treffen sich in Paris",
        "Die beiden sprachen über den Haushalt.",
        "",
        "de",
    )
    assert kind == "meeting" and trigger == "treffen"
    assert classify_event("Lokführer legen Bahnverkehr lahm", "Der Bahnstreik", "", "de")[0] == (
        "protest"
    )
    assert classify_event("Gericht verurteilt Ex-Minister", "", "", "de")[0] == "legal"


def test_event_type_english_and_fallback() -> None:
    assert classify_event("Union calls rail strike", "Trains stopped.", "", "en")[0] == "protest"
    assert classify_event("Ship runs aground off Hamburg", "", "", "en")[0] == "disaster"
    assert classify_event("Ein schöner Tag", "Nichts geschah.", "", "de") == ("other", None)


def test_statements_need_more_evidence_than_a_disaster() -> None:
    # "sagte" occurs twice, "Murgang" once in the title: the event is the debris flow
    kind, _ = classify_event(
        "Murgang verschüttet Straße im Saastal", "Der Sprecher sagte, man sagte ab.", "", "de"
    )
    assert kind == "disaster"


def test_key_points_prefer_the_articles_own_list() -> None:
    sents = split_sentences("Titel.\n\nEin erster Satz mit genug Wörtern für einen Punkt hier.")
    assert key_points(["a", "b", "c", "d"], sents, [], "Titel.") == ["a", "b", "c"]


def test_extractive_key_points_are_early_readable_sentences_in_order() -> None:
    text = (
        "Titel der Meldung\n\n"
        "Die Stadt Dresden hat am Samstag die höchste Alarmstufe ausgerufen. "
        "Kurz. "
        "Der Pegel der Elbe stieg bis zum Abend auf über sieben Meter an. "
        "Die Feuerwehr räumte mehrere Straßen in der Altstadt von Pirna. "
        "Später am Tag kamen weitere Helfer aus den umliegenden Landkreisen hinzu."
    )
    sents = split_sentences(text)
    points = key_points([], sents, [], "Titel der Meldung")
    assert len(points) == 3
    assert points[0].startswith("Die Stadt Dresden")
    assert "Kurz." not in points
    assert [text.index(p) for p in points] == sorted(text.index(p) for p in points)


def test_event_frame_fills_who_where_when() -> None:
    title = "Außenminister treffen sich in Genf"
    lead = "Die Außenministerin Anna Berg und ihr Kollege Tom Lind trafen sich am Montag in Genf."
    text = f"{title}\n\n{lead}\n\nDie Agentur dpa berichtete, Berg sagte danach wenig."
    at = text.index
    entities = [
        Entity("Anna Berg", "PER", at("Anna Berg"), at("Anna Berg") + 9, "Anna Berg"),
        Entity("Tom Lind", "PER", at("Tom Lind"), at("Tom Lind") + 8, "Tom Lind"),
        Entity("dpa", "ORG", at("dpa"), at("dpa") + 3, "dpa"),
        Entity("Berg", "PER", at("Berg sagte"), at("Berg sagte") + 4, "Anna Berg"),
    ]
    g = text.index("Genf", len(title))
    places = [
        Place("Genf", "Geneva", "CH", 46.2, 6.14, "city", 30, 34),
        Place("Genf", "Geneva", "CH", 46.2, 6.14, "city", g, g + 4),
    ]
    m = text.index("am Montag")
    times = [TimeExpression("am Montag", "DATE", "2026-03-02", m, m + 9, anchored=True)]
    frame = event_frame(
        text=text,
        title=title,
        lead=lead,
        language="de",
        entities=entities,
        places=places,
        times=times,
        sentences=split_sentences(text),
        exclude=["dpa"],
    )
    assert frame.type == "meeting"
    assert frame.who == ["Anna Berg", "Tom Lind"]
    assert (frame.where, frame.country) == ("Geneva", "CH")
    assert frame.when == "2026-03-02"
    assert len(frame.key_points) == 2  # the title is not a key point; the text has 2 sentences


def test_event_frame_prefers_a_city_dateline() -> None:
    text = "Titel\n\nEin Satz über Belarus und Russland, der lang genug ist für alles."
    places = [
        Place("Belarus", "Belarus", "BY", 53.0, 28.0, "country", 14, 21),
        Place("Minsk", "Minsk", "BY", 53.9, 27.57, "city", -1, -1, via="dateline", dateline=True),
    ]
    frame = event_frame(
        text=text, title="Titel", lead=None, language="de", entities=[], places=places,
        times=[], sentences=split_sentences(text),
    )  # fmt: skip
    assert (frame.where, frame.country) == ("Minsk", "BY")
    assert frame.when is None and frame.who == []


def test_key_points_skip_fragments_cut_inside_a_quote() -> None:
    text = (
        "Titel\n\n"
        '"This is not enough. The offer does not even cover rising prices," the negotiator said. '
        "The union called a strike of two days across the whole country on Monday. "
        "„Wir sind bereit“, sagte die Sprecherin der Gewerkschaft am Abend in Berlin."
    )
    points = key_points([], split_sentences(text), [], "Titel")
    assert all(p.count('"') % 2 == 0 for p in points)
    assert "The union called a strike of two days across the whole country on Monday." in points
    assert "„Wir sind bereit“, sagte die Sprecherin der Gewerkschaft am Abend in Berlin." in points
