-- cartera schema, version 6: references of contacts and events are checked
-- once per statement instead of once per row.
--
-- A FOREIGN KEY runs one lookup-and-lock query per inserted row; on a ten
-- million event import that was two thirds of the time (40 µs a row). The
-- same rules are now kept by statement-level triggers over transition
-- tables: after each INSERT, COPY or UPDATE of a child table one query
-- looks up the distinct parents of all its rows and locks them FOR KEY
-- SHARE, as a foreign key does (a batch of an import touches a few dozen
-- clients, not a thousand rows); after each DELETE or UPDATE of a parent,
-- one query looks for children of the ids that went away. A violation is
-- SQLSTATE 23503 (foreign_key_violation), as before.
--
-- The stores check references before writing and report them as field
-- errors; these checks, like the foreign keys they replace, are the net
-- for a race or a bug.

ALTER TABLE contacts DROP CONSTRAINT contacts_client_id_fkey;
ALTER TABLE invoices DROP CONSTRAINT invoices_client_id_fkey;
ALTER TABLE time_entries DROP CONSTRAINT time_entries_client_id_fkey;
ALTER TABLE concessions DROP CONSTRAINT concessions_client_id_fkey;
ALTER TABLE incidents DROP CONSTRAINT incidents_client_id_fkey;
ALTER TABLE incidents DROP CONSTRAINT incidents_contact_id_fkey;

-- incidents.contact_id had no index; the parent-side check needs one.
CREATE INDEX incidents_contact ON incidents (contact_id) WHERE contact_id IS NOT NULL;

-- cartera_check_parents: TG_ARGV holds pairs (column, parent table). Every
-- non-null value of the column in the statement's new rows must be an id
-- of the parent table. The distinct values are gathered first and looked
-- up by = ANY, so that the parent is always read through its primary key:
-- a join with the transition table, whose size the planner cannot know,
-- was planned as a scan of every client, 50 ms a batch.
CREATE FUNCTION cartera_check_parents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	i int := 0;
	ids text[];
	n bigint;
	missing text;
BEGIN
	WHILE i < TG_NARGS LOOP
		EXECUTE format('SELECT array_agg(DISTINCT %1$I) FROM new_rows WHERE %1$I IS NOT NULL', TG_ARGV[i]) INTO ids;
		IF ids IS NOT NULL THEN
			-- Hold the parents until this transaction ends, as a foreign key does.
			EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %I p WHERE p.id = ANY ($1) FOR KEY SHARE) x',
				TG_ARGV[i + 1]) INTO n USING ids;
			IF n < cardinality(ids) THEN
				EXECUTE format('SELECT r FROM unnest($1) r WHERE NOT EXISTS (SELECT 1 FROM %I p WHERE p.id = r) LIMIT 1',
					TG_ARGV[i + 1]) INTO missing USING ids;
				RAISE foreign_key_violation USING
					MESSAGE = format('insert or update on table "%s" violates the reference of %s to %s: %s is not present',
						TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1], missing),
					CONSTRAINT = TG_TABLE_NAME || '_' || TG_ARGV[i] || '_fkey', TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[i];
			END IF;
		END IF;
		i := i + 2;
	END LOOP;
	RETURN NULL;
END $$;

-- cartera_check_children: TG_ARGV holds pairs (child table, column). No
-- child may refer to an id the statement deleted or changed. The ids that
-- went away are gathered first (none, for an upsert of clients), then
-- looked up one by one in the child's index on the column.
CREATE FUNCTION cartera_check_children() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	i int := 0;
	gone text[];
	found text;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		SELECT array_agg(o.id) INTO gone FROM old_rows o WHERE o.id NOT IN (SELECT n.id FROM new_rows n);
	ELSE
		SELECT array_agg(o.id) INTO gone FROM old_rows o;
	END IF;
	IF gone IS NULL THEN
		RETURN NULL;
	END IF;
	WHILE i < TG_NARGS LOOP
		EXECUTE format('SELECT g FROM unnest($1) g WHERE EXISTS (SELECT 1 FROM %I c WHERE c.%I = g) LIMIT 1',
			TG_ARGV[i], TG_ARGV[i + 1]) INTO found USING gone;
		IF found IS NOT NULL THEN
			RAISE foreign_key_violation USING
				MESSAGE = format('update or delete on table "%s" violates the reference of %s.%s: %s is still referenced',
					TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1], found),
				CONSTRAINT = TG_ARGV[i] || '_' || TG_ARGV[i + 1] || '_fkey', TABLE = TG_ARGV[i], COLUMN = TG_ARGV[i + 1];
		END IF;
		i := i + 2;
	END LOOP;
	RETURN NULL;
END $$;

CREATE TRIGGER contacts_parents_inserted AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER contacts_parents_updated AFTER UPDATE ON contacts REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER invoices_parents_inserted AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER invoices_parents_updated AFTER UPDATE ON invoices REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER time_entries_parents_inserted AFTER INSERT ON time_entries REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER time_entries_parents_updated AFTER UPDATE ON time_entries REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER concessions_parents_inserted AFTER INSERT ON concessions REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER concessions_parents_updated AFTER UPDATE ON concessions REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients');
CREATE TRIGGER incidents_parents_inserted AFTER INSERT ON incidents REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients', 'contact_id', 'contacts');
CREATE TRIGGER incidents_parents_updated AFTER UPDATE ON incidents REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_parents('client_id', 'clients', 'contact_id', 'contacts');

CREATE TRIGGER clients_children_deleted AFTER DELETE ON clients REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_children('contacts', 'client_id', 'invoices', 'client_id',
		'time_entries', 'client_id', 'concessions', 'client_id', 'incidents', 'client_id');
CREATE TRIGGER clients_children_updated AFTER UPDATE ON clients REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_children('contacts', 'client_id', 'invoices', 'client_id',
		'time_entries', 'client_id', 'concessions', 'client_id', 'incidents', 'client_id');
CREATE TRIGGER contacts_children_deleted AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_children('incidents', 'contact_id');
CREATE TRIGGER contacts_children_updated AFTER UPDATE ON contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION cartera_check_children('incidents', 'contact_id');
