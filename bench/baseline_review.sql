-- The baseline for `cartera review`: the same per-client aggregates that
-- cartera computes, as raw SQL run by the sqlite3 shell over cartera's own
-- database file, for the window 2025-11-25 (exclusive) to 2026-11-25, a
-- 30-day red line, 5 days of grace and a 15 % maximum discount. Days are
-- stored as days since 1970-01-01: 20417 is 2025-11-25, 20782 2026-11-25.
.mode list
SELECT count(*), sum(revenue), sum(late) FROM (
  SELECT client_id,
    coalesce(sum(CASE WHEN issued > 20417 THEN amount END), 0) AS revenue,
    count(CASE WHEN issued > 20417 THEN 1 END),
    count(CASE WHEN due > 20417 AND due <= 20782 THEN 1 END),
    count(CASE WHEN due > 20417 AND due <= 20782 AND min(coalesce(paid, 20782), 20782) - due > 5 THEN 1 END) AS late,
    count(CASE WHEN due > 20417 AND due <= 20782 AND min(coalesce(paid, 20782), 20782) - due > 30 THEN 1 END),
    coalesce(sum(CASE WHEN due > 20417 AND due <= 20782 AND min(coalesce(paid, 20782), 20782) - due > 5
      THEN min(coalesce(paid, 20782), 20782) - due END), 0),
    coalesce(max(CASE WHEN due > 20417 AND due <= 20782 THEN min(coalesce(paid, 20782), 20782) - due END), 0),
    coalesce(sum(CASE WHEN (paid IS NULL OR paid > 20782) AND due < 20782 THEN amount END), 0),
    count(CASE WHEN (paid IS NULL OR paid > 20782) AND due < 20782 THEN 1 END),
    min(CASE WHEN (paid IS NULL OR paid > 20782) AND due < 20782 THEN due END)
  FROM invoices WHERE issued <= 20782 GROUP BY client_id);
SELECT count(*), sum(h) FROM (
  SELECT client_id, sum(hours) AS h, coalesce(sum(CASE WHEN billable = 1 THEN hours END), 0)
  FROM time_entries WHERE day > 20417 AND day <= 20782 GROUP BY client_id);
SELECT count(*) FROM (
  SELECT client_id,
    coalesce(sum(CASE WHEN kind = 'discount' THEN amount END), 0),
    count(CASE WHEN kind = 'discount' THEN 1 END),
    count(CASE WHEN kind = 'discount' AND percent > 1500 THEN 1 END),
    coalesce(max(CASE WHEN kind = 'discount' THEN percent END), 0),
    coalesce(sum(CASE WHEN kind = 'free_hours' THEN hours END), 0)
  FROM concessions WHERE day > 20417 AND day <= 20782 GROUP BY client_id);
SELECT count(*) FROM concessions WHERE kind = 'free_hours' AND day > 20417 AND day <= 20782;
SELECT count(*), sum(severity) FROM incidents WHERE at >= 1700000000 AND at < 1796000000;
