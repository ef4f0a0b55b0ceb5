-- cartera schema, version 4: the sales pipeline.
--
-- deals.evidence is a compact summary of the deal's signals by kind, kept
-- up to date by every write of signals: one "kind count first last days"
-- group per kind, comma-separated (days: the unanswered days of the latest
-- signal of the kind). The forecast and the pipeline board read only the
-- deals table, never the ten million signals behind it. SQLite stores the
-- same summary in a binary form; here it is text, built in SQL.

CREATE TABLE deals (
	id             TEXT COLLATE "C" PRIMARY KEY,
	client_id      TEXT COLLATE "C" REFERENCES clients (id),
	prospect       TEXT NOT NULL DEFAULT '',
	title          TEXT NOT NULL DEFAULT '',
	owner          TEXT COLLATE "C" NOT NULL DEFAULT '',
	owner_key      TEXT COLLATE "C" NOT NULL DEFAULT '',
	amount         BIGINT NOT NULL CHECK (amount >= 0),
	currency       TEXT COLLATE "C" NOT NULL CHECK (length(currency) = 3),
	stage          TEXT COLLATE "C" NOT NULL,
	stage_since    BIGINT NOT NULL,
	expected_close BIGINT,
	claimed        BIGINT NOT NULL DEFAULT 0 CHECK (claimed BETWEEN 0 AND 10000),
	category       TEXT NOT NULL DEFAULT '',
	created        BIGINT NOT NULL,
	closed         BIGINT,
	outcome        TEXT COLLATE "C" NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'won', 'lost')),
	lost_reason    TEXT COLLATE "C" NOT NULL DEFAULT '',
	competitor     TEXT COLLATE "C" NOT NULL DEFAULT '',
	need           TEXT NOT NULL DEFAULT 'unknown',
	capacity       TEXT NOT NULL DEFAULT 'unknown',
	decision_maker TEXT NOT NULL DEFAULT 'unknown',
	evidence       TEXT,
	version        BIGINT NOT NULL DEFAULT 1,
	import_id      BIGINT,
	import_pos     BIGINT
);
CREATE INDEX deals_outcome ON deals (outcome, owner_key, stage);
CREATE INDEX deals_client ON deals (client_id);
CREATE INDEX deals_closed ON deals (outcome, closed, stage);

CREATE TABLE signals (
	id         TEXT COLLATE "C" PRIMARY KEY,
	deal_id    TEXT COLLATE "C" NOT NULL REFERENCES deals (id),
	kind       TEXT COLLATE "C" NOT NULL,
	day        BIGINT NOT NULL,
	source     TEXT NOT NULL DEFAULT '',
	days       BIGINT NOT NULL DEFAULT 0,
	note       TEXT NOT NULL DEFAULT '',
	version    BIGINT NOT NULL DEFAULT 1,
	import_id  BIGINT,
	import_pos BIGINT
);
-- Covers the evidence summary: per deal and kind, count, first and last day
-- and the days of the latest.
CREATE INDEX signals_deal ON signals (deal_id, kind, day, days);
