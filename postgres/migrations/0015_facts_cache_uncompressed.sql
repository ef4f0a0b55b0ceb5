-- A facts chunk is stored out of line without compression.
--
-- Each chunk holds the figures of up to a thousand clients (about 190 KB
-- at the bench's size), written once per new day or policy and read on
-- every review. With the default storage PostgreSQL compressed each one
-- with pglz as it was written: 4.8 ms a chunk, most of the time a new day's
-- review spent writing the cache; uncompressed, 1 ms (docs/performance.md,
-- "Facts that roll forward"). The chunks are already compact, and the
-- space they take is one cache, not history.
ALTER TABLE facts_cache ALTER COLUMN data SET STORAGE EXTERNAL;
