-- cartera schema, version 8 (SQLite's 7): what is kept of mailboxes.
--
-- mail_messages holds one row per message exchanged with a client: when,
-- which way, the client and contact, and hashes of its Message-ID and of
-- the one it answers. No address, subject or body (docs/privacy.md).
--
-- candidates holds the incidents captured data suggests, waiting for the
-- user to confirm (the incident it became) or dismiss them (subject and
-- excerpt erased; the row stays so that it is not suggested again).

CREATE TABLE mail_messages (
	id         TEXT COLLATE "C" PRIMARY KEY,
	client_id  TEXT COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
	contact_id TEXT COLLATE "C" REFERENCES contacts (id) ON DELETE SET NULL,
	at         BIGINT NOT NULL,
	outbound   BOOLEAN NOT NULL,
	key        TEXT NOT NULL,
	reply_to   TEXT NOT NULL DEFAULT '',
	import_id  BIGINT
);
CREATE INDEX mail_messages_client ON mail_messages (client_id, at);
CREATE INDEX mail_messages_contact ON mail_messages (contact_id);

CREATE TABLE candidates (
	id          TEXT COLLATE "C" PRIMARY KEY,
	client_id   TEXT COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
	contact_id  TEXT COLLATE "C" REFERENCES contacts (id) ON DELETE SET NULL,
	at          BIGINT NOT NULL,
	kind        TEXT NOT NULL,
	reason      TEXT NOT NULL,
	phrase      TEXT NOT NULL DEFAULT '',
	subject     TEXT NOT NULL DEFAULT '',
	excerpt     TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'dismissed')),
	incident_id TEXT COLLATE "C" REFERENCES incidents (id) ON DELETE SET NULL,
	source      TEXT NOT NULL DEFAULT '',
	origin      TEXT NOT NULL DEFAULT '',
	version     BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX candidates_status ON candidates (status, at);
CREATE INDEX candidates_client ON candidates (client_id);
CREATE INDEX candidates_contact ON candidates (contact_id);
CREATE INDEX candidates_incident ON candidates (incident_id);
