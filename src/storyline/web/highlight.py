"""Split an article's text into runs, each plain or marked as an entity, a place or a time.

The analysis stores character offsets into ``Article.text``; the article page shows that text
with what was found marked in place, so a reader can check the analysis against the words it
came from. Spans overlap (a place is usually also a LOC entity, a time can sit inside a name):
the longest span wins, then places over entities over times, and the rest is dropped, so every
character is shown exactly once. The template escapes every run: articles contain ``<script>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_PRIORITY = {"place": 0, "entity": 1, "time": 2}


@dataclass(frozen=True)
class Run:
    """A piece of text; ``kind`` is ``None`` for plain text, else what the span is."""

    text: str
    kind: str | None = None  # "entity", "place", "time"
    label: str | None = None  # PER/ORG/LOC/MISC for entities, DATE/TIME/... for times
    note: str | None = None  # shown on hover: canonical name, country, normalised value
    link: str | None = None  # the entity page this run points to


def _spans(analysis: dict[str, Any]) -> list[tuple[int, int, str, dict[str, Any]]]:
    spans = []
    for kind, key in (("entity", "entities"), ("place", "places"), ("time", "times")):
        for item in analysis.get(key) or []:
            start, end = item.get("start"), item.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
                spans.append((start, end, kind, item))
    return spans


def _run(text: str, kind: str, item: dict[str, Any]) -> Run:
    if kind == "entity":
        name = item.get("canonical") or item.get("text") or text
        note = f"{item.get('label')}: {name}" + (f" ({item['role']})" if item.get("role") else "")
        return Run(text, kind, item.get("label"), note, name)
    if kind == "place":
        where = ", ".join(str(x) for x in (item.get("name"), item.get("country")) if x)
        lat, lon = item.get("lat"), item.get("lon")
        if lat is not None and lon is not None:
            where += f" ({lat:.2f}, {lon:.2f})"
        return Run(text, kind, item.get("kind"), where, item.get("name"))
    value = str(item.get("value") or "")
    return Run(text, kind, item.get("type"), f"{item.get('type')}: {value}", None)


def runs(text: str, analysis: dict[str, Any] | None) -> list[Run]:
    """``text`` as consecutive runs whose texts join back to exactly ``text``."""
    if not analysis:
        return [Run(text)] if text else []
    chosen: list[tuple[int, int, str, dict[str, Any]]] = []
    taken = [False] * len(text)
    order = sorted(_spans(analysis), key=lambda s: (-(s[1] - s[0]), _PRIORITY[s[2]], s[0]))
    for start, end, kind, item in order:
        if end > len(text) or any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        chosen.append((start, end, kind, item))
    chosen.sort(key=lambda s: s[0])
    out: list[Run] = []
    pos = 0
    for start, end, kind, item in chosen:
        if start > pos:
            out.append(Run(text[pos:start]))
        out.append(_run(text[start:end], kind, item))
        pos = end
    if pos < len(text):
        out.append(Run(text[pos:]))
    return out


__all__ = ["Run", "runs"]
