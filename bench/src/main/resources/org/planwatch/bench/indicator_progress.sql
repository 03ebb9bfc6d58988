-- The peer: gold.indicator_progress's achievement rate, elapsed share and progress status written as
-- DuckDB SQL over the curated CSV files, following jobs/.../gold/ActualSeries.java,
-- gold/IndicatorProgress.java, rules/ProgressFormulas.java and rules/ProgressRating.java step by step
-- (the names of the CTEs are the names of those methods). Not reproduced: the silver stage's
-- quarantine (rows planwatch quarantines are evaluated here), notes and texts, the outlook and the
-- international ratings. ${...} are filled in by DuckDbPeer. Statements end with ';' at a line end.

CREATE OR REPLACE TABLE region AS
SELECT NULLIF(trim(region_code), '') AS region_code, NULLIF(trim(parent_code), '') AS parent_code, NULLIF(trim(level), '') AS level
FROM read_csv('${datasets}/regions/*.csv', header = true, all_varchar = true);

CREATE OR REPLACE TABLE plan AS
SELECT trim(plan_id) AS plan_id, CAST(period_start_year AS INTEGER) AS period_start_year, CAST(period_end_year AS INTEGER) AS period_end_year
FROM read_csv('${datasets}/plans/*.csv', header = true, all_varchar = true);

CREATE OR REPLACE TABLE indicator AS
SELECT trim(plan_id) AS plan_id, trim(indicator_code) AS indicator_code, NULLIF(trim(direction), '') AS direction,
  NULLIF(trim(growth_model), '') AS growth_model, NULLIF(trim(measure_type), '') AS measure_type
FROM read_csv('${datasets}/indicators/*.csv', header = true, all_varchar = true);

CREATE OR REPLACE TABLE plan_revision AS
SELECT * FROM (${plan_revisions});

-- SilverStage.applyRevisions: revised base and target, the planned total for cumulative targets.
CREATE OR REPLACE TABLE plan_target AS
WITH raw AS (
  SELECT trim(plan_id) AS plan_id, trim(region_code) AS region_code, trim(indicator_code) AS indicator_code,
    CAST(base_year AS INTEGER) AS base_year, CAST(NULLIF(trim(base_value), '') AS DOUBLE) AS base_value,
    CAST(target_year AS INTEGER) AS target_year, CAST(NULLIF(trim(target_value), '') AS DOUBLE) AS target_value,
    trim(target_kind) AS target_kind, CAST(NULLIF(trim(planned_growth_value), '') AS DOUBLE) AS planned_growth_value,
    NULLIF(trim(planned_growth_kind), '') AS planned_growth_kind
  FROM read_csv('${datasets}/plan_targets/*.csv', header = true, all_varchar = true))
SELECT raw.plan_id, raw.region_code, raw.indicator_code, base_year, target_year, target_kind, planned_growth_value, planned_growth_kind,
  coalesce(b.revised_value, raw.base_value) AS base_value,
  coalesce(t.revised_value, raw.target_value,
    CASE WHEN target_kind = 'cumulative' AND planned_growth_kind = 'cumulative_total' THEN planned_growth_value END) AS target_value,
  t.revision_kind AS target_revision_kind
FROM raw
LEFT JOIN plan_revision b ON b.plan_id = raw.plan_id AND b.indicator_code = raw.indicator_code AND b.revised_field = 'base_value'
LEFT JOIN plan_revision t ON t.plan_id = raw.plan_id AND t.indicator_code = raw.indicator_code AND t.revised_field = 'target_value';

CREATE OR REPLACE TABLE observation AS
SELECT trim(region_code) AS region_code, trim(indicator_code) AS indicator_code,
  CAST(period_start AS DATE) AS period_start, CAST(period_end AS DATE) AS period_end, trim(value_kind) AS value_kind,
  CAST(NULLIF(trim(value), '') AS DOUBLE) AS value, coalesce(NULLIF(trim(statistical_scope), ''), 'as_published') AS statistical_scope,
  CAST(NULLIF(trim(status_met), '') AS BOOLEAN) AS status_met
FROM read_csv('${datasets}/observations/*.csv', header = true, all_varchar = true);

-- ActualSeries.targets
CREATE OR REPLACE TABLE targets AS
SELECT pt.*, i.direction, i.growth_model, i.measure_type,
  make_date(p.period_start_year, 1, 1) AS plan_start, p.period_end_year - p.period_start_year + 1 AS plan_years,
  make_date(pt.base_year, 12, 31) AS base_end, make_date(pt.target_year, 12, 31) AS plan_end,
  coalesce(pt.target_revision_kind = 'statistical_scope_change', false) AS scope_revised
FROM plan_target pt JOIN plan p USING (plan_id) JOIN indicator i USING (plan_id, indicator_code)
JOIN region r ON r.region_code = pt.region_code;

-- ActualSeries.candidates
CREATE OR REPLACE TABLE candidates AS
SELECT o.*, t.plan_id, t.plan_start, t.base_end, t.plan_end, t.scope_revised, t.measure_type, t.base_value,
  (year(o.period_start) = year(o.period_end) AND dayofyear(o.period_start) = 1 AND month(o.period_end) = 12 AND day(o.period_end) = 31) AS full_year,
  CASE WHEN t.scope_revised THEN (CASE WHEN o.statistical_scope = 'new' THEN 0 ELSE 1 END)
       ELSE (CASE WHEN o.statistical_scope = 'as_published' THEN 0 ELSE 1 END) END AS scope_rank
FROM observation o JOIN targets t ON o.region_code = t.region_code AND o.indicator_code = t.indicator_code
WHERE o.period_end <= DATE '${as_of}' AND o.period_end > t.base_end AND o.period_end <= t.plan_end
  AND (o.statistical_scope = 'as_published' OR (o.statistical_scope = 'original' AND NOT t.scope_revised)
       OR (o.statistical_scope = 'new' AND t.scope_revised));

-- ActualSeries.levels: observed, or derived from last year's level and a growth rate; best per date.
CREATE OR REPLACE TABLE levels AS
WITH direct AS (
  SELECT *, 0 AS derived FROM candidates
  WHERE value_kind = 'level' AND value IS NOT NULL AND (full_year OR measure_type = 'stock')),
previous AS (
  SELECT plan_id AS _p, region_code AS _r, indicator_code AS _i, statistical_scope AS _s, year(period_end) AS _y, value AS _prev
  FROM direct WHERE full_year),
derived AS (
  SELECT c.* REPLACE (previous._prev * (c.value / 100 + 1) AS value), 1 AS derived
  FROM candidates c JOIN previous ON c.plan_id = _p AND c.region_code = _r AND c.indicator_code = _i
    AND c.statistical_scope = _s AND year(c.period_end) - 1 = _y
  WHERE c.value_kind = 'growth_rate' AND c.full_year AND c.value IS NOT NULL),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY plan_id, region_code, indicator_code, period_end
                               ORDER BY derived, scope_rank, period_start DESC) AS _rank
  FROM (SELECT * FROM direct UNION ALL BY NAME SELECT * FROM derived))
SELECT * EXCLUDE (_rank), value AS level, period_end AS as_of FROM ranked WHERE _rank = 1;

-- ActualSeries.points: one row per target and date with level, cumulative, factor, status, yoy growth.
CREATE OR REPLACE TABLE points AS
WITH best_candidates AS (
  SELECT *, row_number() OVER (PARTITION BY value_kind, plan_id, region_code, indicator_code, period_end
                               ORDER BY scope_rank, period_start DESC) AS _rank
  FROM candidates
  WHERE (value_kind = 'cumulative' AND period_start = plan_start AND value IS NOT NULL)
     OR (value_kind = 'avg_annual_growth' AND period_start = plan_start AND measure_type = 'growth_rate' AND value IS NOT NULL)
     OR value_kind = 'status'
     OR (value_kind = 'growth_rate' AND NOT full_year AND value IS NOT NULL)),
best AS (SELECT *, period_end AS as_of FROM best_candidates WHERE _rank = 1),
published_cumulative AS (SELECT plan_id, region_code, indicator_code, as_of, value AS cumulative FROM best WHERE value_kind = 'cumulative'),
sums AS (
  SELECT l.plan_id, l.region_code, l.indicator_code, l.as_of, l.plan_start,
    sum(l.level) OVER w AS _sum, count(*) OVER w AS _years
  FROM levels l JOIN targets t ON t.plan_id = l.plan_id AND t.region_code = l.region_code AND t.indicator_code = l.indicator_code
  WHERE l.full_year AND t.target_kind = 'cumulative'
  WINDOW w AS (PARTITION BY l.plan_id, l.region_code, l.indicator_code ORDER BY l.as_of ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
cumulative AS (
  SELECT * FROM published_cumulative
  UNION ALL
  SELECT s.plan_id, s.region_code, s.indicator_code, s.as_of, s._sum FROM sums s
  WHERE s._years = year(s.as_of) - year(s.plan_start) + 1
    AND NOT EXISTS (SELECT 1 FROM published_cumulative p WHERE p.plan_id = s.plan_id AND p.region_code = s.region_code
                    AND p.indicator_code = s.indicator_code AND p.as_of = s.as_of)),
yearly AS (
  SELECT plan_id, region_code, indicator_code, as_of, plan_start,
    sum(ln(1 + level / 100)) OVER w AS _logsum, count(*) OVER w AS _years
  FROM levels WHERE measure_type = 'growth_rate' AND full_year
  WINDOW w AS (PARTITION BY plan_id, region_code, indicator_code ORDER BY as_of ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)),
from_yearly AS (
  SELECT plan_id, region_code, indicator_code, as_of, exp(_logsum) AS factor FROM yearly
  WHERE _years = year(as_of) - year(plan_start) + 1),
-- Periods end on a month's last day: months_between(end + 1, start) counts whole months.
from_average AS (
  SELECT plan_id, region_code, indicator_code, as_of,
    pow(value / 100 + 1, datediff('month', plan_start, period_end + INTERVAL 1 DAY) / 12.0) AS factor
  FROM best b WHERE value_kind = 'avg_annual_growth'
    AND NOT EXISTS (SELECT 1 FROM from_yearly y WHERE y.plan_id = b.plan_id AND y.region_code = b.region_code
                    AND y.indicator_code = b.indicator_code AND y.as_of = b.as_of)),
from_levels AS (
  SELECT plan_id, region_code, indicator_code, as_of, level / base_value AS factor
  FROM levels WHERE NOT (measure_type = 'growth_rate') AND base_value > 0),
factors AS (SELECT * FROM from_yearly UNION ALL SELECT * FROM from_average UNION ALL SELECT * FROM from_levels),
parts AS (
  SELECT plan_id, region_code, indicator_code, as_of, level, NULL::DOUBLE AS cumulative, NULL::DOUBLE AS factor,
    NULL::BOOLEAN AS status_met, NULL::DOUBLE AS yoy_growth FROM levels
  UNION ALL BY NAME SELECT * FROM cumulative
  UNION ALL BY NAME SELECT * FROM factors
  UNION ALL BY NAME SELECT plan_id, region_code, indicator_code, as_of, status_met FROM best WHERE value_kind = 'status'
  UNION ALL BY NAME SELECT plan_id, region_code, indicator_code, as_of, value / 100 AS yoy_growth FROM best WHERE value_kind = 'growth_rate')
SELECT plan_id, region_code, indicator_code, as_of,
  first(level) FILTER (WHERE level IS NOT NULL) AS level,
  first(cumulative) FILTER (WHERE cumulative IS NOT NULL) AS cumulative,
  first(factor) FILTER (WHERE factor IS NOT NULL) AS factor,
  first(status_met) FILTER (WHERE status_met IS NOT NULL) AS status_met,
  first(yoy_growth) FILTER (WHERE yoy_growth IS NOT NULL) AS yoy_growth
FROM parts GROUP BY ALL;

-- IndicatorProgress.build: time (ProgressFormulas.time), growth_x, the GDP reference, relevant rows,
-- the province average, and one placeholder row at the base date for a target without any.
CREATE OR REPLACE TABLE evaluated AS
WITH with_time AS (
  SELECT t.*, p.as_of, p.level, p.cumulative, p.factor, p.status_met, p.yoy_growth,
    round(datediff('month', t.plan_start, p.as_of + INTERVAL 1 DAY) / 12.0, 6) AS elapsed_years
  FROM targets t JOIN points p USING (plan_id, region_code, indicator_code)),
with_growth AS (
  SELECT *,
    CASE WHEN month(as_of) = 12 AND day(as_of) = 31
         THEN (CASE WHEN factor > 0 AND elapsed_years > 0 THEN pow(factor, 1.0 / elapsed_years) - 1 END)
         ELSE yoy_growth END AS growth_x
  FROM with_time),
economy AS (SELECT plan_id AS _ep, as_of AS _ea, growth_x AS growth_ref FROM with_growth WHERE indicator_code = 'gdp'),
relevant AS (
  SELECT * FROM with_growth
  WHERE CASE WHEN target_kind IN ('level', 'above_province_average') THEN level IS NOT NULL
             WHEN target_kind IN ('ceiling', 'floor', 'maintain') THEN level IS NOT NULL OR status_met IS NOT NULL
             WHEN target_kind = 'cumulative' THEN cumulative IS NOT NULL
             WHEN target_kind = 'annual_growth' THEN factor IS NOT NULL
             WHEN target_kind = 'sync_with_economy' THEN growth_x IS NOT NULL
             WHEN target_kind = 'assigned' THEN status_met IS NOT NULL
             ELSE false END),
province AS (
  SELECT r.region_code AS _rc,
    CASE WHEN pr.level = 'province' THEN pr.region_code WHEN g.level = 'province' THEN g.region_code END AS _province
  FROM region r LEFT JOIN region pr ON r.parent_code = pr.region_code LEFT JOIN region g ON pr.parent_code = g.region_code),
averages AS (
  SELECT region_code AS _oc, indicator_code AS _oi, period_end AS _oe, value AS province_value FROM observation
  WHERE value_kind = 'level' AND value IS NOT NULL
    AND year(period_start) = year(period_end) AND dayofyear(period_start) = 1 AND month(period_end) = 12 AND day(period_end) = 31)
SELECT r.*, e.growth_ref, a.province_value
FROM relevant r
LEFT JOIN economy e ON r.plan_id = e._ep AND r.as_of = e._ea
LEFT JOIN province pv ON r.region_code = pv._rc
LEFT JOIN averages a ON pv._province = a._oc AND r.indicator_code = a._oi AND r.as_of = a._oe;

CREATE OR REPLACE TABLE progress_rows AS
SELECT * FROM evaluated
UNION ALL BY NAME
SELECT t.*, t.base_end AS as_of, round(datediff('month', t.plan_start, t.base_end + INTERVAL 1 DAY) / 12.0, 6) AS elapsed_years
FROM targets t
WHERE NOT EXISTS (SELECT 1 FROM evaluated e WHERE e.plan_id = t.plan_id AND e.region_code = t.region_code AND e.indicator_code = t.indicator_code);

-- ProgressFormulas.time, targetMet, achievementRate; ProgressRating.columns.
CREATE OR REPLACE TABLE peer_progress AS
WITH layer1 AS (
  SELECT *,
    CASE WHEN elapsed_years / plan_years IS NOT NULL THEN least(1.0, elapsed_years / plan_years) END AS elapsed_share,
    CASE WHEN direction = 'lower_better' THEN -1 ELSE 1 END AS sign,
    CASE WHEN planned_growth_kind = 'annual_growth_rate' THEN planned_growth_value / 100 END AS g,
    CASE WHEN planned_growth_kind = 'cumulative_increment' THEN planned_growth_value END AS inc
  FROM progress_rows),
layer2 AS (
  SELECT *,
    CASE WHEN direction = 'target_band' THEN round(level, 9) = round(target_value, 9)
         ELSE round(sign * (level - target_value), 9) >= 0 END AS level_met,
    CASE WHEN target_kind = 'sync_with_economy' THEN growth_x
         WHEN target_kind = 'cumulative' THEN NULL
         ELSE coalesce(
           CASE WHEN factor > 0 AND elapsed_years > 0 THEN pow(factor, 1.0 / elapsed_years) - 1 END,
           CASE WHEN level > 0 AND base_value > 0 AND elapsed_years > 0 THEN pow(level / base_value, 1.0 / elapsed_years) - 1 END)
    END AS past_cagr
  FROM layer1),
layer3 AS (
  SELECT *,
    CASE target_kind
      WHEN 'level' THEN level_met
      WHEN 'cumulative' THEN round(cumulative, 9) >= round(target_value, 9)
      WHEN 'annual_growth' THEN round(past_cagr, 9) >= round(g, 9)
      WHEN 'ceiling' THEN CASE WHEN level IS NOT NULL THEN round(level, 9) <= round(target_value, 9) ELSE status_met END
      WHEN 'floor' THEN CASE WHEN level IS NOT NULL THEN round(level, 9) >= round(target_value, 9) ELSE status_met END
      WHEN 'maintain' THEN CASE WHEN level IS NOT NULL THEN level_met ELSE status_met END
      WHEN 'sync_with_economy' THEN round(growth_x, 9) >= round(growth_ref - ${sync_tolerance}, 9)
      WHEN 'above_province_average' THEN
        CASE WHEN province_value IS NOT NULL THEN level > province_value
             WHEN inc IS NOT NULL THEN round(level - base_value, 9) >= round(inc, 9) END
      WHEN 'assigned' THEN status_met
    END AS target_met
  FROM layer2),
layer4 AS (
  SELECT *,
    CASE
      WHEN target_kind = 'level' THEN
        CASE WHEN base_value IS NULL THEN NULL WHEN target_met THEN 1.0
             ELSE (level - base_value) / NULLIF(target_value - base_value, 0) END
      -- atMostOne: least() skips nulls in both engines, so null stays null explicitly
      WHEN target_kind = 'cumulative' THEN
        CASE WHEN cumulative / NULLIF(target_value, 0) IS NOT NULL THEN least(1.0, cumulative / NULLIF(target_value, 0)) END
      WHEN target_kind = 'annual_growth' THEN
        CASE WHEN g > 0 AND factor > 0 AND plan_years * ln(g + 1) <> 0 THEN least(1.0, ln(factor) / (plan_years * ln(g + 1))) END
      WHEN target_kind = 'above_province_average' AND province_value IS NULL AND inc IS NOT NULL THEN
        CASE WHEN target_met THEN 1.0 ELSE (level - base_value) / NULLIF(inc, 0) END
      ELSE CASE WHEN target_met THEN 1.0 WHEN target_met = false THEN 0.0 END
    END AS achievement_rate
  FROM layer3)
SELECT plan_id, region_code, indicator_code, as_of, target_kind, target_met,
  round(achievement_rate, 10) AS achievement_rate,
  round(elapsed_share, 10) AS elapsed_share,
  CASE WHEN round(achievement_rate, 9) IS NULL THEN NULL
       WHEN round(achievement_rate, 9) >= round(least(1.0, elapsed_share + ${rating_band}), 9) THEN 'ahead'
       WHEN round(achievement_rate, 9) >= round(elapsed_share - ${rating_band}, 9) THEN 'normal'
       ELSE 'slow' END AS progress_status
FROM layer4;
