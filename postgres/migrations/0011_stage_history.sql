-- cartera schema, version 9 (SQLite's 8): each deal's stage history.
--
-- deal_stages holds one row per stage a deal entered and the day it did,
-- so that "the stage it was in on day D" is a recorded fact: a store adds
-- a row whenever a deal is created or changes stage, and imports add the
-- stage the source gives with its day. As-of reads (forecasts, backtests,
-- calibration) take the latest row dated on or before their day.

CREATE TABLE deal_stages (
	deal_id TEXT COLLATE "C" NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
	day     BIGINT NOT NULL,
	stage   TEXT NOT NULL,
	-- seq orders moves made on the same day.
	seq     BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (deal_id, day, stage)
);

-- What is known of deals stored before: their current stage since its day.
INSERT INTO deal_stages (deal_id, day, stage) SELECT id, stage_since, stage FROM deals WHERE stage <> ''
	ON CONFLICT DO NOTHING;
