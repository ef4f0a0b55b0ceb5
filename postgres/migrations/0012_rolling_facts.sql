-- cartera schema, version 12 (SQLite's 10): client_ledger keeps, per client,
-- what its facts are computed from in a form that depends neither on the
-- day asked about nor on the policy (see cartera.Ledger), so that a review
-- of a new day, or under new red lines, reads one row per client instead of
-- every event again. A client's row is deleted, like its cached facts,
-- whenever one of its records changes; the next review rebuilds it.
--
-- A change to a client's records now marks its summary stale (an empty key)
-- instead of deleting it, so that lists keep the previous figures while it
-- is assessed again.
--
-- The facts cache now keeps the same chunks as SQLite's: each row holds the
-- encoded figures of every client whose id runs from first_id to last_id
-- (see internal/sqlrow/factscache.go). It is a cache: it is emptied and
-- filled again on the next review. Adding or deleting a client drops the
-- chunk whose range holds it.
CREATE TABLE client_ledger (
	client_id TEXT COLLATE "C" PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	data      BYTEA NOT NULL
);

DROP TABLE facts_cache;
CREATE TABLE facts_cache (
	first_id TEXT COLLATE "C" PRIMARY KEY,
	last_id  TEXT COLLATE "C" NOT NULL,
	key      TEXT NOT NULL,
	n        BIGINT NOT NULL,
	data     BYTEA NOT NULL
);

CREATE FUNCTION cartera_forget_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		DELETE FROM facts_cache WHERE first_id <= NEW.id AND last_id >= NEW.id;
	ELSE
		DELETE FROM facts_cache WHERE first_id <= OLD.id AND last_id >= OLD.id;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER clients_added AFTER INSERT ON clients FOR EACH ROW EXECUTE FUNCTION cartera_forget_chunk();
CREATE TRIGGER clients_deleted AFTER DELETE ON clients FOR EACH ROW EXECUTE FUNCTION cartera_forget_chunk();

CREATE OR REPLACE FUNCTION cartera_forget_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id;
	UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id;
	DELETE FROM client_ledger WHERE client_id = OLD.client_id;
	RETURN NULL;
END $$;
