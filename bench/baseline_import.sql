-- The baseline for `cartera import`: the sqlite3 shell loading the same CSV
-- files, with the same primary keys and client indexes as cartera's schema
-- but no validation, no type conversion and no foreign keys.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE clientes (id TEXT PRIMARY KEY, nombre, responsable, familia_amistad, moneda, servicio, cliente_desde, email, telefono, notas) WITHOUT ROWID;
CREATE TABLE contactos (id TEXT PRIMARY KEY, cliente, nombre, cargo, nivel, email, telefono) WITHOUT ROWID;
CREATE INDEX contactos_cliente ON contactos (cliente, nivel);
CREATE TABLE facturas (id TEXT PRIMARY KEY, cliente, numero, emitida, vence, pagada, importe, moneda) WITHOUT ROWID;
CREATE INDEX facturas_cliente ON facturas (cliente, vence, emitida, pagada, importe);
CREATE TABLE horas (id TEXT PRIMARY KEY, cliente, fecha, horas, facturable, nota) WITHOUT ROWID;
CREATE INDEX horas_cliente ON horas (cliente, fecha, horas, facturable);
CREATE TABLE concesiones (id TEXT PRIMARY KEY, cliente, fecha, tipo, importe, horas, porcentaje, moneda, nota) WITHOUT ROWID;
CREATE INDEX concesiones_cliente ON concesiones (cliente, fecha, tipo, importe, horas, porcentaje);
CREATE TABLE incidencias (id TEXT PRIMARY KEY, cliente, contacto, fecha_hora, tipo, gravedad, nota) WITHOUT ROWID;
CREATE INDEX incidencias_cliente ON incidencias (cliente, fecha_hora, tipo, gravedad, contacto);
.mode csv
.separator ;
BEGIN;
.import --skip 1 clientes.csv clientes
.import --skip 1 contactos.csv contactos
.import --skip 1 facturas.csv facturas
.import --skip 1 horas.csv horas
.import --skip 1 concesiones.csv concesiones
.import --skip 1 incidencias.csv incidencias
COMMIT;
