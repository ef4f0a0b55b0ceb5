-- cartera schema, version 9 (SQLite's 7, whose cache is an encoded blob
-- with its own version byte): the facts cache keeps when the latest red
-- line on payments and on discounts was crossed, so that an old, single
-- breach can fade, and how many discounts had their percentage derived
-- from the amounts (docs/assessment.md, "Breaches fade"). The cache is
-- emptied: its rows are refilled on the next review.
DELETE FROM facts_cache;
ALTER TABLE facts_cache ADD COLUMN last_over_limit BIGINT, ADD COLUMN last_discount_over BIGINT,
	ADD COLUMN discounts_derived BIGINT NOT NULL DEFAULT 0;
