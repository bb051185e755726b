-- Which process (`host:pid`) holds a delivery's lease and runs a run. A lease or a
-- run whose process is gone (SIGKILL, power loss) is recognised by the next
-- process on the same host at once, instead of after `lease_until` or hours.
ALTER TABLE deliveries ADD COLUMN lease_owner VARCHAR;
ALTER TABLE runs ADD COLUMN owner VARCHAR;

COMMENT ON COLUMN deliveries.lease_owner IS 'Process (host:pid) holding the lease; a dead one is taken over at once';
COMMENT ON COLUMN runs.owner IS 'Process (host:pid) running the run; a run whose process is gone is marked interrupted';
