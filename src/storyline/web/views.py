"""What each page shows, as plain data: one function per page, reading only the store.

The HTML templates and the JSON answers are both made from these dicts, so a page and its
``.json`` twin can never disagree, and the logic is testable without a browser or a server.
"""

from __future__ import annotations

from typing import Any

from storyline.errors import InputError, NotFound
from storyline.store import Store
from storyline.web import agree, charts
from storyline.web.highlight import runs

#: Most articles shown side by side on an event page; the rest are listed below.
SIDE_BY_SIDE = 24
#: Most events put on the map (latest first): beyond that a world map is unreadable anyway.
MAP_EVENTS = 2000


def page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """A page of a listing; ``next`` is the following page's offset (``None`` at the end).

    The store is asked for ``limit + 1`` rows, so the last page is known without a count.
    """
    more = len(items) > limit
    return {
        "items": items[:limit],
        "limit": limit,
        "offset": offset,
        "next": offset + limit if more else None,
        "previous": max(offset - limit, 0) if offset > 0 else None,
    }


def day_param(name: str, value: str | None) -> str | None:
    """A ``YYYY-MM-DD`` query parameter, checked (a bad one is the client's error, 400)."""
    from storyline.api import day_arg

    return day_arg(f"parameter {name}", value or None)


def overview(store: Store) -> dict[str, Any]:
    stats = store.stats()
    return {
        "stats": stats,
        "storylines": store.storylines(limit=8),
        "events": store.events(limit=12),
    }


def stories(store: Store, limit: int, offset: int) -> dict[str, Any]:
    return page(store.storylines(limit=limit + 1, offset=offset), limit, offset)


def story(store: Store, ref: str) -> dict[str, Any]:
    data = store.storyline(ref)
    data["chart"] = charts.timeline(data.get("timeline", []))
    return data


def events(
    store: Store,
    limit: int,
    offset: int,
    *,
    since: str | None = None,
    entity: str | None = None,
    place: str | None = None,
    storyline: str | None = None,
) -> dict[str, Any]:
    from storyline import api

    items = api.events(
        db=store,
        since=day_param("since", since),
        entity=entity or None,
        place=place or None,
        storyline=storyline or None,
        limit=limit + 1,
        offset=offset,
    )
    out = page(items, limit, offset)
    out["filters"] = {"since": since, "entity": entity, "place": place, "storyline": storyline}
    return out


def event(store: Store, ref: str) -> dict[str, Any]:
    """The event with its reports side by side and what they agree and differ on."""
    data = store.event(ref)
    members = data.get("articles", [])
    shown = members[:SIDE_BY_SIDE]
    ids = [m["id"] for m in shown]
    reports: list[dict[str, Any]] = []
    analyses: dict[str, dict[str, Any] | None] = {}
    texts: dict[str, str] = {}
    near = _near_duplicates(store, ids)
    for member in shown:
        try:
            article = store.get(member["id"])
        except NotFound:  # deleted since the event was summarised
            continue
        found = store.get_analysis(article.id)
        analyses[article.id] = found.to_dict() if found else None
        texts[article.id] = article.text
        reports.append(
            {
                **member,
                "lead": article.lead or (article.body[0].text if article.body else ""),
                "byline": article.byline,
                "agencies": article.agencies,
            }
        )
    pairs = store.pair_scores(ids)
    near += [(p["a"], p["b"]) for p in pairs if p["near"]]
    voices = agree.voices(reports, analyses, texts, near)
    for n, voice in enumerate(voices):
        for aid in voice.article_ids:
            rep = next(r for r in reports if r["id"] == aid)
            rep["voice"] = n
            rep["folded"] = aid != voice.article_ids[0]
    data["reports"] = reports
    data["voices"] = [{"articles": v.article_ids, "outlets": v.outlets} for v in voices]
    data["agreement"] = agree.agreement(voices)
    data["pairs"] = pairs
    data["more_articles"] = members[SIDE_BY_SIDE:]
    by_lang: dict[str, list[str]] = {}
    for rep in reports:
        by_lang.setdefault(rep.get("language") or "und", []).append(rep["id"])
    data["by_language"] = by_lang
    return data


def _near_duplicates(store: Store, ids: list[str]) -> list[tuple[str, str]]:
    """Pairs among ``ids`` that the store filed as near-duplicate texts (wire copies)."""
    wanted = set(ids)
    return [(aid, other) for aid in ids for other in store.duplicates(aid) if other in wanted]


def articles(
    store: Store, limit: int, offset: int, *, language: str | None, since: str | None
) -> dict[str, Any]:
    from storyline import api

    items = api.articles(
        db=store,
        limit=limit + 1,
        offset=offset,
        language=language or None,
        since=day_param("since", since),
    )
    out = page(items, limit, offset)
    out["filters"] = {"lang": language, "since": since}
    return out


def article(store: Store, ref: str) -> dict[str, Any]:
    """The cleaned article, its analysis, the text as highlighted runs, its event."""
    art = store.get(ref)
    found = store.get_analysis(art.id)
    data = art.to_dict()
    analysis = found.to_dict() if found else None
    data["analysis"] = analysis
    data["runs"] = [r.__dict__ for r in runs(art.text, analysis)]
    data["event_id"] = store.event_of(art.id)
    data["copies"] = store.copies(art.id)
    data["near_duplicates"] = store.duplicates(art.id)
    return data


def entities(
    store: Store, limit: int, offset: int, *, label: str | None, query: str | None
) -> dict[str, Any]:
    from storyline import api

    items = api.entities(
        db=store, label=label or None, query=query or None, limit=limit + 1, offset=offset
    )
    out = page(items, limit, offset)
    out["filters"] = {"label": label, "q": query}
    return out


def entity(store: Store, ref: str) -> dict[str, Any]:
    from storyline import api

    data = store.entity(ref)
    data["chart"] = charts.mentions(data.get("timeline", []))
    data["events"] = store.events(entity_keys=api.entry_keys(data), limit=50)
    return data


def world_map(store: Store, *, since: str | None = None) -> dict[str, Any]:
    """Events with a located main place, latest first, with their SVG coordinates.

    The country outlines are not part of the data (the HTML page draws them from the package's
    ``world.json``): the JSON answer stays small and is only about events.
    """
    from storyline.web.geo import VIEWBOX, project

    markers = []
    for ev in store.events(since=day_param("since", since), limit=MAP_EVENTS):
        where = ev.get("where")
        if not where:
            continue
        x, y = project(where["lat"], where["lon"])
        markers.append(
            {
                "id": ev["id"],
                "title": ev["title"],
                "day": ev.get("first_day"),
                "place": where["name"],
                "country": where.get("country"),
                "lat": where["lat"],
                "lon": where["lon"],
                "x": x,
                "y": y,
                "articles": ev["articles"],
            }
        )
    return {
        "viewbox": VIEWBOX,
        "focus": _focus(markers) or VIEWBOX,
        "markers": markers,
        "filters": {"since": since},
    }


def _focus(markers: list[dict[str, Any]]) -> str | None:
    """The viewBox the map opens on: the markers' extent with a margin, at the map's aspect
    ratio, never smaller than 40° wide (a single city should still show its country)."""
    if not markers:
        return None
    xs, ys = [m["x"] for m in markers], [m["y"] for m in markers]
    w = max(max(xs) - min(xs) + 20, 40.0)
    h = max(max(ys) - min(ys) + 10, w / 2)
    w = max(w, 2 * h)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x0 = min(max(cx - w / 2, -180), 180 - w) if w < 360 else -180
    y0 = min(max(cy - h / 2, -90), 90 - h) if h < 180 else -90
    return f"{x0:.1f} {y0:.1f} {min(w, 360):.1f} {min(h, 180):.1f}"


def search(
    store: Store,
    limit: int,
    offset: int,
    *,
    q: str,
    entity: str | None = None,
    place: str | None = None,
    lang: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Full text plus filters; an empty form shows the form, not an error."""
    from storyline.api import search as run_search

    wanted = {"q": q, "entity": entity, "place": place, "lang": lang, "from": since, "to": until}
    if not q.strip() and not any((entity, place, lang, since, until)):
        out = page([], limit, offset)
        out.update({"query": wanted, "empty": True})
        return out
    items = run_search(
        q, db=store, limit=limit + 1, offset=offset, entity=entity, place=place,
        language=lang, since=day_param("from", since), until=day_param("to", until),
    )  # fmt: skip
    out = page(items, limit, offset)
    out.update({"query": wanted, "empty": False})
    return out


def compare(store: Store, a: str, b: str) -> dict[str, Any]:
    """The compare explanation for two stored articles (see :func:`storyline.compare`)."""
    from storyline.api import compare as run_compare

    if not a or not b:
        raise InputError("give two article ids: /compare?a=ID&b=ID")
    first, second = store.get(a), store.get(b)
    result = run_compare(first.id, second.id, db=store, sentences=True)
    data = result.to_dict()
    data["a"] = {"id": first.id, "title": first.title, "source": first.source,
                 "language": first.language, "published": first.published}  # fmt: skip
    data["b"] = {"id": second.id, "title": second.title, "source": second.source,
                 "language": second.language, "published": second.published}  # fmt: skip
    return data


__all__ = [
    "article",
    "articles",
    "compare",
    "entities",
    "entity",
    "event",
    "events",
    "overview",
    "search",
    "stories",
    "story",
    "world_map",
]
