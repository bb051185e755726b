"""The `member_count_rows` table behind the `member_counts` view.

`member_counts` lists every member count claim with its article: the figures
stated, and the counts implied by join ordinals ("the 41st member" implies 41).
Computed on each read (claims joined to articles) it took about 0.6 s for 360k
rows over a million claims; stored, it is read in a third of that. The writers
keep it: whatever changes an article's claims or the article fields the view
shows calls `refresh_count_rows` for that article in the same transaction, and a
re-read of unchanged articles (only their fetch time moves) calls
`retime_count_rows`. The rows are derived: `rebuild_count_rows` makes them all
again from claims and articles.

`_ROWS` is the one definition of those rows (migration 007's view, word for word
in its columns and their order); migration 012 filled the table from that view
before replacing it.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from pactwatch.warehouse.batch import IN_TEXTS, texts

__all__ = ["rebuild_count_rows", "refresh_count_rows", "retime_count_rows"]

# The time a figure is judged by: published_at, else the article's best available
# time (dated_at), else when it was read.
_AS_OF = "coalesce(a.published_at, a.dated_at, a.fetched_at)"

# Every row of `member_counts` whose claim passes `{where}` (a condition on c).
_ROWS = f"""
SELECT c.coalition, c.value, c.low, c.high, c.approx,
       a.published_at, a.url AS article_url, c.attributed_to, c.modality, c.sentence,
       'stated' AS basis,
       {_AS_OF} AS as_of,
       a.source, a.title AS article_title, c.id AS claim_id, c.article_id,
       c.event_date, c.event_date_precision
FROM claims c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'member_count' AND c.coalition IS NOT NULL AND {{where}}
UNION ALL
SELECT c.coalition, c.ordinal, c.ordinal, c.ordinal, false,
       a.published_at, a.url, c.attributed_to, c.modality, c.sentence,
       'ordinal',
       {_AS_OF},
       a.source, a.title, c.id, c.article_id,
       c.event_date, c.event_date_precision
FROM claims c JOIN articles a ON a.id = c.article_id
WHERE c.kind = 'joined' AND c.ordinal IS NOT NULL AND c.coalition IS NOT NULL AND {{where}}
"""


def refresh_count_rows(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """Make the `member_count_rows` of these articles what their claims and article
    rows say now: delete them and insert them again (none for an article gone or
    without count claims). Call it in the transaction of the write it follows."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    keys = texts(ids)
    con.execute(f"DELETE FROM member_count_rows WHERE article_id IN {IN_TEXTS}", [keys])
    # Both halves of the union filter the claims by article: one scan of the key
    # column each, nothing else read from the rows of other articles.
    con.execute(
        "INSERT INTO member_count_rows " + _ROWS.format(where=f"c.article_id IN {IN_TEXTS}"),
        [keys, keys],
    )


def retime_count_rows(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """After only the fetch time of these articles moved: set `as_of` again on the
    rows of those among them that have no published_at (the only rows whose as_of
    can follow the fetch time). Dated articles cost one scan of a column."""
    if not article_ids:
        return
    con.execute(
        "UPDATE member_count_rows SET as_of = t.as_of"
        f" FROM (SELECT a.id, {_AS_OF} AS as_of FROM articles a"
        f"  WHERE a.id IN {IN_TEXTS} AND a.published_at IS NULL) AS t"
        " WHERE member_count_rows.published_at IS NULL"
        " AND member_count_rows.article_id = t.id"
        " AND member_count_rows.as_of IS DISTINCT FROM t.as_of",
        [texts(sorted(set(article_ids)))],
    )


def rebuild_count_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Every row of `member_count_rows` again, from all claims and articles."""
    con.execute("DELETE FROM member_count_rows")
    con.execute("INSERT INTO member_count_rows " + _ROWS.format(where="true"))
