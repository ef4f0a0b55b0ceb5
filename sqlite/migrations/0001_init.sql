-- cartera schema, version 1.
--
-- Dates are stored as days since 1970-01-01 (INTEGER) and instants as Unix
-- seconds (INTEGER, UTC): compact, fast to compare and to subtract in the
-- aggregate queries. Money is INTEGER minor units with its ISO 4217 code;
-- hours are INTEGER hundredths of an hour.
--
-- Tables are WITHOUT ROWID, keyed by the user's own ids so that re-importing
-- upserts. import_id and import_pos record which import wrote a row and
-- where in its files, so that an id repeated within one import is caught
-- and reported with the line of its first appearance.
--
-- Each event table has a covering index by client: the assessment reads only
-- these indexes, in client order, without touching the tables.

CREATE TABLE clients (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	name_key      TEXT NOT NULL,  -- lower case without accents, for search
	owner         TEXT NOT NULL DEFAULT '',
	family_friend INTEGER NOT NULL DEFAULT 0 CHECK (family_friend IN (0, 1)),
	currency      TEXT NOT NULL CHECK (length(currency) = 3),
	service       TEXT NOT NULL DEFAULT '',
	since         INTEGER,
	email         TEXT NOT NULL DEFAULT '',
	phone         TEXT NOT NULL DEFAULT '',
	notes         TEXT NOT NULL DEFAULT '',
	import_id     INTEGER,
	import_pos    INTEGER
) WITHOUT ROWID;
CREATE INDEX clients_name_key ON clients (name_key);
CREATE INDEX clients_owner ON clients (owner, id);

CREATE TABLE contacts (
	id         TEXT PRIMARY KEY,
	client_id  TEXT NOT NULL REFERENCES clients (id),
	name       TEXT NOT NULL,
	role       TEXT NOT NULL DEFAULT '',
	seniority  INTEGER NOT NULL DEFAULT 1 CHECK (seniority BETWEEN 1 AND 5),
	email      TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	import_id  INTEGER,
	import_pos INTEGER
) WITHOUT ROWID;
CREATE INDEX contacts_client ON contacts (client_id, seniority);

CREATE TABLE invoices (
	id         TEXT PRIMARY KEY,
	client_id  TEXT NOT NULL REFERENCES clients (id),
	number     TEXT NOT NULL DEFAULT '',
	issued     INTEGER NOT NULL,
	due        INTEGER NOT NULL,
	paid       INTEGER,
	amount     INTEGER NOT NULL,
	currency   TEXT NOT NULL,
	import_id  INTEGER,
	import_pos INTEGER
) WITHOUT ROWID;
CREATE INDEX invoices_client ON invoices (client_id, due, issued, paid, amount);

CREATE TABLE time_entries (
	id         TEXT PRIMARY KEY,
	client_id  TEXT NOT NULL REFERENCES clients (id),
	day        INTEGER NOT NULL,
	hours      INTEGER NOT NULL CHECK (hours >= 0),
	billable   INTEGER NOT NULL CHECK (billable IN (0, 1)),
	note       TEXT NOT NULL DEFAULT '',
	import_id  INTEGER,
	import_pos INTEGER
) WITHOUT ROWID;
CREATE INDEX time_entries_client ON time_entries (client_id, day, hours, billable);

CREATE TABLE concessions (
	id         TEXT PRIMARY KEY,
	client_id  TEXT NOT NULL REFERENCES clients (id),
	day        INTEGER NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('discount', 'free_hours')),
	amount     INTEGER NOT NULL DEFAULT 0,
	currency   TEXT NOT NULL,
	hours      INTEGER NOT NULL DEFAULT 0,
	percent    INTEGER NOT NULL DEFAULT 0,
	note       TEXT NOT NULL DEFAULT '',
	import_id  INTEGER,
	import_pos INTEGER
) WITHOUT ROWID;
CREATE INDEX concessions_client ON concessions (client_id, day, kind, amount, hours, percent);

CREATE TABLE incidents (
	id         TEXT PRIMARY KEY,
	client_id  TEXT NOT NULL REFERENCES clients (id),
	contact_id TEXT REFERENCES contacts (id),
	at         INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	severity   INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),
	note       TEXT NOT NULL DEFAULT '',
	import_id  INTEGER,
	import_pos INTEGER
) WITHOUT ROWID;
CREATE INDEX incidents_client ON incidents (client_id, at, kind, severity, contact_id);

-- settings holds small documents such as the policy, as JSON.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	rev   INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

-- imports logs every committed import.
CREATE TABLE imports (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	started  INTEGER NOT NULL,
	finished INTEGER,
	rows     INTEGER NOT NULL DEFAULT 0
);
