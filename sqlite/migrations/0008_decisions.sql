-- cartera schema, version 8 (PostgreSQL's 10): the decisions users record
-- on their clients' verdicts — agree, or override with a reason — so that
-- the review can show where the policy and the user keep disagreeing.
CREATE TABLE decisions (
	id        INTEGER PRIMARY KEY,
	client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
	day       INTEGER NOT NULL,
	policy    TEXT NOT NULL,
	decided   TEXT NOT NULL,
	reason    TEXT NOT NULL DEFAULT '',
	by_user   TEXT NOT NULL DEFAULT '',
	at        INTEGER NOT NULL
);
CREATE INDEX decisions_client ON decisions (client_id, id);
