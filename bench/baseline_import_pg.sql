-- The baseline for `cartera import` on PostgreSQL: psql's \copy loading the
-- same CSV files, in one transaction, into tables with the same primary
-- keys and per-client indexes as cartera's PostgreSQL schema (ids and
-- client columns in the "C" collation, as cartera's are), but every column
-- TEXT: no validation, no type conversion, no foreign keys, no upsert.
-- Run from the directory holding the CSV files:
--
--   psql -X -v ON_ERROR_STOP=1 -d DB -f baseline_import_pg.sql
\set ON_ERROR_STOP on
SET client_min_messages = warning;
BEGIN;
DROP TABLE IF EXISTS clientes, contactos, facturas, horas, concesiones, incidencias;
CREATE TABLE clientes (id TEXT COLLATE "C" PRIMARY KEY, nombre TEXT, responsable TEXT, familia_amistad TEXT,
  moneda TEXT, servicio TEXT, cliente_desde TEXT, email TEXT, telefono TEXT, notas TEXT);
CREATE TABLE contactos (id TEXT COLLATE "C" PRIMARY KEY, cliente TEXT COLLATE "C", nombre TEXT, cargo TEXT,
  nivel TEXT, email TEXT, telefono TEXT);
CREATE INDEX contactos_cliente ON contactos (cliente, nivel);
CREATE TABLE facturas (id TEXT COLLATE "C" PRIMARY KEY, cliente TEXT COLLATE "C", numero TEXT, emitida TEXT,
  vence TEXT, pagada TEXT, importe TEXT, moneda TEXT);
CREATE INDEX facturas_cliente ON facturas (cliente, vence, emitida, pagada, importe);
CREATE TABLE horas (id TEXT COLLATE "C" PRIMARY KEY, cliente TEXT COLLATE "C", fecha TEXT, horas TEXT,
  facturable TEXT, nota TEXT);
CREATE INDEX horas_cliente ON horas (cliente, fecha, horas, facturable);
CREATE TABLE concesiones (id TEXT COLLATE "C" PRIMARY KEY, cliente TEXT COLLATE "C", fecha TEXT, tipo TEXT,
  importe TEXT, horas TEXT, porcentaje TEXT, moneda TEXT, nota TEXT);
CREATE INDEX concesiones_cliente ON concesiones (cliente, fecha, tipo, importe, horas, porcentaje);
CREATE TABLE incidencias (id TEXT COLLATE "C" PRIMARY KEY, cliente TEXT COLLATE "C", contacto TEXT COLLATE "C",
  fecha_hora TEXT, tipo TEXT, gravedad TEXT, nota TEXT);
CREATE INDEX incidencias_cliente ON incidencias (cliente, fecha_hora, tipo, gravedad, contacto);
\copy clientes FROM 'clientes.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')
\copy contactos FROM 'contactos.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')
\copy facturas FROM 'facturas.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')
\copy horas FROM 'horas.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')
\copy concesiones FROM 'concesiones.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')
\copy incidencias FROM 'incidencias.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')
COMMIT;
