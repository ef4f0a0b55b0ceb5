-- cartera schema, version 5: the playbooks.
--
-- tasks.day is the day a task is on the agenda (its due day, or the end of
-- its snooze), kept by the store so that the agenda reads one index.
-- Lessons are indexed for full-text search with FTS5; the unicode61
-- tokenizer with remove_diacritics 2 makes "gestion" find "gestión" in
-- any language.

CREATE TABLE tasks (
	id            TEXT PRIMARY KEY,
	kind          TEXT NOT NULL,
	deal_id       TEXT REFERENCES deals (id),
	client_id     TEXT REFERENCES clients (id),
	owner         TEXT NOT NULL DEFAULT '',
	owner_key     TEXT NOT NULL DEFAULT '',
	due           INTEGER NOT NULL,
	day           INTEGER NOT NULL,
	status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'snoozed')),
	snoozed_until INTEGER,
	done_on       INTEGER,
	note          TEXT NOT NULL DEFAULT '',
	created       INTEGER NOT NULL,
	version       INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
CREATE INDEX tasks_day ON tasks (day, id);
CREATE INDEX tasks_owner ON tasks (owner_key, day);
CREATE INDEX tasks_deal ON tasks (deal_id);
CREATE INDEX tasks_client ON tasks (client_id);

CREATE TABLE reconnects (
	deal_id        TEXT PRIMARY KEY REFERENCES deals (id),
	day            INTEGER NOT NULL,
	really_no      TEXT NOT NULL,
	respected      INTEGER NOT NULL,
	competitor_won TEXT NOT NULL,
	competitor     TEXT NOT NULL DEFAULT '',
	suggestions    TEXT NOT NULL DEFAULT '',
	door_open      INTEGER NOT NULL,
	note           TEXT NOT NULL DEFAULT '',
	version        INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE debriefs (
	deal_id  TEXT PRIMARY KEY REFERENCES deals (id),
	day      INTEGER NOT NULL,
	happened TEXT NOT NULL DEFAULT '',
	better   TEXT NOT NULL DEFAULT '',
	version  INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE lessons (
	id        INTEGER PRIMARY KEY,
	deal_id   TEXT NOT NULL REFERENCES debriefs (deal_id),
	owner     TEXT NOT NULL DEFAULT '',
	owner_key TEXT NOT NULL DEFAULT '',
	day       INTEGER NOT NULL,
	topic     TEXT NOT NULL DEFAULT '',
	topic_key TEXT NOT NULL DEFAULT '',
	text      TEXT NOT NULL,
	change    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lessons_deal ON lessons (deal_id);
CREATE INDEX lessons_day ON lessons (day);
CREATE INDEX lessons_topic ON lessons (topic_key, day);

CREATE VIRTUAL TABLE lessons_fts USING fts5 (text, change, topic, content = 'lessons', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER lessons_insert AFTER INSERT ON lessons BEGIN
	INSERT INTO lessons_fts (rowid, text, change, topic) VALUES (new.id, new.text, new.change, new.topic);
END;
CREATE TRIGGER lessons_delete AFTER DELETE ON lessons BEGIN
	INSERT INTO lessons_fts (lessons_fts, rowid, text, change, topic) VALUES ('delete', old.id, old.text, old.change, old.topic);
END;
CREATE TRIGGER lessons_update AFTER UPDATE ON lessons BEGIN
	INSERT INTO lessons_fts (lessons_fts, rowid, text, change, topic) VALUES ('delete', old.id, old.text, old.change, old.topic);
	INSERT INTO lessons_fts (rowid, text, change, topic) VALUES (new.id, new.text, new.change, new.topic);
END;

CREATE TABLE referrals (
	id          TEXT PRIMARY KEY,
	service     TEXT NOT NULL,
	service_key TEXT NOT NULL,
	name        TEXT NOT NULL,
	contact     TEXT NOT NULL DEFAULT '',
	email       TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	url         TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	version     INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE holidays (
	day  INTEGER PRIMARY KEY,
	name TEXT NOT NULL DEFAULT ''
);

-- Only a hash of each user's calendar token is kept, as for sessions and
-- API keys.
CREATE TABLE calendar_tokens (
	user_id INTEGER PRIMARY KEY REFERENCES users (id),
	hash    TEXT NOT NULL UNIQUE,
	created INTEGER NOT NULL
);
