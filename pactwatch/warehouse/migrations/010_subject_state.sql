-- Change detection goes on from where it stopped (issue 15). For every subject
-- (a coalition's count, one membership, one partnership) the detector keeps the
-- end of its last replay: the latest segment of history (its state, the state
-- before, the claim that changed it and who has restated it since) and the
-- order key of the last claim replayed. A run whose new claims all come after
-- that point replays only them; anything else (an old article read late, a
-- claim replaced, an actor mapped anew) replays the subject's whole history
-- and writes its tail again. Rows are derived: deleting any of them only costs
-- one full replay of that subject.
CREATE TABLE subject_state (
    subject VARCHAR NOT NULL,
    variant VARCHAR NOT NULL,
    tail JSON NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

COMMENT ON TABLE subject_state IS 'Where change detection stopped for each subject: derived, safe to delete (the next run replays that subject in full)';
COMMENT ON COLUMN subject_state.subject IS 'count:COALITION, membership:COALITION:ACTOR or partnership:ACTOR_A:ACTOR_B, as alerts.subject';
COMMENT ON COLUMN subject_state.variant IS 'Which claims the replay kept: all, or unattributed (alerts.ignore_attributed)';
COMMENT ON COLUMN subject_state.tail IS 'The replay''s last segment and the order key of the last claim replayed (pactwatch.alerts.state.Tail)';
COMMENT ON COLUMN subject_state.updated_at IS 'When a run last wrote this row';
