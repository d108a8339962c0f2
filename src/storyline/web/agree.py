"""What the reports of one event agree on and where they differ.

An event page puts several outlets' reports side by side; a reader wants to know at a glance
which facts every report carries and which only one outlet has (a different death toll, a
person only one outlet quotes, a second place). The facts are what the analysis found, in a
form that is comparable across languages: names of people and organisations, resolved
place names, normalised calendar days, and numbers (``1.200`` and ``1,200`` are both 1200).

Near-duplicate copies (wire copies reprinted by several outlets) are one *voice*: otherwise a
fact from one agency text would look confirmed by every outlet that printed it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from storyline.analyse.names import fold

#: A number as written in German or English news: 14, 1.200, 1,200, 3,5, 2.75 (years are dates).
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,\u202f ]\d{3})+|\d+(?:[.,]\d+)?)(?![\w])")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\u202f ]\d{3})+$")
_MAX_LISTED = 12


@dataclass
class Voice:
    """One independent report: an article and the near-duplicate copies folded into it."""

    article_ids: list[str]
    outlets: list[str]
    facts: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, key) -> shown


def _number(raw: str) -> str | None:
    value = re.sub(r"[.,\u202f ]", "", raw) if _THOUSANDS.match(raw) else raw.replace(",", ".")
    try:
        num = float(value)
    except ValueError:
        return None
    if num < 2 or (1900 <= num <= 2100 and num.is_integer()):  # "1" is noise, years are dates
        return None
    return f"{num:g}"


def _place_key(place: dict[str, Any]) -> str:
    gid = place.get("geonameid")
    return f"geo:{gid}" if gid else fold(place["name"])


def facts_of(analysis: dict[str, Any] | None, text: str) -> dict[tuple[str, str], str]:
    """The comparable facts of one article: ``(kind, key) -> how to show it``."""
    out: dict[tuple[str, str], str] = {}
    if analysis:
        places = [
            p
            for p in analysis.get("places") or []
            if p.get("name") and p.get("kind") != "continent"
        ]
        for place in places:
            # the gazetteer id makes "Prag" and "Prague" one place
            out.setdefault(("place", _place_key(place)), place["name"])
        names = {fold(p["name"]) for p in places} | {fold(p.get("text") or "") for p in places}
        for ent in analysis.get("entities") or []:
            name = ent.get("canonical") or ent.get("text")
            # people and organisations are one kind: one report's model calls a name a person
            # that another's calls an organisation; a name resolved as a place is a place
            if ent.get("label") in ("PER", "ORG") and name and fold(name) not in names:
                out.setdefault(("name", fold(name)), name)
        for tx in analysis.get("times") or []:
            value = str(tx.get("value") or "")
            if tx.get("type") == "DATE" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                out.setdefault(("date", value), value)
    for match in _NUMBER.finditer(text):
        value = _number(match.group(1))
        if value is not None:
            out.setdefault(("number", value), value)
    return out


def _fold_voices(articles: list[dict[str, Any]], near: list[tuple[str, str]]) -> list[list[int]]:
    """Indices of ``articles`` grouped into voices by near-duplicate links (union-find)."""
    index = {a["id"]: i for i, a in enumerate(articles)}
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = list(near)
    pairs += [(a["id"], a["duplicate_of"]) for a in articles if a.get("duplicate_of")]
    for x, y in pairs:
        if x in index and y in index:
            parent[find(index[x])] = find(index[y])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(articles)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def voices(
    articles: list[dict[str, Any]],
    analyses: dict[str, dict[str, Any] | None],
    texts: dict[str, str],
    near: list[tuple[str, str]],
) -> list[Voice]:
    """Fold ``articles`` (dicts with ``id``, ``source``, ``duplicate_of``) into voices."""
    out = []
    for group in _fold_voices(articles, near):
        ids = [articles[i]["id"] for i in group]
        outlets = sorted({articles[i].get("source") or "unknown outlet" for i in group})
        voice = Voice(ids, outlets)
        for aid in ids:
            for key, shown in facts_of(analyses.get(aid), texts.get(aid, "")).items():
                voice.facts.setdefault(key, shown)
        out.append(voice)
    return out


def _join_short_names(carriers: dict[tuple[str, str], list[int]]) -> None:
    """Fold "Hollmann" in one report into "Katrin Hollmann" in the others.

    A name whose words are all part of exactly one longer name is that person or organisation
    (a surname, a short form), so its reports count for the longer name. With two candidates
    ("Müller": Anna or Jan?) it stays apart.
    """
    names = [(key, set(key[1].split())) for key in carriers if key[0] == "name"]
    for key, words in sorted(names, key=lambda kw: len(kw[1])):
        longer = [other for other, other_words in names if words < other_words]
        if len(longer) == 1 and longer[0] in carriers:  # unambiguous: fold it in
            carriers[longer[0]] = sorted({*carriers[longer[0]], *carriers.pop(key)})


def agreement(voices_: list[Voice]) -> dict[str, Any]:
    """Facts most voices carry (``agree``) and facts only one voice has (``differ``).

    With a single voice there is nothing to compare: both lists are empty and ``voices`` says
    so. A fact counts as agreed when at least two voices and at least half of them carry it.
    """
    n = len(voices_)
    result: dict[str, Any] = {"voices": n, "agree": [], "differ": []}
    if n < 2:
        return result
    carriers: dict[tuple[str, str], list[int]] = defaultdict(list)
    shown: dict[tuple[str, str], str] = {}
    for i, voice in enumerate(voices_):
        for key, text in voice.facts.items():
            carriers[key].append(i)
            shown.setdefault(key, text)
    place_by_name = {fold(text): key for key, text in shown.items() if key[0] == "place"}
    for key in [k for k in carriers if k[0] == "name" and k[1] in place_by_name]:
        # a place in another report ("Bad Schandau" tagged as a name here)
        place = place_by_name[key[1]]
        carriers[place] = sorted({*carriers[place], *carriers.pop(key)})
    _join_short_names(carriers)
    kinds = ("name", "place", "date", "number")
    for kind in kinds:
        agreed = [(key, who) for key, who in carriers.items() if key[0] == kind and len(who) >= 2]
        agreed = [(k, w) for k, w in agreed if 2 * len(w) >= n]
        agreed.sort(key=lambda kw: (-len(kw[1]), shown[kw[0]]))
        for key, who in agreed[:_MAX_LISTED]:
            result["agree"].append({"kind": kind, "value": shown[key], "voices": len(who)})
        only = [(key, who[0]) for key, who in carriers.items() if key[0] == kind and len(who) == 1]
        only.sort(key=lambda kw: (kw[1], shown[kw[0]]))
        for key, i in only[: _MAX_LISTED * 2]:
            result["differ"].append(
                {"kind": kind, "value": shown[key], "outlets": voices_[i].outlets}
            )
    return result


__all__ = ["Voice", "agreement", "facts_of", "voices"]
