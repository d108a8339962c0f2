"""Full-text search on PostgreSQL, mixed into :class:`~storyline.store.postgres.PostgresStore`.

The query language and spelling folding are the project's own (:func:`parse_query`,
:func:`search_key` in :mod:`storyline.store.base`), so a query means the same on both backends;
what PostgreSQL adds is its text search configurations, i.e. stemming and stop words:

* **Which configuration**: ``german`` for German articles, ``english`` for English ones,
  ``simple`` (no stemming, no stop words) for every other language and unknown ones. It is
  chosen per article when it is stored and kept in ``articles.fts_config``; a query is
  compiled once per configuration and each article is matched against its own.
* **What is indexed**: title (weight A) and text (weight B) are folded with ``search_key`` and
  split into words with the same regex ``parse_query`` uses, *then* handed to PostgreSQL. So
  *Müller*/*Mueller* and *Lukaschenko*/*Lukašenko* meet as in SQLite, and PostgreSQL's parser
  never sees URLs, e-mail addresses or hyphenated compounds it would keep whole -- a word found
  by SQLite is found here too. ``FTS_MAX_CHARS`` bounds the indexed text (a ``tsvector`` is at
  most 1 MB).
* **Queries never raise**: ``parse_query`` leaves only letters and digits in its words, each
  word is quoted for ``to_tsquery``, and the operators (``&``, ``|``, ``<->``, ``:*``) are
  written here, never taken from the user.
* **Ranking**: ``ts_rank_cd`` (cover density) with a title word worth two text words (SQLite
  weights bm25 the same way); ties in insertion order.
* **Snippets** come from :func:`make_snippet`, as in SQLite. Words that matched only through
  stemming (*Haus* for a search for *Häuser*) are bracketed too: their stems are asked of
  PostgreSQL in one extra query per search.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from storyline.store.base import (
    _WORD,
    ParsedQuery,
    QueryTerm,
    SearchFilters,
    _token_key,
    make_snippet,
    require_terms,
)
from storyline.store.sqlite import _SUMMARY_SQL

if TYPE_CHECKING:
    import psycopg

#: Text search configuration per language code; any other language is searched with ``simple``.
#: Adding a language here affects articles stored afterwards (the choice is kept per article).
FTS_CONFIGS: dict[str, str] = {"de": "german", "en": "english"}
DEFAULT_CONFIG = "simple"
#: every configuration a stored article can have: a query is compiled once for each
ALL_CONFIGS: tuple[str, ...] = (*dict.fromkeys(FTS_CONFIGS.values()), DEFAULT_CONFIG)
#: characters of folded text indexed per article (a tsvector is limited to 1 MB)
FTS_MAX_CHARS = 500_000
#: ts_rank_cd weights for D, C, B (text), A (title)
_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"
#: tokens of a result's text looked at for highlights (make_snippet's own limit)
_SNIPPET_TOKENS = 20000


def fts_config(language: str | None) -> str:
    """The text search configuration an article in ``language`` is indexed with."""
    code = (language or "").split("-")[0].split("_")[0].lower()
    return FTS_CONFIGS.get(code, DEFAULT_CONFIG)


def index_words(key_text: str) -> str:
    """Folded text (``search_key``) as space-separated words, the only tokens PostgreSQL sees."""
    return " ".join(_WORD.findall(key_text[:FTS_MAX_CHARS]))


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_text(parsed: ParsedQuery) -> str:
    """The parsed query in ``to_tsquery`` syntax: quoted words, operators written here.

    A phrase is its words joined by ``<->`` (PostgreSQL keeps the distance of stop words in
    it); a prefix term puts ``:*`` on its last word; groups are AND-ed, a group's terms OR-ed.
    """

    def term(t: QueryTerm) -> str:
        words = [_quote(w) for w in t.words]
        if t.prefix:
            words[-1] += ":*"
        joined = " <-> ".join(words)
        return joined if len(words) == 1 else f"({joined})"

    parts = []
    for group in parsed:
        alts = [term(t) for t in group]
        parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
    return " & ".join(parts)


class PostgresSearchMixin:
    """``search`` on PostgreSQL; needs the host's ``_read``, ``_page`` and ``_summary``."""

    if TYPE_CHECKING:  # provided by PostgresStore

        def _read(
            self, doing: str, *, snapshot: bool = False
        ) -> AbstractContextManager[psycopg.Connection[Any]]: ...

        @staticmethod
        def _page(limit: int, offset: int) -> tuple[int, int]: ...

        @staticmethod
        def _summary(row: tuple[Any, ...]) -> dict[str, Any]: ...

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[dict[str, Any]]:
        limit, offset = self._page(limit, offset)
        filters = filters or SearchFilters()
        parsed = require_terms(query) if query.strip() or not filters.any() else None
        where, params = self._filter_sql(filters)
        if parsed is None:  # filters only: newest first
            sql = (
                f"SELECT {_SUMMARY_SQL}, a.text, a.fts_config, 0 AS rank FROM articles a"
                + (" WHERE " + " AND ".join(where) if where else "")
                + " ORDER BY a.published IS NULL, a.published DESC, a.seq DESC "
                "LIMIT %s OFFSET %s"
            )
            args: list[Any] = [*params, limit, offset]
        else:
            # one tsquery per configuration, each article matched against its own: the planner
            # turns the ORs into a BitmapOr of GIN index scans (the constants are folded)
            q = tsquery_text(parsed)
            match = " OR ".join(
                f"(a.fts_config = '{c}' AND a.fts @@ to_tsquery('{c}', %s))" for c in ALL_CONFIGS
            )
            own = " ".join(f"WHEN '{c}' THEN to_tsquery('{c}', %s)" for c in ALL_CONFIGS)
            sql = (
                f"SELECT {_SUMMARY_SQL}, a.text, a.fts_config, "
                f"ts_rank_cd('{_WEIGHTS}', a.fts, CASE a.fts_config {own} END, 1) AS rank "
                f"FROM articles a WHERE ({match})"
                + "".join(f" AND {w}" for w in where)
                + " ORDER BY rank DESC, a.seq LIMIT %s OFFSET %s"
            )
            args = [*[q] * len(ALL_CONFIGS), *[q] * len(ALL_CONFIGS), *params, limit, offset]
        with self._read(f"search for {query!r}") as conn:
            rows = conn.execute(sql, args).fetchall()
            texts = [(r[-3], r[-2]) for r in rows]
            highlight = self._stemmed_terms(conn, parsed, texts) if parsed else None
        results = []
        for row in rows:
            summary = self._summary(row)
            if parsed is not None:
                summary["snippet"] = make_snippet(row[-3], highlight or parsed)
                summary["score"] = round(float(row[-1]), 6)
            else:
                text = " ".join(str(row[-3]).split())
                summary["snippet"] = text[:200] + ("…" if len(text) > 200 else "")
                summary["score"] = None
            results.append(summary)
        return results

    @staticmethod
    def _stemmed_terms(
        conn: psycopg.Connection[Any], parsed: ParsedQuery, texts: list[tuple[str, str]]
    ) -> ParsedQuery:
        """``parsed`` plus one term per word of ``texts`` that matched through its stem only.

        ``make_snippet`` brackets words whose search key equals a query word; with stemming, an
        article also matches on other forms of the word. Their stems (and the query's) are
        asked of PostgreSQL for each stemming configuration in the results, in one query.
        """
        exact = {w for group in parsed for t in group for w in t.words}
        prefixes = tuple(t.words[-1] for group in parsed for t in group if t.prefix)
        asked: dict[tuple[str, str], None] = {}
        for text, config in texts:
            if config == DEFAULT_CONFIG:
                continue
            for i, m in enumerate(_WORD.finditer(text)):
                if i >= _SNIPPET_TOKENS:
                    break
                for k in _token_key(m.group()):
                    if k not in exact and not (prefixes and k.startswith(prefixes)):
                        asked[(config, k)] = None
        if not asked:
            return parsed
        configs = {c for c, _ in asked}
        query_words = [
            (c, w, t.prefix and i == len(t.words) - 1)
            for c in configs
            for group in parsed
            for t in group
            for i, w in enumerate(t.words)
        ]
        pairs = [(c, w) for c, w, _ in query_words] + list(asked)
        rows = conn.execute(
            "SELECT tsvector_to_array(to_tsvector(c::regconfig, w)) "
            "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u (c, w, n) ORDER BY n",
            ([c for c, _ in pairs], [w for _, w in pairs]),
        ).fetchall()
        stems: dict[str, set[str]] = {c: set() for c in configs}
        stem_prefixes: dict[str, list[str]] = {c: [] for c in configs}
        query_rows, key_rows = rows[: len(query_words)], rows[len(query_words) :]
        for (c, _, is_prefix), (lexemes,) in zip(query_words, query_rows, strict=True):
            if is_prefix:
                stem_prefixes[c].extend(lexemes)
            else:
                stems[c].update(lexemes)
        extra: set[str] = set()
        for (c, key), (lexemes,) in zip(asked, key_rows, strict=True):
            starts = tuple(stem_prefixes[c])
            if any(x in stems[c] or (starts and x.startswith(starts)) for x in lexemes):
                extra.add(key)
        return parsed + [[QueryTerm((k,))] for k in sorted(extra)]

    @staticmethod
    def _filter_sql(filters: SearchFilters) -> tuple[list[str], list[Any]]:
        """SQL conditions on ``articles a`` for :class:`SearchFilters`, as SQLite's."""
        where: list[str] = []
        params: list[Any] = []
        if filters.language:
            where.append("a.language = %s")
            params.append(filters.language)
        if filters.since:
            where.append("a.published >= %s")
            params.append(filters.since)
        if filters.until:
            # a day's articles are included whatever the precision of the stored date
            where.append("a.published < %s")
            params.append(filters.until + "~")
        if filters.entity_ids is not None:
            where.append(
                "EXISTS (SELECT 1 FROM entity_mentions m WHERE m.article_id = a.id "
                "AND m.entity_id = ANY(%s::text[]))"
            )
            params.append(list(filters.entity_ids))
        if filters.place:
            where.append(
                "EXISTS (SELECT 1 FROM article_places p WHERE p.article_id = a.id "
                "AND (lower(p.name) = lower(%s) OR p.country = %s))"
            )
            params.extend([filters.place.strip(), filters.place.strip().upper()])
        return where, params


__all__ = [
    "ALL_CONFIGS",
    "DEFAULT_CONFIG",
    "FTS_CONFIGS",
    "FTS_MAX_CHARS",
    "PostgresSearchMixin",
    "fts_config",
    "index_words",
    "tsquery_text",
]
