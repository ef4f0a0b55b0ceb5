-- cartera schema, version 4: the sales pipeline.
--
-- deals.evidence is a compact summary of the deal's signals by kind (count,
-- first and last day, unanswered days of the latest no_reply), kept up to
-- date by every write of signals. The forecast and the pipeline board read
-- only the deals table, never the ten million signals behind it.

CREATE TABLE deals (
	id             TEXT PRIMARY KEY,
	client_id      TEXT REFERENCES clients (id),
	prospect       TEXT NOT NULL DEFAULT '',
	title          TEXT NOT NULL DEFAULT '',
	owner          TEXT NOT NULL DEFAULT '',
	owner_key      TEXT NOT NULL DEFAULT '',
	amount         INTEGER NOT NULL CHECK (amount >= 0),
	currency       TEXT NOT NULL CHECK (length(currency) = 3),
	stage          TEXT NOT NULL,
	stage_since    INTEGER NOT NULL,
	expected_close INTEGER,
	claimed        INTEGER NOT NULL DEFAULT 0 CHECK (claimed BETWEEN 0 AND 10000),
	category       TEXT NOT NULL DEFAULT '',
	created        INTEGER NOT NULL,
	closed         INTEGER,
	outcome        TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'won', 'lost')),
	lost_reason    TEXT NOT NULL DEFAULT '',
	competitor     TEXT NOT NULL DEFAULT '',
	need           TEXT NOT NULL DEFAULT 'unknown',
	capacity       TEXT NOT NULL DEFAULT 'unknown',
	decision_maker TEXT NOT NULL DEFAULT 'unknown',
	evidence       BLOB,
	version        INTEGER NOT NULL DEFAULT 1,
	import_id      INTEGER,
	import_pos     INTEGER
) WITHOUT ROWID;
CREATE INDEX deals_outcome ON deals (outcome, owner_key, stage);
CREATE INDEX deals_client ON deals (client_id);
CREATE INDEX deals_closed ON deals (outcome, closed, stage);

CREATE TABLE signals (
	id         TEXT PRIMARY KEY,
	deal_id    TEXT NOT NULL REFERENCES deals (id),
	kind       TEXT NOT NULL,
	day        INTEGER NOT NULL,
	source     TEXT NOT NULL DEFAULT '',
	days       INTEGER NOT NULL DEFAULT 0,
	note       TEXT NOT NULL DEFAULT '',
	version    INTEGER NOT NULL DEFAULT 1,
	import_id  INTEGER,
	import_pos INTEGER
) WITHOUT ROWID;
-- Covers the evidence summary: per deal and kind, count, first and last day
-- and the days of the latest.
CREATE INDEX signals_deal ON signals (deal_id, kind, day, days);
