-- Near-duplicate stories: a 64-bit similarity fingerprint of each article's text
-- (parsers.dedup.fingerprint), so a syndicated or lightly edited copy of a story
-- joins the story of the copy stored before it. NULL for texts too short to judge
-- and for articles stored before this migration (they get one when re-stored).
ALTER TABLE articles ADD COLUMN fingerprint UBIGINT;
