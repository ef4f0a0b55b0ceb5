-- The summaries of a key are counted without reading their rows.
--
-- Whether the stored summaries are current is asked on the first request
-- after every write (CountStaleSummaries): the number of clients against
-- the number of summaries of today's key. Counted from the table, that
-- read every summary with its reason — tens of megabytes at 100,000
-- clients, most of the first dashboard's time right after an import
-- (docs/performance.md). This index holds the keys alone.
CREATE INDEX client_summary_key ON client_summary (key);
