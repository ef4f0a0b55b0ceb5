-- Facts that roll forward (cartera schema 10).
--
-- client_ledger keeps, per client, what its facts are computed from in a
-- form that depends neither on the day asked about nor on the policy (see
-- cartera.Ledger): a review of a new day, or under new red lines, reads one
-- row per client instead of every event again.
--
-- facts_cache keeps the figures of one facts query in chunks: each row holds
-- the encoded figures of every client whose id runs from first_id to
-- last_id (see internal/sqlrow/factscache.go), so a review reads and a new
-- day writes about a hundred rows per hundred thousand clients. The cache is
-- emptied; the next review fills it.
--
-- Whatever changes a client deletes its ledger and the chunk holding it, and
-- marks its summary stale (an empty key) rather than deleting it, so that
-- lists keep showing the previous figures while they are assessed again: the
-- writes do it for the clients they wrote to, and these triggers for a
-- record moved from one client to another or deleted, and for a client
-- added or deleted.
CREATE TABLE client_ledger (
	client_id TEXT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	data      BLOB NOT NULL
) WITHOUT ROWID;

DROP TABLE facts_cache;
CREATE TABLE facts_cache (
	first_id TEXT PRIMARY KEY,
	last_id  TEXT NOT NULL,
	key      TEXT NOT NULL,
	n        INTEGER NOT NULL,
	data     BLOB NOT NULL
);

CREATE TRIGGER clients_added AFTER INSERT ON clients
BEGIN DELETE FROM facts_cache WHERE first_id <= NEW.id AND last_id >= NEW.id; END;
CREATE TRIGGER clients_deleted AFTER DELETE ON clients
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.id AND last_id >= OLD.id; END;

DROP TRIGGER invoices_moved;
DROP TRIGGER invoices_deleted;
CREATE TRIGGER invoices_moved AFTER UPDATE OF client_id ON invoices WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER invoices_deleted AFTER DELETE ON invoices
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;

DROP TRIGGER time_entries_moved;
DROP TRIGGER time_entries_deleted;
CREATE TRIGGER time_entries_moved AFTER UPDATE OF client_id ON time_entries WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER time_entries_deleted AFTER DELETE ON time_entries
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;

DROP TRIGGER concessions_moved;
DROP TRIGGER concessions_deleted;
CREATE TRIGGER concessions_moved AFTER UPDATE OF client_id ON concessions WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER concessions_deleted AFTER DELETE ON concessions
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;

DROP TRIGGER incidents_moved;
DROP TRIGGER incidents_deleted;
CREATE TRIGGER incidents_moved AFTER UPDATE OF client_id ON incidents WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER incidents_deleted AFTER DELETE ON incidents
BEGIN DELETE FROM facts_cache WHERE first_id <= OLD.client_id AND last_id >= OLD.client_id; UPDATE client_summary SET key = '' WHERE client_id = OLD.client_id; DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
