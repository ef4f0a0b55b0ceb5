-- cartera schema, version 12 (SQLite's 10): client_ledger keeps, per client,
-- what its facts are computed from in a form that depends neither on the
-- day asked about nor on the policy (see cartera.Ledger), so that a review
-- of a new day, or under new red lines, reads one row per client instead of
-- every event again. A client's row is deleted, like its cached facts,
-- whenever one of its records changes; the next review rebuilds it.
--
-- The facts cache now stores the same encoded figures as SQLite's (a
-- version byte, then varints), written by Go from the ledgers. It is a
-- cache: it is emptied and refilled on the next review.
CREATE TABLE client_ledger (
	client_id TEXT COLLATE "C" PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	data      BYTEA NOT NULL
);

DROP TABLE facts_cache;
CREATE TABLE facts_cache (
	client_id TEXT COLLATE "C" PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	key       TEXT NOT NULL,
	data      BYTEA NOT NULL
);

CREATE OR REPLACE FUNCTION cartera_forget_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM facts_cache WHERE client_id = OLD.client_id;
	DELETE FROM client_summary WHERE client_id = OLD.client_id;
	DELETE FROM client_ledger WHERE client_id = OLD.client_id;
	RETURN NULL;
END $$;
