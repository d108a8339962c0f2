"""Linking against a store: continue the linker from its stored state, link what is new, save.

The one place that knows how events and storylines meet the store. A run

1. asks the store for analysed articles the linker has not seen (in ingest order),
2. restores the :class:`~storyline.link.events.EventLinker` from the stored memberships and
   scored pairs (the comparison bundles come from the store's feature cache),
3. links the new articles in batches (``partial_fit``),
4. re-summarises the events whose members changed, re-chains storylines, and
5. writes it all in one transaction (``Store.save_links``): an interrupted run stores nothing,
   and the next run starts again from the same state.

``relink`` is the explicit full re-clustering: it forgets every event and storyline and links
all articles again in ingest order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from storyline.link.events import Change, EventLinker, LinkConfig
from storyline.link.stories import EventProfile, StoryConfig, chain
from storyline.link.summary import Member, event_keys, summarise_event, summarise_storyline

if TYPE_CHECKING:
    from storyline.compare.features import Bundle
    from storyline.store import Store

#: Articles linked per ``partial_fit`` call (one vectorised scoring call each).
BATCH = 256


@dataclass
class LinkReport:
    """What one linking run did."""

    linked: int = 0
    events: int = 0
    storylines: int = 0
    new_events: int = 0
    merged_events: int = 0
    split_events: int = 0
    story_changes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _bundle(store: Store, article_id: str) -> Bundle:
    from storyline.compare import cached_bundle

    return cached_bundle(store, store.get(article_id))


#: How often a run starts over when another process linked the store meanwhile.
RETRIES = 3


def link_pending(
    store: Store,
    *,
    config: LinkConfig | None = None,
    story_config: StoryConfig | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> LinkReport:
    """Link every analysed, not yet linked article; re-chain storylines; store the result.

    Two processes may link one store (two ``ingest`` runs): the store refuses a result computed
    from a state another run has changed since (:class:`~storyline.errors.LinkConflict`), and
    the run starts over from the new state, up to :data:`RETRIES` times.
    """
    from storyline.errors import LinkConflict

    for attempt in range(RETRIES + 1):
        try:
            return _link_once(store, config, story_config, on_progress)
        except LinkConflict:
            if attempt == RETRIES:
                raise
    raise AssertionError("unreachable")


def _link_once(
    store: Store,
    config: LinkConfig | None,
    story_config: StoryConfig | None,
    on_progress: Callable[[int, int], None] | None,
) -> LinkReport:
    t0 = time.perf_counter()
    report = LinkReport()
    pending = store.unlinked(limit=100_000_000)
    if not pending:
        return report
    snap = store.link_snapshot()
    bundles: dict[str, Bundle] = {a: _bundle(store, a) for a, _e, _n in snap.members}
    linker = EventLinker(config, expected=len(bundles) + len(pending))
    linker.restore(snap.members, snap.pairs, snap.event_seq, snap.event_redirects, bundles)
    before = {e: list(ev.members) for e, ev in linker.events_.items()}
    changes: list[Change] = []
    done = 0
    for i in range(0, len(pending), BATCH):
        chunk = [_bundle(store, a) for a in pending[i : i + BATCH]]
        bundles.update((b.article_id, b) for b in chunk)
        changes.extend(linker.partial_fit(chunk))
        done += len(chunk)
        if on_progress:
            on_progress(done, len(pending))
    report.linked = done
    touched = [e for e, ev in linker.events_.items() if before.get(e) != ev.members]
    removed = sorted(set(before) - set(linker.events_))
    summaries = {e: _summary(store, linker, e, bundles) for e in sorted(touched)}

    # storylines over all events (profiles are cheap: bundles are in memory)
    profiles = [
        EventProfile.from_bundles(e, ev.seq, [bundles[m] for m in ev.members if m in bundles])
        for e, ev in linker.events_.items()
        if any(m in bundles for m in ev.members)
    ]
    stories = chain(profiles, snap.story_of, story_config)
    members_of: dict[str, list[str]] = {}
    for e, s in stories.story_of.items():
        members_of.setdefault(s, []).append(e)
    old_members: dict[str, list[str]] = {}
    for e, s in snap.story_of.items():
        if e in linker.events_:
            old_members.setdefault(s, []).append(e)
    rewrite = sorted(
        s
        for s, evs in members_of.items()
        if sorted(evs) != sorted(old_members.get(s, [])) or any(e in summaries for e in evs)
    )
    next_seq = max(snap.story_seq.values(), default=-1) + 1
    story_rows = []
    for s in rewrite:
        events = [summaries.get(e) or store.event(e) for e in members_of[s]]
        row = summarise_storyline(s, events)
        seq = snap.story_seq.get(s)
        if seq is None:
            seq, next_seq = next_seq, next_seq + 1
        row["seq"] = seq
        story_rows.append(row)
    event_rows = []
    for e, summary in summaries.items():
        summary["seq"] = linker.events_[e].seq
        summary["storyline_id"] = stories.story_of.get(e)
        summary["keys"] = sorted(event_keys(summary))
        event_rows.append(summary)
    story_moves = {
        e: s
        for e, s in stories.story_of.items()
        if e not in summaries and snap.story_of.get(e) != s
    }
    removed_stories = sorted(set(snap.story_seq) - set(members_of))
    from storyline.store.base import LinkUpdate

    update = LinkUpdate(
        members=[(a, linker.event_of_[a], linker._arrival[a]) for a in _moved(linker, snap)],
        pairs=list(linker.scored_),
        events=event_rows,
        removed_events=removed,
        storylines=story_rows,
        removed_storylines=removed_stories,
        redirects=[("event", old, new) for old, new in linker.merged_into_.items()]
        + [
            ("storyline", c.others[0], c.storyline_id) for c in stories.changes if c.kind == "merge"
        ],
        changes=_change_rows(changes)
        + [(f"story_{c.kind}", c.storyline_id, list(c.others), None) for c in stories.changes],
        story_of=story_moves,
        based_on=snap.version,
    )
    store.save_links(update)
    report.events = len(linker.events_)
    report.storylines = len(members_of)
    report.new_events = sum(c.kind == "new" for c in changes)
    report.merged_events = sum(c.kind == "merge" for c in changes)
    report.split_events = sum(c.kind == "split" for c in changes)
    for c in stories.changes:
        report.story_changes[c.kind] = report.story_changes.get(c.kind, 0) + 1
    report.seconds = round(time.perf_counter() - t0, 3)
    return report


def _moved(linker: EventLinker, snap: Any) -> list[str]:
    """Articles whose membership is new or changed since the snapshot."""
    old = {a: e for a, e, _n in snap.members}
    return [a for a, e in linker.event_of_.items() if old.get(a) != e]


def _change_rows(changes: list[Change]) -> list[tuple[str, str, list[str], str | None]]:
    """Stored history: openings, merges and splits (joins are the membership table itself)."""
    return [
        (f"event_{c.kind}", c.event_id, list(c.merged), c.article_id)
        for c in changes
        if c.kind in ("new", "merge", "split")
    ]


def _summary(
    store: Store, linker: EventLinker, event_id: str, bundles: dict[str, Bundle]
) -> dict[str, Any]:
    from storyline.analyse.analyser import ANALYSIS_VERSION

    members = [
        Member(
            article=store.get(a),
            analysis=store.get_analysis(a, version=ANALYSIS_VERSION),
            bundle=bundles[a],
            arrival=linker._arrival.get(a, 0),
        )
        for a in linker.events_[event_id].members
        if a in bundles
    ]
    return summarise_event(event_id, members)


def relink(
    store: Store,
    *,
    config: LinkConfig | None = None,
    story_config: StoryConfig | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> LinkReport:
    """Forget all events and storylines and link every analysed article again, in ingest order.

    Not atomic as a whole: if interrupted after clearing, the next ``link`` (or ingest) run
    links everything again, which gives the same result.
    """
    store.clear_links()
    return link_pending(store, config=config, story_config=story_config, on_progress=on_progress)


__all__ = ["BATCH", "LinkReport", "link_pending", "relink"]
