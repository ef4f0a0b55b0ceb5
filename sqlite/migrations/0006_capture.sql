-- cartera schema, version 6: capture.
--
-- match_rules is the match table the user reviews: an identifier found in
-- captured data (an address, a domain, a tax id, a tracker's project) and
-- the client, contact or deal it means — or that it is our own, or to be
-- ignored. A rule goes with its client; a deleted contact or deal leaves
-- the rule on the client.
--
-- match_unmatched lists identifiers that no rule explained, for the user
-- to assign; provenance records where each captured record came from.

CREATE TABLE match_rules (
	kind       TEXT NOT NULL CHECK (kind IN ('email', 'domain', 'tax_id', 'project')),
	value      TEXT NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('client', 'self', 'ignore')),
	client_id  TEXT REFERENCES clients (id) ON DELETE CASCADE,
	contact_id TEXT REFERENCES contacts (id) ON DELETE SET NULL,
	deal_id    TEXT REFERENCES deals (id) ON DELETE SET NULL,
	version    INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX match_rules_client ON match_rules (client_id);
CREATE INDEX match_rules_contact ON match_rules (contact_id);
CREATE INDEX match_rules_deal ON match_rules (deal_id);

CREATE TABLE match_unmatched (
	kind   TEXT NOT NULL,
	value  TEXT NOT NULL,
	source TEXT NOT NULL,
	hint   TEXT NOT NULL DEFAULT '',
	seen   INTEGER NOT NULL,
	last   INTEGER,
	PRIMARY KEY (kind, value)
) WITHOUT ROWID;

CREATE TABLE provenance (
	entity      TEXT NOT NULL,
	record_id   TEXT NOT NULL,
	source      TEXT NOT NULL,
	origin      TEXT NOT NULL,
	original_id TEXT NOT NULL,
	import_id   INTEGER,
	PRIMARY KEY (entity, record_id)
) WITHOUT ROWID;
