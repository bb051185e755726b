-- fetches.id and alerts.seq are given by their writers (the next after the largest,
-- taken in the statement that inserts the row, under the writer lock), as on a
-- DuckLake, which has no sequences. Their `nextval` defaults and the two sequences
-- go: rows keep their values, and the schema is the lake's. It also lets DuckDB 1.5
-- replay a write-ahead log that holds a comment on one of these tables' columns
-- (it cannot while a column default calls nextval).
ALTER TABLE fetches ALTER COLUMN id DROP DEFAULT;
ALTER TABLE alerts ALTER COLUMN seq DROP DEFAULT;
DROP SEQUENCE fetches_id_seq;
DROP SEQUENCE alerts_seq;
