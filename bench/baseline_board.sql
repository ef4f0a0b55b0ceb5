-- The baseline for the pipeline board (`GET /api/v1/pipeline/board`): the
-- same computation as bench/baseline_forecast.sql (stage rates learned
-- from closed deals, evidence aggregated from the signals, the grounded
-- probability on the odds), over every open deal, then per stage: count,
-- value, claimed and grounded sums, unchecked deals, and the 25 largest
-- deals as cards. Day 20782 is 2026-11-25.
.mode list
CREATE TEMP TABLE grounded AS WITH
stages(stage, pos, prior, max_age) AS (VALUES
  ('lead', 0, 0.10, 30), ('qualified', 1, 0.25, 21), ('proposal', 2, 0.40, 14), ('negotiation', 3, 0.60, 10)),
closed AS (
  SELECT s.pos, sum(d.outcome = 'won') AS won, count(*) AS n
  FROM deals d JOIN stages s ON s.stage = d.stage WHERE d.outcome IN ('won', 'lost') GROUP BY s.pos),
rates AS (
  SELECT s.stage, (coalesce((SELECT sum(won) FROM closed c WHERE c.pos >= s.pos), 0) + 10 * s.prior)
    / (coalesce((SELECT sum(n) FROM closed c WHERE c.pos >= s.pos), 0) + 10) AS rate, s.max_age
  FROM stages s),
ev AS (
  SELECT deal_id, kind, count(*) AS n, max(day) AS last, days FROM signals GROUP BY deal_id, kind),
per AS (
  SELECT d.id, d.owner, d.amount, d.stage, d.stage_since, d.created, d.expected_close, d.need, d.capacity, d.decision_maker,
    CASE WHEN d.claimed > 0 THEN d.claimed / 10000.0
         WHEN d.category = 'commit' THEN 0.9 WHEN d.category = 'best_case' THEN 0.5 WHEN d.category = 'pipeline' THEN 0.2
         ELSE (SELECT prior FROM stages WHERE stage = d.stage) END AS claimed,
    -- log of the product of the evidence ratios, each faded by age
    coalesce(sum(ln(CASE ev.kind
      WHEN 'verbal_intent' THEN 1.1 WHEN 'meeting_held' THEN 1.3 WHEN 'proposal_requested' THEN 1.5
      WHEN 'budget_confirmed' THEN 1.8 WHEN 'decision_maker_met' THEN 1.8 WHEN 'postponed' THEN 0.6
      WHEN 'competitor_mentioned' THEN 0.75 WHEN 'champion_left' THEN 0.4 ELSE 1 END) * pow(0.5, (20782 - ev.last) / 90.0)), 0) AS logev,
    max(CASE WHEN ev.kind NOT IN ('no_reply', 'postponed', 'competitor_mentioned', 'champion_left', 'status_check') THEN ev.last END) AS inbound,
    max(CASE WHEN ev.kind = 'no_reply' THEN ev.last END) AS nr_last,
    max(CASE WHEN ev.kind = 'no_reply' THEN ev.days END) AS nr_days,
    max(ev.last) AS news,
    max(CASE WHEN ev.kind = 'budget_confirmed' THEN 1 ELSE 0 END) AS budget,
    max(CASE WHEN ev.kind = 'decision_maker_met' THEN 1 ELSE 0 END) AS dm,
    max(CASE ev.kind WHEN 'purchase_order' THEN 0.9 WHEN 'contract_signed' THEN 0.95 WHEN 'payment_received' THEN 0.99 ELSE 0 END) AS floor
  FROM deals d LEFT JOIN ev ON ev.deal_id = d.id
  WHERE d.outcome = 'open'
  GROUP BY d.id),
odds AS (
  SELECT p.*, r.rate, r.max_age,
    ln(r.rate / (1 - r.rate)) + logev
    + CASE WHEN nr_last IS NOT NULL AND nr_last >= coalesce(inbound, 0)
        THEN min((nr_days + 20782 - nr_last) / 14, 4) * ln(0.75) ELSE 0 END
    + CASE WHEN 20782 - max(coalesce(inbound, 0), created) > 30
        THEN min((20782 - max(coalesce(inbound, 0), created)) / 30, 3) * ln(0.7) ELSE 0 END
    + CASE WHEN 20782 - max(coalesce(news, 0), stage_since, created) > r.max_age THEN ln(0.85) ELSE 0 END
    + CASE WHEN expected_close < 20782 THEN ln(0.7) ELSE 0 END AS lo
  FROM per p JOIN rates r ON r.stage = p.stage)
  SELECT id, stage, owner, amount, claimed, 20782 - max(coalesce(news, 0), stage_since, created) > max_age AS stale,
    max(min(CASE
      WHEN need = 'no' OR capacity = 'no' OR decision_maker = 'no' THEN min(exp(lo) / (1 + exp(lo)), 0.05)
      ELSE min(exp(lo) / (1 + exp(lo)),
        CASE WHEN need = 'yes' THEN 1 ELSE 0.3 END,
        CASE WHEN capacity = 'yes' OR budget = 1 THEN 1 ELSE 0.4 END,
        CASE WHEN decision_maker = 'yes' OR dm = 1 THEN 1 ELSE 0.5 END) END, 0.99), floor, 0.01) AS p
  FROM odds;
SELECT stage, count(*), sum(amount), round(sum(amount * claimed)), round(sum(amount * p)), sum(stale)
FROM grounded GROUP BY stage;
SELECT stage, id, owner, amount, claimed, p FROM (
  SELECT *, row_number() OVER (PARTITION BY stage ORDER BY amount DESC, id) AS r FROM grounded) WHERE r <= 25;
