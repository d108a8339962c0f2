"""What an analysis contributes to the corpus-wide entity registry, computed before any store.

The store only persists rows; deciding *which* registry entry a mention belongs to is analysis
logic, kept here so that every backend (SQLite now, PostgreSQL later) files mentions the same
way. An entry is identified by ``(label, key)``, ``key`` being the spelling- and
language-folded canonical name (:func:`storyline.analyse.names.fold`), and its id is a hash of
that pair: stable across runs and databases. Place mentions carry the gazetteer's English name
as their canonical form, so "Moskau" and "Moscow" become one entry.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from storyline.analyse.types import Analysis


@dataclass(frozen=True)
class MentionRow:
    """One entity's mentions in one article, and the surface forms it took there."""

    label: str
    key: str
    name: str
    mentions: int
    #: ``(alias, folded alias, mentions)``
    aliases: tuple[tuple[str, str, int], ...]


def entity_key(name: str) -> str:
    from storyline.analyse.names import fold

    return fold(name)


def entity_id(label: str, key: str) -> str:
    """Stable registry id: ``E`` + 12 hex digits of SHA-256 over ``label:key``."""
    return "E" + hashlib.sha256(f"{label}:{key}".encode()).hexdigest()[:12]


def mention_rows(analysis: Analysis) -> list[MentionRow]:
    """Group an analysis's entity mentions into one row per registry entry."""
    counts: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], Counter[str]] = {}
    aliases: dict[tuple[str, str], Counter[str]] = {}
    for ent in analysis.entities:
        name = ent.canonical or ent.text
        name = " ".join(name.split())
        key = entity_key(name)
        if not key:
            continue
        k = (ent.label, key)
        counts[k] += 1
        names.setdefault(k, Counter())[name] += 1
        aliases.setdefault(k, Counter())[" ".join(ent.text.split())] += 1
    rows = []
    for k, n in counts.items():
        rows.append(
            MentionRow(
                label=k[0],
                key=k[1],
                name=names[k].most_common(1)[0][0],
                mentions=n,
                aliases=tuple((a, entity_key(a), c) for a, c in sorted(aliases[k].items())),
            )
        )
    return rows
