-- cartera schema, version 13: mail messages kept in their client's order.
--
-- A mail import writes one row per message exchanged with a client, and
-- reads a client's messages back together. Keyed by (client_id, id), the
-- rows of a client sit together in the table's own b-tree: reading them
-- needs no second index, and writing one updates one b-tree instead of
-- three (docs/performance.md, "Mail: a 1 GB mbox"). A message id holds a
-- hash of its client, so it stays unique in practice.
--
-- The contact keeps its foreign key without an index: deleting a contact,
-- which is rare, reads the table once to clear the contact from its
-- messages, where every imported message paid for the index.
--
-- A candidate's incident is set only once it is confirmed: its index holds
-- those only, and a new candidate no longer writes to it. No query looks
-- candidates up by contact: that index only served deleting a contact,
-- which now reads the queue once instead.
--
-- Both tables check their foreign keys at commit (DEFERRABLE INITIALLY
-- DEFERRED): an import writes them 50 rows to a statement, and a
-- statement of several rows that could fail halfway on a key would make
-- SQLite journal every page it touches to undo it alone. Nothing else
-- changes: a missing client still fails the import, at its commit.

CREATE TABLE mail_messages_by_client (
	client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	id         TEXT NOT NULL,
	contact_id TEXT REFERENCES contacts (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
	at         INTEGER NOT NULL,
	outbound   INTEGER NOT NULL CHECK (outbound IN (0, 1)),
	key        TEXT NOT NULL,
	reply_to   TEXT NOT NULL DEFAULT '',
	import_id  INTEGER,
	PRIMARY KEY (client_id, id)
) WITHOUT ROWID;
INSERT INTO mail_messages_by_client (client_id, id, contact_id, at, outbound, key, reply_to, import_id)
	SELECT client_id, id, contact_id, at, outbound, key, reply_to, import_id FROM mail_messages;
DROP TABLE mail_messages;
ALTER TABLE mail_messages_by_client RENAME TO mail_messages;

CREATE TABLE candidates_deferred (
	id          TEXT PRIMARY KEY,
	client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
	contact_id  TEXT REFERENCES contacts (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
	at          INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	phrase      TEXT NOT NULL DEFAULT '',
	subject     TEXT NOT NULL DEFAULT '',
	excerpt     TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'dismissed')),
	incident_id TEXT REFERENCES incidents (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
	source      TEXT NOT NULL DEFAULT '',
	origin      TEXT NOT NULL DEFAULT '',
	version     INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
INSERT INTO candidates_deferred SELECT id, client_id, contact_id, at, kind, reason, phrase, subject, excerpt, status, incident_id, source, origin, version FROM candidates;
DROP TABLE candidates;
ALTER TABLE candidates_deferred RENAME TO candidates;
CREATE INDEX candidates_status ON candidates (status, at);
CREATE INDEX candidates_client ON candidates (client_id);
CREATE INDEX candidates_incident ON candidates (incident_id) WHERE incident_id IS NOT NULL;
