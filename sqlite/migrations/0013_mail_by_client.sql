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

CREATE TABLE mail_messages_by_client (
	client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	contact_id TEXT REFERENCES contacts (id) ON DELETE SET NULL,
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

DROP INDEX candidates_incident;
CREATE INDEX candidates_incident ON candidates (incident_id) WHERE incident_id IS NOT NULL;
DROP INDEX candidates_contact;
