"""Stored analyses and the entity registry: replace semantics, stable ids, folding, timeline.

Every test runs on each backend (SQLite, and PostgreSQL where a throwaway cluster can start).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storyline.analyse.registry import entity_id, entity_key
from storyline.analyse.types import Analysis, Entity, EventFrame, Place, PublishedGuess
from storyline.errors import NotFound, StoreError
from storyline.model import Article, article_id
from storyline.store import Store, open_store


def _article(text: str, published: str | None = None, language: str = "de") -> Article:
    return Article(
        id=article_id(text), source_uri=f"mem://{article_id(text)}", text=text,
        language=language, title=text.split("\n")[0], published=published,
    )  # fmt: skip


def _ents(text: str, *spans: tuple[str, str, str]) -> list[Entity]:
    out = []
    for surface, label, canonical in spans:
        start = text.index(surface)
        out.append(Entity(surface, label, start, start + len(surface), canonical))  # type: ignore[arg-type]
    return out


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store on each backend (SQLite, and PostgreSQL where it can run)."""
    s = open_store(store_url)
    yield s
    s.close()


def _put(store: Store, article: Article, entities: list[Entity], **kw: object) -> Analysis:
    store.add(article)
    analysis = Analysis(
        article_id=article.id, language=article.language, published=article.published,
        entities=entities, event=EventFrame(type="meeting", who=["Wladimir Putin"]), **kw,
    )  # type: ignore[arg-type]  # fmt: skip
    store.put_analysis(analysis, "1")
    return analysis


def test_analysis_round_trip_and_versions(store: Store) -> None:
    text = "Putin in Minsk\n\nWladimir Putin traf Alexander Lukaschenko. Putins Reise."
    art = _article(text, "2022-12-19")
    ents = _ents(
        text,
        ("Wladimir Putin", "PER", "Wladimir Putin"),
        ("Alexander Lukaschenko", "PER", "Alexander Lukaschenko"),
        ("Putins", "PER", "Wladimir Putin"),
    )
    place = Place("Minsk", "Minsk", "BY", 53.9, 27.57, "city", 9, 14)
    stored = _put(store, art, ents, places=[place])
    assert store.get_analysis(art.id) == stored
    assert store.get_analysis(art.id[:8], version="1") == stored
    assert store.get_analysis(art.id, version="2") is None
    assert store.pending_analysis("1") == []
    assert store.pending_analysis("2") == [art.id]


def test_registry_counts_aliases_and_is_replaced_on_reanalysis(store: Store) -> None:
    text = "Putin in Minsk\n\nWladimir Putin traf Alexander Lukaschenko. Putins Reise."
    art = _article(text, "2022-12-19")
    ents = _ents(
        text,
        ("Wladimir Putin", "PER", "Wladimir Putin"),
        ("Alexander Lukaschenko", "PER", "Alexander Lukaschenko"),
        ("Putins", "PER", "Wladimir Putin"),
    )
    _put(store, art, ents)
    _put(store, art, ents)  # analysing again must not double anything
    top = store.entities()
    assert [(e["name"], e["mentions"], e["articles"]) for e in top] == [
        ("Wladimir Putin", 2, 1),
        ("Alexander Lukaschenko", 1, 1),
    ]
    putin = store.entity("Putins")
    assert putin["id"] == entity_id("PER", entity_key("Wladimir Putin"))
    assert {a["alias"] for a in putin["aliases"]} == {"Wladimir Putin", "Putins"}
    assert putin["timeline"] == [{"day": "2022-12-19", "mentions": 2, "articles": 1}]
    assert putin["languages"] == ["de"]


def test_registry_folds_spellings_across_languages(store: Store) -> None:
    de = "Lukaschenko spricht\n\nAlexander Lukaschenko sprach in Minsk."
    en = "Lukashenko speaks\n\nAlexander Lukashenko spoke in Minsk."
    _put(
        store,
        _article(de, "2022-12-19"),
        _ents(de, ("Alexander Lukaschenko", "PER", "Alexander Lukaschenko")),
    )
    _put(
        store,
        _article(en, "2022-12-20", "en"),
        _ents(en, ("Alexander Lukashenko", "PER", "Alexander Lukashenko")),
    )
    rows = store.entities(label="PER")
    assert len(rows) == 1
    assert rows[0]["articles"] == 2 and rows[0]["languages"] == ["de", "en"]
    assert rows[0]["first_seen"] == "2022-12-19" and rows[0]["last_seen"] == "2022-12-20"
    assert store.entity("Lukašenko")["id"] == rows[0]["id"]
    assert store.entities(query="lukash")[0]["id"] == rows[0]["id"]


def test_a_surname_alone_joins_the_one_full_name(store: Store) -> None:
    a = "Biden reist\n\nJoe Biden reist nach Genf."
    b = "Gipfel\n\nBiden sagte in Genf wenig."
    _put(store, _article(a, "2021-06-15"), _ents(a, ("Joe Biden", "PER", "Joe Biden")))
    _put(store, _article(b, "2021-06-16"), _ents(b, ("Biden", "PER", "Biden")))
    rows = store.entities()
    assert [(r["name"], r["articles"]) for r in rows] == [("Joe Biden", 2)]


def test_inferred_publication_day_dates_the_mentions(store: Store) -> None:
    text = "Ohne Datum\n\nJoe Biden sprach."
    guess = PublishedGuess("2021-06-16", 0.8, ["full date in the text"])
    _put(
        store,
        _article(text),
        _ents(text, ("Joe Biden", "PER", "Joe Biden")),
        published_inferred=guess,
    )
    assert store.entity("Joe Biden")["timeline"][0]["day"] == "2021-06-16"


def test_entity_lookup_errors(store: Store) -> None:
    with pytest.raises(NotFound, match="no entity named"):
        store.entity("Niemand")
    text = "Zwei Berg\n\nAnna Berg und Tom Berg."
    _put(
        store,
        _article(text),
        _ents(text, ("Anna Berg", "PER", "Anna Berg"), ("Tom Berg", "PER", "Tom Berg")),
    )
    assert store.entity("Anna Berg")["name"] == "Anna Berg"
    with pytest.raises(StoreError, match="entity query"):
        store.entities(query="!!!")


def test_entity_ids_resolve_names_without_reading_the_entry(store: Store) -> None:
    """What a search filter asks for: every id a name stands for, none for nobody."""
    text = "Zwei Berg\n\nAnna Berg und Tom Berg trafen Joe Biden."
    _put(
        store,
        _article(text),
        _ents(
            text,
            ("Anna Berg", "PER", "Anna Berg"),
            ("Tom Berg", "PER", "Tom Berg"),
            ("Joe Biden", "PER", "Joe Biden"),
        ),
    )
    anna, tom = store.entity("Anna Berg")["id"], store.entity("Tom Berg")["id"]
    assert store.entity_ids("Anna Berg") == (anna,)
    assert store.entity_ids(anna.upper()) == (anna,)  # an id, any case
    assert sorted(store.entity_ids("Berg")) == sorted([anna, tom])  # a shared surname
    assert store.entity_ids("Biden") == (store.entity("Joe Biden")["id"],)
    assert store.entity_ids("Niemand") == ()
    assert store.entity_ids("Nie\x00mand") == ()


def test_analysis_of_unknown_article_is_refused(store: Store) -> None:
    with pytest.raises(NotFound):
        store.put_analysis(Analysis(article_id="0" * 16, language="de", published=None), "1")
