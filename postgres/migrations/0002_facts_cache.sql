-- facts_cache keeps each client's assessment facts for one facts query (one
-- as-of date and policy), so that a review reads one small row per client
-- instead of aggregating millions of events. key identifies the query.
--
-- Unlike SQLite's encoded blob, the figures are plain columns and arrays:
-- the whole cache is filled by one INSERT ... SELECT that aggregates the
-- events inside the database, with no round trip through Go.
--
-- A client's row is deleted whenever one of its events changes: the writes
-- delete the rows of the clients they wrote to, and these triggers catch an
-- event moved from one client to another, or deleted.
CREATE TABLE facts_cache (
	client_id       TEXT COLLATE "C" PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
	key             TEXT NOT NULL,
	revenue         BIGINT NOT NULL,
	invoices_issued BIGINT NOT NULL,
	hours           BIGINT NOT NULL,
	billable        BIGINT NOT NULL,
	discounts       BIGINT NOT NULL,
	discount_count  BIGINT NOT NULL,
	discounts_over  BIGINT NOT NULL,
	max_discount    BIGINT NOT NULL,
	free_hours      BIGINT NOT NULL,
	invoices_due    BIGINT NOT NULL,
	late_invoices   BIGINT NOT NULL,
	over_limit      BIGINT NOT NULL,
	days_late_sum   BIGINT NOT NULL,
	worst_days_late BIGINT NOT NULL,
	overdue         BIGINT NOT NULL,
	overdue_count   BIGINT NOT NULL,
	oldest_overdue  BIGINT,
	free_months     BIGINT[] NOT NULL,
	free_month_hours BIGINT[] NOT NULL,
	incident_ids    TEXT[] NOT NULL,
	incident_at     BIGINT[] NOT NULL,
	incident_kinds  TEXT[] NOT NULL,
	incident_severities BIGINT[] NOT NULL,
	incident_contacts TEXT[] NOT NULL
);

CREATE FUNCTION cartera_forget_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM facts_cache WHERE client_id = OLD.client_id;
	RETURN NULL;
END $$;

CREATE TRIGGER invoices_moved AFTER UPDATE OF client_id ON invoices
	FOR EACH ROW WHEN (OLD.client_id <> NEW.client_id) EXECUTE FUNCTION cartera_forget_facts();
CREATE TRIGGER invoices_deleted AFTER DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION cartera_forget_facts();
CREATE TRIGGER time_entries_moved AFTER UPDATE OF client_id ON time_entries
	FOR EACH ROW WHEN (OLD.client_id <> NEW.client_id) EXECUTE FUNCTION cartera_forget_facts();
CREATE TRIGGER time_entries_deleted AFTER DELETE ON time_entries FOR EACH ROW EXECUTE FUNCTION cartera_forget_facts();
CREATE TRIGGER concessions_moved AFTER UPDATE OF client_id ON concessions
	FOR EACH ROW WHEN (OLD.client_id <> NEW.client_id) EXECUTE FUNCTION cartera_forget_facts();
CREATE TRIGGER concessions_deleted AFTER DELETE ON concessions FOR EACH ROW EXECUTE FUNCTION cartera_forget_facts();
CREATE TRIGGER incidents_moved AFTER UPDATE OF client_id ON incidents
	FOR EACH ROW WHEN (OLD.client_id <> NEW.client_id) EXECUTE FUNCTION cartera_forget_facts();
CREATE TRIGGER incidents_deleted AFTER DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION cartera_forget_facts();
