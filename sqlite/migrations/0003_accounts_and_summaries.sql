-- Accounts, sessions and API tokens for the web app; per-client summaries
-- for the client list; record versions for optimistic concurrency; and a
-- generation counter that every write transaction bumps, so that caches
-- outside the database can tell whether anything changed.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL,
	email_key     TEXT NOT NULL UNIQUE, -- lower case, for sign-in
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'seller')),
	lang          TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	created       INTEGER NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	version       INTEGER NOT NULL DEFAULT 1
);

-- A session's id is the SHA-256 of the cookie token; the token is never
-- stored.
CREATE TABLE sessions (
	id      TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL,
	csrf    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE api_tokens (
	id        INTEGER PRIMARY KEY,
	user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name      TEXT NOT NULL,
	prefix    TEXT NOT NULL,
	hash      TEXT NOT NULL UNIQUE,
	created   INTEGER NOT NULL,
	last_used INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- client_summary is each client's assessment outcome for one key (the as-of
-- date, the policy): what the client list filters and sorts by. name_key
-- and owner_key copy the client's, and neg_score is -score, so that every
-- order has an index that keyset pagination can walk.
CREATE TABLE client_summary (
	client_id   TEXT PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	key         TEXT NOT NULL,
	verdict     TEXT NOT NULL,
	urgency     INTEGER NOT NULL,
	currency    TEXT NOT NULL,
	revenue     INTEGER NOT NULL,
	margin      INTEGER NOT NULL,
	margin_pct  INTEGER NOT NULL,
	has_revenue INTEGER NOT NULL,
	hours       INTEGER NOT NULL,
	discounts   INTEGER NOT NULL,
	concessions INTEGER NOT NULL,
	overdue     INTEGER NOT NULL,
	score       INTEGER NOT NULL,
	neg_score   INTEGER NOT NULL,
	level       TEXT NOT NULL,
	breaches    INTEGER NOT NULL,
	reason_es   TEXT NOT NULL,
	reason_en   TEXT NOT NULL,
	name_key    TEXT NOT NULL,
	owner_key   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX client_summary_urgency ON client_summary (urgency, neg_score, name_key, client_id);
CREATE INDEX client_summary_name ON client_summary (name_key, client_id);
CREATE INDEX client_summary_margin ON client_summary (margin, client_id);
CREATE INDEX client_summary_revenue ON client_summary (revenue, client_id);
CREATE INDEX client_summary_score ON client_summary (score, client_id);
CREATE INDEX client_summary_owner ON client_summary (owner_key, urgency, neg_score, name_key, client_id);

ALTER TABLE clients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE invoices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE time_entries ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE concessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE generation (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO generation (id, n) VALUES (1, 0);

-- Moving or deleting an event also makes the client's summary stale.
DROP TRIGGER invoices_moved;
DROP TRIGGER invoices_deleted;
DROP TRIGGER time_entries_moved;
DROP TRIGGER time_entries_deleted;
DROP TRIGGER concessions_moved;
DROP TRIGGER concessions_deleted;
DROP TRIGGER incidents_moved;
DROP TRIGGER incidents_deleted;

CREATE TRIGGER invoices_moved AFTER UPDATE OF client_id ON invoices WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;
CREATE TRIGGER invoices_deleted AFTER DELETE ON invoices
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;
CREATE TRIGGER time_entries_moved AFTER UPDATE OF client_id ON time_entries WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;
CREATE TRIGGER time_entries_deleted AFTER DELETE ON time_entries
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;
CREATE TRIGGER concessions_moved AFTER UPDATE OF client_id ON concessions WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;
CREATE TRIGGER concessions_deleted AFTER DELETE ON concessions
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;
CREATE TRIGGER incidents_moved AFTER UPDATE OF client_id ON incidents WHEN OLD.client_id <> NEW.client_id
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;
CREATE TRIGGER incidents_deleted AFTER DELETE ON incidents
BEGIN DELETE FROM facts_cache WHERE client_id = OLD.client_id; DELETE FROM client_summary WHERE client_id = OLD.client_id; END;

-- The owner name, folded, so that a seller's clients are one index range.
-- Filled for existing rows by the migration's Go step.
ALTER TABLE clients ADD COLUMN owner_key TEXT NOT NULL DEFAULT '';
CREATE INDEX clients_owner_key ON clients (owner_key, id);
