-- A delivery being sent is leased, so two deliverers (a run and `pactwatch deliver`)
-- never send the same row at once. A lease left by a dead process simply expires.
ALTER TABLE deliveries ADD COLUMN lease_until TIMESTAMPTZ;
