-- facts_cache keeps each client's assessment facts for one facts query (one
-- as-of date and policy), so that a review reads one small row per client
-- instead of aggregating millions of events. key identifies the query; data
-- is the encoded cartera.ClientFacts without the client itself.
--
-- A client's row is deleted whenever one of its events changes: the import
-- deletes the rows of the clients it wrote to, and these triggers catch an
-- event moved from one client to another, or deleted.
CREATE TABLE facts_cache (
	client_id TEXT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	key       TEXT NOT NULL,
	data      BLOB NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER invoices_moved AFTER UPDATE OF client_id ON invoices WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;
CREATE TRIGGER invoices_deleted AFTER DELETE ON invoices
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;

CREATE TRIGGER time_entries_moved AFTER UPDATE OF client_id ON time_entries WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;
CREATE TRIGGER time_entries_deleted AFTER DELETE ON time_entries
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;

CREATE TRIGGER concessions_moved AFTER UPDATE OF client_id ON concessions WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;
CREATE TRIGGER concessions_deleted AFTER DELETE ON concessions
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;

CREATE TRIGGER incidents_moved AFTER UPDATE OF client_id ON incidents WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;
CREATE TRIGGER incidents_deleted AFTER DELETE ON incidents
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; END;
