-- client_ledger keeps, per client, what its facts are computed from in a
-- form that depends neither on the day asked about nor on the policy (see
-- cartera.Ledger): a review of a new day, or under new red lines, reads one
-- row per client instead of every event again.
--
-- A client's row is deleted whenever one of its records changes, like its
-- facts_cache row: the writes delete the rows of the clients they wrote to,
-- and these triggers catch a record moved from one client to another, or
-- deleted. The next review rebuilds what is missing.
CREATE TABLE client_ledger (
	client_id TEXT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	data      BLOB NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER invoices_ledger_moved AFTER UPDATE OF client_id ON invoices WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER invoices_ledger_deleted AFTER DELETE ON invoices
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER time_entries_ledger_moved AFTER UPDATE OF client_id ON time_entries WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER time_entries_ledger_deleted AFTER DELETE ON time_entries
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER concessions_ledger_moved AFTER UPDATE OF client_id ON concessions WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER concessions_ledger_deleted AFTER DELETE ON concessions
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER incidents_ledger_moved AFTER UPDATE OF client_id ON incidents WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
CREATE TRIGGER incidents_ledger_deleted AFTER DELETE ON incidents
BEGIN DELETE FROM client_ledger WHERE client_id = OLD.client_id; END;
