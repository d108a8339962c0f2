"""The store interface every backend implements, and the search helpers they share.

SQLite is the default backend (:mod:`storyline.store.sqlite`); PostgreSQL
(:mod:`storyline.store.postgres`) implements the same :class:`Store`. The interface therefore
speaks only in :class:`~storyline.model.Article`, plain dicts and strings: no cursors, rowids,
pragmas or SQL dialect leak out of a backend.

Search semantics are defined here, in Python, rather than left to each engine's full-text syntax,
so that a user's query means the same thing on every backend and never crashes one:

* :func:`search_key` folds spelling variants that German and English news mix freely (see its
  docstring for exactly what is and is not folded). Backends index ``search_key(text)`` and
  search for ``search_key(query)``; snippets are cut from the *original* text.
* :func:`parse_query` turns what a user typed into terms: plain words are AND-ed, ``"quoted
  words"`` are phrases, ``word*`` is a prefix, an upper-case ``OR`` between two terms means
  either, ``AND`` is accepted and ignored; every other character (parentheses, ``:``, ``^``,
  ``NEAR``, stray or unbalanced quotes) is treated as a word break, never as syntax.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal

from storyline.closing import Closing
from storyline.errors import StoreError

if TYPE_CHECKING:
    import numpy as np

    from storyline.analyse.types import Analysis
    from storyline.clean.dedup import Signature
    from storyline.model import Article

AddStatus = Literal["new", "exists", "copy", "near_duplicate"]

#: Keys of the summary dicts returned by :meth:`Store.articles` (and :meth:`Store.search`, which
#: adds ``snippet`` and ``score``). ``copies`` counts every source the text was seen at (1 for an
#: article seen once); ``agencies`` is a list.
SUMMARY_KEYS = (
    "id",
    "source_uri",
    "title",
    "language",
    "published",
    "source",
    "agencies",
    "copies",
    "duplicate_of",
    "added",
)


#: Keys of the feed dicts returned by :meth:`Store.feed`, :meth:`Store.feeds` and
#: :meth:`Store.remove_feed`: the ``feeds`` row, then counts of the feed's items.
FEED_KEYS = (
    "id",
    "url",
    "name",
    "kind",
    "title",
    "added",
    "last_checked",
    "last_ok",
    "last_error",
    "last_error_at",
    "consecutive_errors",
    "checks",
    "etag",
    "last_modified",
    "items_seen",
    "articles",
    "failed_items",
)

#: Keys of the item dicts returned by :meth:`Store.feed_items`.
FEED_ITEM_KEYS = (
    "key",
    "url",
    "title",
    "published",
    "status",
    "article_id",
    "message",
    "attempts",
    "first_seen",
    "last_tried",
)

#: What a feed item's handling can end in (:meth:`Store.record_feed_item`).
FEED_ITEM_STATUSES = ("stored", "failed", "skipped")

#: Keys of :meth:`Store.fetch_state`.
FETCH_KEYS = (
    "url",
    "final_url",
    "status",
    "http_status",
    "etag",
    "last_modified",
    "fetched_at",
    "article_id",
)

#: Keys of the host dicts returned by :meth:`Store.hosts`.
HOST_KEYS = ("host", "requests", "failures", "last_ok", "last_error", "last_error_at")


def feed_id(url: str) -> str:
    """The id of the feed at ``url``: the first 12 hex digits of its SHA-256.

    Derived from the URL alone, so every process (and the CLI, before asking the store) names a
    feed the same way, and adding the same URL twice can only ever make one row.
    """
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class SearchFilters:
    """Filters of :meth:`Store.search`, AND-ed; ``None`` leaves a dimension open.

    ``entity_ids`` keeps articles mentioning any of those registry entries (the caller resolves
    a name to its ids, aliases included). ``place`` matches a resolved place's name or its
    ISO country code. ``since``/``until`` are inclusive ``YYYY-MM-DD`` publication days;
    articles without a known date are left out when either is given.
    """

    language: str | None = None
    since: str | None = None
    until: str | None = None
    entity_ids: tuple[str, ...] | None = None
    place: str | None = None

    def any(self) -> bool:
        return any(
            v is not None
            for v in (self.language, self.since, self.until, self.entity_ids, self.place)
        )


@dataclass
class AddOutcome:
    """What :meth:`Store.add` did with one article.

    ``new``: first time this text is seen. ``exists``: this text from this source_uri is already
    stored (re-ingest; nothing changed). ``copy``: the same text from another source_uri; a copy
    row was recorded, the article is not duplicated. ``near_duplicate``: a different text so
    similar to a stored one that it is a copy with edits; it is stored as its own article and
    linked: ``duplicate_of`` is the earliest-stored member of its group and ``similarity`` the
    estimated Jaccard similarity to the closest stored member.
    For ``exists`` / ``copy``, ``duplicate_of`` is the stored article's own link, if any.
    """

    status: AddStatus
    article_id: str
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass
class LinkSnapshot:
    """The linker's stored state: memberships in arrival order, scored pairs, open events."""

    #: ``(article_id, event_id, arrival)`` in arrival order
    members: list[tuple[str, str, int]]
    #: ``(a, b, score, near)``
    pairs: list[tuple[str, str, float, bool]]
    #: event ID -> seq (opening order)
    event_seq: dict[str, int]
    #: old event ID -> the event it was merged into
    event_redirects: dict[str, str]
    #: event ID -> storyline ID
    story_of: dict[str, str]
    #: storyline ID -> seq
    story_seq: dict[str, int]
    #: the linker state's version when read; :meth:`Store.save_links` refuses an update made
    #: from an older state (another process linked in between)
    version: tuple[int, int] = (0, 0)


@dataclass
class LinkUpdate:
    """One linking run's writes. Events and storylines listed are replaced whole; removed ones
    are deleted; memberships and pairs are upserted; changes and redirects appended."""

    members: list[tuple[str, str, int]]
    pairs: list[tuple[str, str, float, bool]]
    #: full event rows: ``summary`` dict with ``seq`` and ``storyline_id`` added
    events: list[dict[str, Any]]
    removed_events: list[str]
    storylines: list[dict[str, Any]]
    removed_storylines: list[str]
    #: ``(kind, old_id, new_id)``, kind ``event`` or ``storyline``
    redirects: list[tuple[str, str, str]]
    #: ``(kind, target_id, other_ids, article_id)``
    changes: list[tuple[str, str, list[str], str | None]]
    #: event ID -> storyline ID for events whose storyline changed but are not in ``events``
    story_of: dict[str, str]
    #: the snapshot version this update was computed from (see :class:`LinkSnapshot`)
    based_on: tuple[int, int] = (0, 0)


class Store(Closing):
    """Where cleaned articles live: add them once, find them by id, list and search them.

    Every write is one transaction, so an interrupted ingest leaves the store consistent and a
    re-run continues where it stopped. Implementations must be safe for several *processes*
    writing at once (parallel ingest): uniqueness is enforced by the database (unique
    constraints with ``INSERT ... ON CONFLICT``), never by application-level locks.
    """

    # -- writing -------------------------------------------------------------------------------

    @abstractmethod
    def add(
        self,
        article: Article,
        *,
        document_hash: str | None = None,
        signature: Signature | None = None,
    ) -> AddOutcome:
        """Store ``article`` (atomically) and say whether it was new, known, a copy or a near copy.

        ``signature`` is computed from ``article.text`` when not given (pass it when a worker
        process already computed it). With ``document_hash``, the raw document is recorded in the
        same transaction (status = the outcome), so :meth:`seen_document` knows it even if the
        process is killed right after.
        """

    @abstractmethod
    def record_document(
        self,
        source_uri: str,
        document_hash: str,
        article_id: str | None,
        status: str,
        message: str | None = None,
    ) -> None:
        """Remember that this raw document was processed (``status`` "failed" for failures).

        Recording the same (source_uri, document_hash) again overwrites the earlier record.
        """

    # -- reading -------------------------------------------------------------------------------

    @abstractmethod
    def seen_document(self, source_uri: str, document_hash: str) -> str | None:
        """The article id this exact raw document produced before, or ``None``.

        ``None`` also for documents that were recorded without an article (failures), so that
        they are retried: a newer cleaner may succeed where an older one failed.
        """

    @abstractmethod
    def get(self, ref: str) -> Article:
        """One article by full id, unique id prefix (>= 4 hex digits) or source_uri.

        Raises :class:`~storyline.errors.NotFound` when nothing matches and
        :class:`~storyline.errors.StoreError` when a prefix is ambiguous or too short.
        """

    @abstractmethod
    def articles(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        language: str | None = None,
        since: str | None = None,
    ) -> list[dict[str, Any]]:
        """Summaries (:data:`SUMMARY_KEYS`) in insertion order, so pages are stable.

        ``since`` (``YYYY-MM-DD``) keeps articles *published* on or after that day; articles
        with an unknown publication date are left out when it is given.
        """

    @abstractmethod
    def count(self) -> int:
        """Number of stored articles (distinct texts; copies are not counted)."""

    @abstractmethod
    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[dict[str, Any]]:
        """Full-text search over titles and texts, best match first.

        Each result is a summary plus ``snippet`` (matched words in ``[..]``) and ``score``
        (higher is better; only comparable within one query). The query follows
        :func:`parse_query`; it can never raise a syntax error from the engine. A query without
        any searchable word raises :class:`~storyline.errors.StoreError`, unless ``filters``
        narrow the search: then an empty query lists the matching articles, newest first.
        """

    @abstractmethod
    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every article in insertion order, fetched ``batch`` at a time (for export).

        Articles added while iterating are yielded at the end; none is skipped or repeated.
        """

    @abstractmethod
    def copies(self, article_id: str) -> list[dict[str, Any]]:
        """Every source the article's text was seen at, first (original) one first.

        Dicts with ``source_uri``, ``source``, ``published``, ``url``, ``added``.
        """

    @abstractmethod
    def duplicates(self, article_id: str) -> list[str]:
        """Ids of the other members of the article's near-duplicate group, earliest first."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts: ``articles``, ``copies`` (extra copies beyond each article's first source),
        ``near_duplicates`` (articles linked to an earlier one), ``documents`` (raw documents
        recorded), ``failed`` (of those, failures) and ``languages`` ({code: articles}; ``und``
        for unknown).
        """

    # -- analysis and the entity registry -----------------------------------------------------

    @abstractmethod
    def put_analysis(self, analysis: Analysis, version: str) -> None:
        """Store (or replace) the analysis of one article, atomically with its registry rows.

        The article's entity mentions and places are replaced, never added twice, so analysing
        an article again (a newer model, another ``--published``) keeps every count right.
        """

    @abstractmethod
    def get_analysis(self, ref: str, *, version: str | None = None) -> Analysis | None:
        """The stored analysis of an article (id, prefix or source_uri); ``None`` if there is
        none, or (with ``version``) if it was made by another analyser version."""

    @abstractmethod
    def pending_analysis(self, version: str, *, limit: int = 1000) -> list[str]:
        """Ids of articles with no analysis, or one older than ``version``, in insertion order.

        What ``storyline analyse`` works through; also how an interrupted run resumes.
        """

    @abstractmethod
    def entities(
        self,
        *,
        label: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Registry entries, most mentioned first: ``id``, ``label``, ``name``, ``mentions``,
        ``articles``, ``languages``, ``first_seen``, ``last_seen``. ``query`` keeps entries
        whose name or an alias matches it (spelling-folded substring)."""

    @abstractmethod
    def entity_ids(self, ref: str) -> tuple[str, ...]:
        """Registry ids an id or name stands for, by the lookup :meth:`entity` uses, without
        reading the entry: several when entities share the name, none when nobody has it.
        What a search filter needs (a full :meth:`entity` reads its timeline and aliases)."""

    @abstractmethod
    def entity(self, ref: str) -> dict[str, Any]:
        """One registry entry by id or name (any alias, any spelling), with ``aliases``
        [{alias, language, mentions}], ``timeline`` [{day, mentions, articles}] and ``recent``
        articles. Raises :class:`~storyline.errors.NotFound`; an ambiguous name raises
        :class:`~storyline.errors.StoreError` listing the candidates."""

    # -- comparison features (issue 4) ---------------------------------------------------------

    @abstractmethod
    def put_features(
        self,
        article_id: str,
        kind: str,
        version: str,
        vectors: np.ndarray,
        data: dict[str, Any],
    ) -> None:
        """Store (or replace) one article's feature bundle of ``kind`` (e.g. ``compare:use``).

        ``vectors`` is a 2-d float array (kept as float32), ``data`` anything JSON-able. Cached
        so that comparing stored articles never re-runs the encoder or the analysis.
        """

    @abstractmethod
    def get_features(
        self, article_id: str, kind: str, *, version: str | None = None
    ) -> tuple[np.ndarray, dict[str, Any]] | None:
        """``(vectors, data)`` of an article's stored bundle of ``kind``; ``None`` if there is
        none or (with ``version``) it was made by another version. ``article_id`` is a full id:
        this is a hot path, it does not resolve prefixes."""

    # -- lifecycle -----------------------------------------------------------------------------

    # -- events and storylines (issue 5) -------------------------------------------------------

    @abstractmethod
    def unlinked(self, *, limit: int = 1000) -> list[str]:
        """IDs of analysed articles the linker has not seen yet, in ingest order."""

    @abstractmethod
    def link_snapshot(self) -> LinkSnapshot:
        """Everything the linker needs to continue where the last run stopped."""

    @abstractmethod
    def save_links(self, update: LinkUpdate) -> None:
        """Apply one linking run's result in one transaction (all or nothing).

        Raises :class:`~storyline.errors.LinkConflict` (and writes nothing) when the stored
        state is no longer the one ``update.based_on`` was computed from.
        """

    @abstractmethod
    def clear_links(self) -> None:
        """Forget every event, storyline, scored pair and change (``storyline relink``)."""

    @abstractmethod
    def events(
        self,
        *,
        since: str | None = None,
        entity_keys: list[str] | None = None,
        place_keys: list[str] | None = None,
        storyline: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Events, newest event time first (summary rows, without member lists)."""

    @abstractmethod
    def event(self, ref: str) -> dict[str, Any]:
        """One event's full summary by ID (or an ID it was merged into), with its changes."""

    @abstractmethod
    def event_of(self, article_id: str) -> str | None:
        """The event an article is in, if linked."""

    @abstractmethod
    def pair_scores(self, article_ids: list[str]) -> list[dict[str, Any]]:
        """Stored same-event scores among ``article_ids``: ``{a, b, score, near}`` per pair.

        The evidence the linker decided with, shown on event pages without re-scoring.
        """

    @abstractmethod
    def storylines(self, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Storylines, most recent activity first (summary rows)."""

    @abstractmethod
    def storyline(self, ref: str) -> dict[str, Any]:
        """One storyline's full summary, its timeline of events and its changes."""

    # -- feeds and fetch state ---------------------------------------------------------------
    #
    # What following RSS/Atom feeds and sitemaps needs to survive a restart: the watched feeds
    # and how their checks went, which feed entries were handled, the last fetch of every URL
    # (validators for conditional requests) and per-host counters. Timestamps are ISO-8601 UTC
    # text given by the caller (``2026-12-03T12:40:00Z``), except ``added``, which the store sets.
    # Every write is one upsert on the table's key: safe to repeat and safe with several
    # watcher processes at once, without application locks.

    @abstractmethod
    def add_feed(self, url: str, *, name: str | None = None) -> dict[str, Any]:
        """Start watching ``url`` and return its feed dict (:data:`FEED_KEYS`).

        Adding a URL that is already watched keeps the feed and its history (so a script that
        adds its feed list on every run is harmless); only a given ``name`` replaces the old one.
        The id is :func:`feed_id` of the URL.
        """

    @abstractmethod
    def feeds(self) -> list[dict[str, Any]]:
        """Every watched feed (:data:`FEED_KEYS`), in the order they were added."""

    @abstractmethod
    def feed(self, ref: str) -> dict[str, Any]:
        """One feed (:data:`FEED_KEYS`) by id, unique id prefix (>= 4 hex digits) or exact URL.

        ``items_seen`` counts the feed's recorded items, ``articles`` those stored and
        ``failed_items`` those whose last attempt failed. Raises
        :class:`~storyline.errors.NotFound` (naming ``ref``) when nothing matches and
        :class:`~storyline.errors.StoreError` when a prefix matches several feeds.
        """

    @abstractmethod
    def remove_feed(self, ref: str) -> dict[str, Any]:
        """Stop watching a feed (resolved like :meth:`feed`) and return it as it was.

        Its item records go with it; the articles it produced stay, they are news like any other.
        """

    @abstractmethod
    def record_feed_check(
        self,
        feed_id: str,
        *,
        checked_at: str,
        ok: bool,
        error: str | None = None,
        kind: str | None = None,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Record one check of a feed (its id), so the watcher can back off broken feeds.

        Every check counts (``checks``, ``last_checked``). A successful one sets ``last_ok``,
        resets ``consecutive_errors`` and replaces the validators with the given ones (even with
        ``None``: a server that stopped sending an ETag must not get the stale one back). A
        failed one sets ``last_error`` / ``last_error_at``, counts ``consecutive_errors`` up and
        keeps the validators. ``kind`` and ``title`` are set when given.
        Raises :class:`~storyline.errors.NotFound` for an unknown feed.
        """

    @abstractmethod
    def feed_items_done(
        self, feed_id: str, keys: Sequence[str], *, max_attempts: int = 3
    ) -> set[str]:
        """Which of ``keys`` (item keys of the feed) need no more work.

        Done are items ``stored`` or ``skipped``, and items that ``failed`` ``max_attempts``
        times or more: a broken article is retried on the next few checks, then left alone.
        Works for any number of keys (a sitemap lists thousands).
        """

    @abstractmethod
    def record_feed_item(
        self,
        feed_id: str,
        key: str,
        url: str,
        *,
        status: str,
        at: str,
        title: str | None = None,
        published: str | None = None,
        article_id: str | None = None,
        message: str | None = None,
    ) -> None:
        """Record one attempt at a feed item (``status`` one of :data:`FEED_ITEM_STATUSES`).

        The first attempt creates the row (``attempts`` 1, ``first_seen`` = ``at``); later ones
        count ``attempts`` up, set ``last_tried`` and replace ``url``, ``status``,
        ``article_id`` and ``message``; ``title`` / ``published`` are kept unless given.
        Raises :class:`~storyline.errors.NotFound` for an unknown feed.
        """

    @abstractmethod
    def feed_items(
        self,
        feed_id: str,
        *,
        limit: int = 50,
        offset: int = 0,
        retryable: int | None = None,
    ) -> list[dict[str, Any]]:
        """A page of the feed's items (:data:`FEED_ITEM_KEYS`), newest ``first_seen`` first,
        then by key (so pages are stable); ``[]`` for an unknown feed. ``retryable=N`` keeps
        only failed items with fewer than N attempts (what the next poll retries)."""

    @abstractmethod
    def fetch_state(self, url: str) -> dict[str, Any] | None:
        """The last recorded fetch of ``url`` (:data:`FETCH_KEYS`), or ``None``."""

    @abstractmethod
    def record_fetch(
        self,
        url: str,
        *,
        status: str,
        fetched_at: str,
        final_url: str | None = None,
        http_status: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        article_id: str | None = None,
    ) -> None:
        """Remember the last fetch of ``url``, replacing the one before.

        A ``not_modified`` answer (HTTP 304) carries no new content, so it keeps the stored
        ``etag``, ``last_modified``, ``article_id`` and ``final_url`` unless new ones are given:
        the next request stays conditional and the URL still points at its article.
        """

    @abstractmethod
    def record_host(
        self,
        host: str,
        *,
        requests: int = 0,
        failures: int = 0,
        ok_at: str | None = None,
        error: str | None = None,
        error_at: str | None = None,
    ) -> None:
        """Add one run's ``requests`` / ``failures`` to the host's totals (the counts are
        increments, so several runs and processes add up), and set ``last_ok`` (from ``ok_at``),
        ``last_error`` and ``last_error_at`` when given. Hosts are case-insensitive and stored
        lower-case."""

    @abstractmethod
    def hosts(self) -> list[dict[str, Any]]:
        """Every host's totals (:data:`HOST_KEYS`), sorted by host."""

    # -- lifecycle -----------------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Release the connection(s). Safe to call twice."""


# ---------------------------------------------------------------------------------------------
# Registry lookup shared by the backends


def entity_matches(
    conn: Any,
    ref: str,
    q: Callable[[str], str],
    surname: Callable[[Any, str], list[str]],
) -> list[str]:
    """Registry ids ``ref`` names, most exact lookup first: an id, the canonical name, any
    alias, a person's surname alone (several when a name is shared, none when unknown).

    The statements are written with ``?`` markers; ``q`` turns them into the backend's, and
    ``surname`` is the backend's query for persons whose full name ends with a surname key.
    """
    from storyline.analyse.registry import entity_key

    if "\x00" in ref:  # PostgreSQL refuses NUL in text; no name contains one
        return []
    key = entity_key(ref)
    lookups: list[tuple[str, tuple[str, ...]]] = [
        ("SELECT id FROM entities WHERE id = ?", ("E" + ref[1:].lower(),))
    ]
    if key:
        lookups += [
            ("SELECT id FROM entities WHERE key = ? ORDER BY id", (key,)),
            (
                "SELECT DISTINCT entity_id FROM entity_aliases WHERE alias_key = ? "
                "ORDER BY entity_id",
                (key,),
            ),
        ]
    for sql, params in lookups:
        ids = [r[0] for r in conn.execute(q(sql), params)]
        if ids:
            return ids
    if key and " " not in key:  # "Lukashenko" for Alexander Lukashenko
        return surname(conn, key)
    return []


# ---------------------------------------------------------------------------------------------
# Search helpers shared by the backends
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# Letters whose spelling differs between German, English and Slavic transliteration conventions,
# mapped to the form an English/German-without-umlauts text would use.
_SPECIAL = {
    "š": "sh",
    "ž": "zh",
    "č": "ch",
    "ß": "ss",
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
}
_SPECIAL_RE = re.compile("[" + "".join(_SPECIAL) + "]")
_SCH = re.compile(r"sch")
# combining diacritical marks (basic, extended, supplement, for symbols, half marks)
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_VOWEL_E = re.compile(r"([aou])e")


def search_key(text: str) -> str:
    """The text a search index stores and a query is compared against, folded for recall.

    News about the same thing is spelled several ways (German outlets, English outlets,
    agencies that drop umlauts, transliterations), and a search must find all of them:

    * case: casefolded (``ß`` -> ``ss``, so *Straße* = *Strasse* = *STRASSE*);
    * diacritics dropped: *Lukašenko* = *Lukasenko*, *Erdoğan* = *Erdogan*, *café* = *cafe*;
    * German umlauts and their ASCII spellings meet: ``ä``/``ae`` -> ``a``, ``ö``/``oe`` -> ``o``,
      ``ü``/``ue`` -> ``u`` (*Müller* = *Mueller* = *Muller*);
    * ``sch``, ``š`` -> ``sh`` (German vs English/Czech transliteration: *Lukaschenko* =
      *Lukashenko* = *Lukašenko*), ``ž`` -> ``zh``, ``č`` -> ``ch``; ``ø``, ``ł``, ``đ`` lose
      their stroke.

    Not folded (searching one spelling does not find the other): other transliteration pairs
    (*Selenskyj* / *Zelensky*: s/z, j/y; *Tschaikowski* / *Tchaikovsky*: tsch/ch, w/v),
    inflection and compounds (*Präsident* does not find *Präsidenten*; use ``präsident*``),
    and non-Latin scripts (Cyrillic is not transliterated; PostgreSQL adds German and English
    stemming on top, see ``docs/postgres.md``). The folding is deliberately lossy:
    *neue* and *neu* meet, *toe* and *to* meet; that costs a little precision on single words
    and nothing on the multi-word queries news search mostly is.
    """
    text = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], text.casefold())  # rare: fast
    if not text.isascii():
        # decompose, drop only the *diacritic* marks (Indic vowel signs and viramas are parts of
        # letters and stay), recompose what is left (Hangul syllables)
        bare = _DIACRITICS.sub("", unicodedata.normalize("NFKD", text))
        text = unicodedata.normalize("NFC", bare)
    text = _SCH.sub("sh", text)
    return _VOWEL_E.sub(r"\1", text)


@lru_cache(maxsize=200_000)
def _token_key(token: str) -> tuple[str, ...]:
    """Search keys of one word of original text (cached: snippets fold the same words often)."""
    return tuple(_WORD.findall(search_key(token)))


@dataclass(frozen=True)
class QueryTerm:
    """One searchable unit: a word or a phrase (several words in order), all as search keys.

    ``prefix`` means the last word matches any word starting with it.
    """

    words: tuple[str, ...]
    prefix: bool = False


#: A parsed query: AND over groups, OR within a group.
ParsedQuery = list[list[QueryTerm]]

_QUERY_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>[^\W_]+)(?P<star>\*)?', re.UNICODE)


def parse_query(query: str) -> ParsedQuery:
    """Turn user input into terms; never fails, may return ``[]`` (nothing searchable).

    Plain words are AND-ed, ``"..."`` is a phrase (an unbalanced quote runs to the end), a
    trailing ``*`` makes a word a prefix, upper-case ``OR`` joins its neighbours, upper-case
    ``AND`` is the default and ignored. Everything else is a word break.
    """
    groups: ParsedQuery = []
    pending_or = False
    for m in _QUERY_TOKEN.finditer(query):
        if m.group("word") in ("AND", "OR") and not m.group("star"):
            pending_or = m.group("word") == "OR" and bool(groups)
            continue
        raw = m.group("phrase") if m.group("phrase") is not None else m.group("word")
        words = tuple(_WORD.findall(search_key(raw)))
        if not words:
            continue
        term = QueryTerm(words, prefix=bool(m.group("star")))
        if pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return groups


def fts5_query(parsed: ParsedQuery) -> str:
    """The parsed query in SQLite FTS5 syntax: every term quoted, so no user text is syntax."""

    def term(t: QueryTerm) -> str:
        quoted = '"' + " ".join(t.words).replace('"', '""') + '"'
        return quoted + " *" if t.prefix else quoted

    parts = []
    for group in parsed:
        alts = [term(t) for t in group]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def require_terms(query: str) -> ParsedQuery:
    """:func:`parse_query`, but a query with nothing to search for is a user error."""
    parsed = parse_query(query)
    if not parsed:
        raise StoreError(f"search query {query!r} contains no words to search for")
    return parsed


def make_snippet(
    text: str, parsed: ParsedQuery, *, width: int = 30, max_tokens: int = 20000
) -> str:
    """A ~``width``-word excerpt of ``text`` around the densest cluster of matches.

    Matched words are wrapped in ``[..]`` (plain text, so it works in a terminal, JSON and
    HTML-escaped output alike); ``…`` marks cut-offs. Matching uses :func:`search_key`, so the
    snippet highlights *Mueller* for a search for *Müller*, exactly like the index matched.
    """
    words = {w for group in parsed for t in group for w in (t.words[:-1] if t.prefix else t.words)}
    prefixes = tuple(t.words[-1] for group in parsed for t in group if t.prefix)
    # Search pages build 20 snippets per request, so this runs at C speed where it can: the
    # words are listed by one regex pass (``\w+`` is a third faster than ``[^\W_]+`` and the
    # same on text without underscores), each distinct word is folded once (cached across
    # calls), and offsets are found only for the words of the chosen window.
    word = _FAST_WORD if "_" not in text else _WORD
    toks = word.findall(text)
    del toks[max_tokens:]
    if not toks:
        return ""
    if prefixes:
        hits = {
            t for t in set(toks) if any(k in words or k.startswith(prefixes) for k in _token_key(t))
        }
    else:
        hits = {t for t in set(toks) if not words.isdisjoint(_token_key(t))}
    # densest window of `width` tokens starting at a match (first one wins ties)
    hit_at = [i for i, t in enumerate(toks) if t in hits]
    best_start, best_hits = 0, 0
    j = 0
    for n, i in enumerate(hit_at):
        while j < len(hit_at) and hit_at[j] < i + width:
            j += 1
        if j - n > best_hits:
            best_start, best_hits = i, j - n
    start = max(0, best_start - 4) if best_hits else 0  # a few words of context before it
    start = max(0, min(start, len(toks) - width))  # use the full width near the end
    end = min(len(toks), start + width)
    spans = [m.span() for m in islice(word.finditer(text), end)]
    out: list[str] = ["…"] if start > 0 else []
    for i in range(start, end):
        s, e = spans[i]
        gap = text[spans[i - 1][1] : s] if i > start else " "
        out.append(" · " if "\n" in gap and gap.isspace() else gap)  # unpunctuated break
        out.append(f"[{text[s:e]}]" if toks[i] in hits else text[s:e])
    tail = _TRAILING_PUNCT.match(text, spans[end - 1][1])
    out.append(tail.group() if tail else "")
    if end < len(toks):
        out.append(" …")
    return _SPACES.sub(" ", "".join(out)).strip()


_FAST_WORD = re.compile(r"\w+")
_TRAILING_PUNCT = re.compile(r"[^\w\s]{1,3}")
_SPACES = re.compile(r"\s+")
