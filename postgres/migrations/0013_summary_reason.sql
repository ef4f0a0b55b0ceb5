-- cartera schema, version 13 (SQLite's 11): a client summary keeps its first reason as data.
--
-- reason_es and reason_en held the first reason rendered in both languages,
-- so the use cases needed the catalogs to write a summary. reason holds the
-- message instead (its key and typed facts, cartera.EncodeMessage; empty for
-- none), rendered in the reader's language when the list is shown.
-- Summaries are derived data: the ones stored are dropped, and the next
-- review writes them again.
DELETE FROM client_summary;
ALTER TABLE client_summary DROP COLUMN reason_en;
ALTER TABLE client_summary RENAME COLUMN reason_es TO reason;
