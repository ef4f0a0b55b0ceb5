-- The baseline for `cartera review` on PostgreSQL: bench/baseline_review.sql
-- translated to PostgreSQL and run by psql over cartera's own database, for
-- the window 2025-11-25 (exclusive) to 2026-11-25, a 30-day red line, 5 days
-- of grace and a 15 % maximum discount. Days are stored as days since
-- 1970-01-01: 20417 is 2025-11-25, 20782 2026-11-25.
--
--   psql -X -d DB -f baseline_review_pg.sql
SELECT count(*), sum(revenue), sum(late) FROM (
  SELECT client_id,
    coalesce(sum(amount) FILTER (WHERE issued > 20417), 0) AS revenue,
    count(*) FILTER (WHERE issued > 20417),
    count(*) FILTER (WHERE due > 20417 AND due <= 20782),
    count(*) FILTER (WHERE due > 20417 AND due <= 20782 AND least(coalesce(paid, 20782), 20782) - due > 5) AS late,
    count(*) FILTER (WHERE due > 20417 AND due <= 20782 AND least(coalesce(paid, 20782), 20782) - due > 30),
    coalesce(sum(least(coalesce(paid, 20782), 20782) - due)
      FILTER (WHERE due > 20417 AND due <= 20782 AND least(coalesce(paid, 20782), 20782) - due > 5), 0),
    coalesce(max(least(coalesce(paid, 20782), 20782) - due) FILTER (WHERE due > 20417 AND due <= 20782), 0),
    coalesce(sum(amount) FILTER (WHERE (paid IS NULL OR paid > 20782) AND due < 20782), 0),
    count(*) FILTER (WHERE (paid IS NULL OR paid > 20782) AND due < 20782),
    min(due) FILTER (WHERE (paid IS NULL OR paid > 20782) AND due < 20782)
  FROM invoices WHERE issued <= 20782 GROUP BY client_id) i;
SELECT count(*), sum(h) FROM (
  SELECT client_id, sum(hours) AS h, coalesce(sum(hours) FILTER (WHERE billable), 0)
  FROM time_entries WHERE day > 20417 AND day <= 20782 GROUP BY client_id) t;
SELECT count(*) FROM (
  SELECT client_id,
    coalesce(sum(amount) FILTER (WHERE kind = 'discount'), 0),
    count(*) FILTER (WHERE kind = 'discount'),
    count(*) FILTER (WHERE kind = 'discount' AND percent > 1500),
    coalesce(max(percent) FILTER (WHERE kind = 'discount'), 0),
    coalesce(sum(hours) FILTER (WHERE kind = 'free_hours'), 0)
  FROM concessions WHERE day > 20417 AND day <= 20782 GROUP BY client_id) k;
SELECT count(*) FROM concessions WHERE kind = 'free_hours' AND day > 20417 AND day <= 20782;
SELECT count(*), sum(severity) FROM incidents WHERE at >= 1700000000 AND at < 1796000000;
