"""Why two articles got their scores, in terms a person can check.

The scores come from a learned model; the explanation does not try to explain the model's
arithmetic. It shows the evidence the features were made of, as the reader would look for it:
who appears in both and who only in one, which places (and how far apart), when each event
happened (event time, not publication date), which sentences say the same thing, and in which
languages. Everything here is recomputed from the two bundles (and, for the shared sentences,
the two texts), so it is always consistent with the features the model saw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.analyse.names import fold
from storyline.compare.features import (
    LABELS,
    Bundle,
    date_gap_days,
    event_distance,
    event_gap_days,
    place_distances,
)

if TYPE_CHECKING:
    from storyline.model import Article

#: Shared sentences shown: at most this many, each with a cosine of at least :data:`MIN_COS`.
MAX_SENTENCES = 3
MIN_COS = 0.5


def _entities(a: Bundle, b: Bundle) -> dict[str, Any]:
    """Shared and one-sided names. Matched across labels: one NER calls Olaf Scholz a person,
    another (or the other language's model) an organisation, and he is still the same man."""
    # the folded full name joins the skeleton keys: short names ("Russia") have no skeleton key
    ea = [(lb, n, {*keys, fold(n)}) for lb in LABELS for n, _c, keys in a.entities.get(lb, [])]
    eb = [(lb, n, {*keys, fold(n)}) for lb in LABELS for n, _c, keys in b.entities.get(lb, [])]
    keys_a = set().union(*(k for _l, _n, k in ea)) if ea else set()
    keys_b = set().union(*(k for _l, _n, k in eb)) if eb else set()
    shared: list[dict[str, Any]] = []
    only_a: list[dict[str, str]] = []
    seen: set[str] = set()
    for label, name, keys in ea:
        match = next((n for _lb, n, kb in eb if keys & kb), None)
        if match is not None:
            if name not in seen:
                shared.append({"label": label, "a": name, "b": match})
                seen.add(name)
        elif not keys & keys_b:
            only_a.append({"label": label, "name": name})
    only_b = [{"label": lb, "name": n} for lb, n, kb in eb if not kb & keys_a]
    return {"shared": shared, "only_a": only_a[:15], "only_b": only_b[:15]}


def _place(p: list[Any] | None) -> dict[str, Any] | None:
    if not p:
        return None
    return {"name": p[0], "country": p[1], "lat": p[2], "lon": p[3]}


def _places(a: Bundle, b: Bundle) -> dict[str, Any]:
    names_a = {p[0] for p in a.places}
    names_b = {p[0] for p in b.places}
    pmin, pmean = place_distances(a, b)
    ekm = event_distance(a, b)
    return {
        "shared": sorted(names_a & names_b),
        "only_a": sorted(names_a - names_b),
        "only_b": sorted(names_b - names_a),
        "countries_a": sorted(a.keyset("countries")),
        "countries_b": sorted(b.keyset("countries")),
        "min_distance_km": None if pmin is None else round(pmin),
        "mean_distance_km": None if pmean is None else round(pmean),
        "event_place_a": _place(a.event_where),
        "event_place_b": _place(b.event_where),
        "event_distance_km": None if ekm is None else round(ekm),
    }


def _time(a: Bundle, b: Bundle) -> dict[str, Any]:
    gap = event_gap_days(a, b)
    dgap = date_gap_days(a, b)
    return {
        "event_time_a": a.event_when,
        "event_time_b": b.event_when,
        "event_gap_days": None if gap is None else int(gap),
        "closest_dates_gap_days": None if dgap is None else int(dgap),
        "published_a": a.published,
        "published_b": b.published,
    }


def shared_sentences(
    article_a: Article, article_b: Article, encoder: str = "use"
) -> list[dict[str, Any]]:
    """The sentence pairs that carry the shared narrative: most similar across the two texts.

    Greedy one-to-one matching on sentence-embedding cosine (so one sentence of A is not shown
    three times), best first. Costs one encoder call over both texts' sentences (~40 sentences:
    ~0.2 s), which is why batch comparison leaves it out unless asked.
    """
    from storyline.analyse.sentences import split_sentences
    from storyline.embed import embed

    sa = [s.text for s in split_sentences(article_a.text) if len(s.text) >= 25][:40]
    sb = [s.text for s in split_sentences(article_b.text) if len(s.text) >= 25][:40]
    if not sa or not sb:
        return []
    v = embed(sa + sb, encoder)
    sims = v[: len(sa)] @ v[len(sa) :].T
    out: list[dict[str, Any]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for flat in np.argsort(-sims, axis=None):
        i, j = divmod(int(flat), len(sb))
        if sims[i, j] < MIN_COS or len(out) >= MAX_SENTENCES:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append({"a": sa[i], "b": sb[j], "similarity": round(float(sims[i, j]), 3)})
    return out


def _summary(
    scores: dict[str, float], same_event: float, near_duplicate: bool, ex: dict[str, Any]
) -> str:
    parts = []
    if near_duplicate:
        parts.append("near-duplicate texts (same wording)")
    parts.append(f"{'same' if same_event >= 0.5 else 'different'} event (p={same_event:.2f})")
    shared = [s["a"] for s in ex["entities"]["shared"] if s["label"] in ("PER", "ORG")][:4]
    if shared:
        parts.append("both name " + ", ".join(shared))
    ea, eb = ex["places"]["event_place_a"], ex["places"]["event_place_b"]
    if ea and eb:
        dist = ex["places"]["event_distance_km"]
        if ea["name"] == eb["name"]:
            parts.append(f"both in {ea['name']}")
        else:
            km = f", {dist} km apart" if dist is not None else ""
            parts.append(f"{ea['name']} vs {eb['name']}{km}")
    gap = ex["time"]["event_gap_days"]
    if gap is not None:
        parts.append("same day" if gap == 0 else f"events {gap} days apart")
    langs = ex["languages"]
    if langs[0] != langs[1]:
        parts.append(f"languages {langs[0]}/{langs[1]}")
    parts.append(f"overall {scores['overall']:.1f} (1 = very similar, 4 = very dissimilar)")
    return "; ".join(parts)


def explain(
    a: Bundle,
    b: Bundle,
    scores: dict[str, float],
    same_event: float,
    near_duplicate: bool,
    *,
    articles: tuple[Article, Article] | None = None,
) -> dict[str, Any]:
    """The explanation dict of one comparison (``articles`` given: with shared sentences)."""
    ex: dict[str, Any] = {
        "languages": [a.language or "und", b.language or "und"],
        "titles": [a.title, b.title],
        "event_types": [a.event_type, b.event_type],
        "entities": _entities(a, b),
        "places": _places(a, b),
        "time": _time(a, b),
    }
    if articles is not None:
        ex["shared_sentences"] = shared_sentences(*articles)  # USE: fast, good enough here
    ex["summary"] = _summary(scores, same_event, near_duplicate, ex)
    return ex


__all__ = ["MAX_SENTENCES", "explain", "shared_sentences"]
