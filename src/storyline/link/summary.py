"""What a reader sees of an event or a storyline: title, when, where, who, sources, key points.

Built from the member articles' analyses, never from publication dates alone: the event's span is
the span of its members' *event* times (falling back to publication when the text gives none).
Everything is counted by articles, not mentions, so one long article cannot dominate: a place
five outlets name outranks one an article repeats ten times.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from storyline.analyse.gazetteer import lookup
from storyline.analyse.names import fold
from storyline.analyse.registry import entity_id, entity_key
from storyline.link.events import article_day

if TYPE_CHECKING:
    from storyline.analyse.types import Analysis
    from storyline.compare.features import Bundle
    from storyline.model import Article

#: Entity labels that make an event's "who".
WHO_LABELS = ("PER", "ORG")
_WORD = re.compile(r"\w{3,}")


@dataclass
class Member:
    """One member article of an event, with what the summary reads of it."""

    article: Article
    analysis: Analysis | None
    bundle: Bundle
    arrival: int = 0


def place_key(lat: float, lon: float) -> str:
    """Language-neutral key of a place: coordinates rounded to 0.1 degree (Prag = Prague)."""
    return f"geo:{round(float(lat), 1)},{round(float(lon), 1)}"


def place_keys_for(name: str) -> list[str]:
    """Keys a user's place name can match: the gazetteer's best entries, and the folded name."""
    keys = [place_key(e.lat, e.lon) for e in lookup(name)[:3] if e.lat is not None]
    return [*dict.fromkeys(keys), "name:" + fold(name)]


def outlet(article: Article) -> str:
    """The outlet of an article: its declared source, else the host of its URL, else the file."""
    if article.source:
        return article.source
    uri = article.source_uri or ""
    host = urlparse(uri).netloc
    if host:
        return host.removeprefix("www.")
    return uri.rsplit("/", 1)[-1].split("#", 1)[0] or "unknown"


def _iso(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def _medoid(members: Sequence[Member]) -> int:
    vecs = np.stack([m.bundle.vectors[0] for m in members]).astype(np.float32)
    centre = vecs.mean(axis=0)
    return int(np.argmax(vecs @ centre))


def _distinct(points: list[str], limit: int) -> list[str]:
    """Up to ``limit`` points, skipping any whose words mostly repeat an earlier one."""
    out: list[str] = []
    seen: list[set[str]] = []
    for p in points:
        words = {w.casefold() for w in _WORD.findall(p)}
        if not words:
            continue
        if any(len(words & s) / len(words | s) > 0.5 for s in seen):
            continue
        out.append(p)
        seen.append(words)
        if len(out) == limit:
            break
    return out


def summarise_event(event_id: str, members: Sequence[Member]) -> dict[str, Any]:
    """The summary of one event (stored as JSON; the CLI, API and web UI show it)."""
    members = sorted(members, key=lambda m: (m.arrival, m.article.id))
    centre = members[_medoid(members)]
    days = [d for m in members if (d := article_day(m.bundle)) is not None]
    places: Counter[tuple[str, str | None, float | None, float | None, str]] = Counter()
    where: Counter[str] = Counter()
    who: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], Counter[str]] = {}
    types: Counter[str] = Counter()
    for m in members:
        an = m.analysis
        if an is None:
            continue
        # dict.fromkeys, not a set: ties keep first-seen order, not the per-process hash order
        places.update(
            list(dict.fromkeys((p.name, p.country, p.lat, p.lon, p.kind) for p in an.places))
        )
        if an.event:
            types[an.event.type] += 1
            if an.event.where:
                where[an.event.where] += 1
        seen: set[tuple[str, str]] = set()
        for e in an.entities:
            if e.label not in WHO_LABELS:
                continue
            name = " ".join((e.canonical or e.text).split())
            k = (e.label, entity_key(name))
            if not k[1]:
                continue
            names.setdefault(k, Counter())[name] += 1
            seen.add(k)
        who.update(seen)
    top_places = sorted(places.items(), key=lambda kv: (-where[kv[0][0]], -kv[1], kv[0][0]))
    # key points: the most central article's first, then the others', no near-repeats
    ordered = [centre, *(m for m in members if m is not centre)]
    points = [
        p for m in ordered if m.analysis and m.analysis.event for p in m.analysis.event.key_points
    ]
    if len(points) < 3:
        points += [m.article.lead for m in ordered if m.article.lead]
    return {
        "id": event_id,
        "title": centre.article.title or (centre.article.lead or "")[:120] or event_id,
        "first_day": _iso(min(days)) if days else None,
        "last_day": _iso(max(days)) if days else None,
        "type": types.most_common(1)[0][0] if types else None,
        "places": [
            {"name": n, "country": c, "lat": la, "lon": lo, "kind": k, "articles": cnt}
            for (n, c, la, lo, k), cnt in top_places[:8]
        ],
        "entities": [
            {
                "id": entity_id(label, key),
                "label": label,
                "name": names[(label, key)].most_common(1)[0][0],
                "articles": cnt,
            }
            for (label, key), cnt in sorted(who.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        ],
        "languages": sorted({m.article.language for m in members if m.article.language}),
        "outlets": sorted({outlet(m.article) for m in members}),
        "key_points": _distinct(points, 3),
        "articles": [
            {
                "id": m.article.id,
                "source_uri": m.article.source_uri,
                "title": m.article.title,
                "language": m.article.language,
                "source": outlet(m.article),
                "published": m.article.published,
                "day": _iso(article_day(m.bundle)),
            }
            for m in members
        ],
    }


def event_keys(summary: dict[str, Any]) -> set[tuple[str, str]]:
    """Rows of the store's ``event_keys``: entity keys and place keys of an event."""
    keys = {("entity", entity_key(e["name"])) for e in summary["entities"]}
    for p in summary["places"]:
        keys.add(("place", "name:" + fold(p["name"])))
        if p["lat"] is not None and p["lon"] is not None:
            keys.add(("place", place_key(p["lat"], p["lon"])))
    return keys


def summarise_storyline(storyline_id: str, events: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A storyline: its events in time order (the timeline), main entities and places.

    The title is the title of the event with the most articles (ties: the earliest), the
    storyline's best-covered moment.
    """
    order = sorted(events, key=lambda e: (e.get("first_day") or "9999", e["id"]))
    lead = max(order, key=lambda e: (len(e["articles"]), -order.index(e)))
    who: Counter[tuple[str, str, str]] = Counter()
    where: Counter[str] = Counter()
    for e in order:
        # dict.fromkeys, not a set: ties keep first-seen order, not the per-process hash order
        who.update(list(dict.fromkeys((x["id"], x["label"], x["name"]) for x in e["entities"][:5])))
        where.update(list(dict.fromkeys(p["name"] for p in e["places"][:3])))
    days = [d for e in order for d in (e.get("first_day"), e.get("last_day")) if d]
    return {
        "id": storyline_id,
        "title": lead["title"],
        "first_day": min(days) if days else None,
        "last_day": max(days) if days else None,
        "entities": [
            {"id": i, "label": lab, "name": n, "events": c}
            for (i, lab, n), c in sorted(who.items(), key=lambda kv: (-kv[1], kv[0][2], kv[0]))[:10]
        ],
        "places": [n for n, _c in where.most_common(8)],
        "languages": sorted({lang for e in order for lang in e["languages"]}),
        "timeline": [
            {
                "id": e["id"],
                "title": e["title"],
                "first_day": e.get("first_day"),
                "last_day": e.get("last_day"),
                "places": [p["name"] for p in e["places"][:3]],
                "outlets": e["outlets"],
                "languages": e["languages"],
                "articles": len(e["articles"]),
            }
            for e in order
        ],
        "n_articles": sum(len(e["articles"]) for e in order),
    }


__all__ = [
    "Member",
    "event_keys",
    "outlet",
    "place_key",
    "place_keys_for",
    "summarise_event",
    "summarise_storyline",
]
