"""The entity registry's kept totals (SQLite migration 0007) always equal the sums they replace.

``entity_stats`` and ``entity_languages`` are maintained by triggers on ``entity_mentions`` and
``entity_aliases``; the listing reads them instead of aggregating every mention. Each check
compares them with the aggregate computed from scratch, after the writes analysis makes:
inserts, the upsert that adds to a mention count, and the delete of a re-analysed article.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from storyline.store import open_store

STATS = "SELECT entity_id, mentions, articles, first_seen, last_seen FROM entity_stats"
FROM_MENTIONS = (
    "SELECT entity_id, sum(mentions), count(*), min(day), max(day) FROM entity_mentions "
    "GROUP BY entity_id"
)
LANGUAGES = "SELECT entity_id, language, aliases FROM entity_languages"
FROM_ALIASES = (
    "SELECT entity_id, language, count(*) FROM entity_aliases GROUP BY entity_id, language"
)


def _same(conn: sqlite3.Connection) -> None:
    assert sorted(conn.execute(STATS)) == sorted(conn.execute(FROM_MENTIONS))
    assert sorted(conn.execute(LANGUAGES)) == sorted(conn.execute(FROM_ALIASES))


def test_kept_totals_follow_every_write(corpus_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(corpus_db, db)
    with sqlite3.connect(db) as conn:
        _same(conn)
        assert conn.execute("SELECT count(*) FROM entity_stats").fetchone()[0] > 10
        # a re-analysed article: its rows deleted and written again, one with another day
        aid = conn.execute("SELECT article_id FROM entity_mentions LIMIT 1").fetchone()[0]
        mentions = conn.execute(
            "SELECT entity_id, article_id, mentions, day FROM entity_mentions WHERE article_id = ?",
            (aid,),
        ).fetchall()
        aliases = conn.execute(
            "SELECT entity_id, article_id, alias, alias_key, language, mentions "
            "FROM entity_aliases WHERE article_id = ?",
            (aid,),
        ).fetchall()
        conn.execute("DELETE FROM entity_mentions WHERE article_id = ?", (aid,))
        conn.execute("DELETE FROM entity_aliases WHERE article_id = ?", (aid,))
        _same(conn)
        moved = [
            (e, a, n, "1999-01-01" if i == 0 else d) for i, (e, a, n, d) in enumerate(mentions)
        ]
        conn.executemany("INSERT INTO entity_mentions VALUES (?, ?, ?, ?)", moved)
        conn.executemany("INSERT INTO entity_aliases VALUES (?, ?, ?, ?, ?, ?)", aliases)
        _same(conn)
        # the upsert analysis uses when one entity is found under two keys of an article
        e, a = moved[0][0], moved[0][1]
        conn.execute(
            "INSERT INTO entity_mentions VALUES (?, ?, 5, NULL) ON CONFLICT (entity_id, "
            "article_id) DO UPDATE SET mentions = entity_mentions.mentions + excluded.mentions",
            (e, a),
        )
        _same(conn)
        # an article gone: every total it held goes with it, entities left without any vanish
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM articles WHERE id = ?", (aid,))
        _same(conn)


def test_listing_reads_the_totals(corpus_db: Path) -> None:
    with open_store(corpus_db, readonly=True) as store:
        listed = store.entities(limit=200)
        assert listed == sorted(listed, key=lambda e: (-e["mentions"], e["name"]))
        for row in listed[:5]:
            one = store.entity(row["id"])
            assert (one["mentions"], one["articles"]) == (row["mentions"], row["articles"])
            assert one["languages"] == row["languages"]
