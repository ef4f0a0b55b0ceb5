-- cartera schema, version 7: capture (SQLite's version 6).
--
-- match_rules is the match table the user reviews: an identifier found in
-- captured data and the client, contact or deal it means, or that it is
-- our own or to be ignored. match_unmatched lists identifiers no rule
-- explained; provenance records where each captured record came from.

CREATE TABLE match_rules (
	kind       TEXT NOT NULL CHECK (kind IN ('email', 'domain', 'tax_id', 'project')),
	value      TEXT COLLATE "C" NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('client', 'self', 'ignore')),
	client_id  TEXT COLLATE "C" REFERENCES clients (id) ON DELETE CASCADE,
	contact_id TEXT COLLATE "C" REFERENCES contacts (id) ON DELETE SET NULL,
	deal_id    TEXT COLLATE "C" REFERENCES deals (id) ON DELETE SET NULL,
	version    BIGINT NOT NULL DEFAULT 1,
	PRIMARY KEY (kind, value)
);
CREATE INDEX match_rules_client ON match_rules (client_id);
CREATE INDEX match_rules_contact ON match_rules (contact_id);
CREATE INDEX match_rules_deal ON match_rules (deal_id);

CREATE TABLE match_unmatched (
	kind   TEXT NOT NULL,
	value  TEXT COLLATE "C" NOT NULL,
	source TEXT NOT NULL,
	hint   TEXT NOT NULL DEFAULT '',
	seen   BIGINT NOT NULL,
	last   BIGINT,
	PRIMARY KEY (kind, value)
);

CREATE TABLE provenance (
	entity      TEXT NOT NULL,
	record_id   TEXT COLLATE "C" NOT NULL,
	source      TEXT NOT NULL,
	origin      TEXT NOT NULL,
	original_id TEXT NOT NULL,
	import_id   BIGINT,
	PRIMARY KEY (entity, record_id)
);
