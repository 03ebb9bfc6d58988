-- =====================================================================================================
-- Notebook 3: drill-down on one indicator | 单项指标深入分析
--
-- One indicator of one plan: every actual since the base against the path the plan implies, the
-- achievement at each evaluation, and the growth still required. Choose the indicator with the two SET
-- lines (codes: SELECT indicator_key, indicator_name FROM bi.dim_indicator).
-- Run it: bin/planwatch-beeline -u jdbc:hive2://127.0.0.1:10000/default -f notebooks/03_indicator_drilldown.sql
--
-- What it shows for Huzhou GDP (checked by ServeEndToEndTest): 3201.4 (2020) -> 3850 (2022) -> target 5000.
-- expect: 3201.4
-- expect: 3850.0
-- expect: 3500.0
-- expect: 36.1
-- =====================================================================================================

SET planwatch.notebook.plan = huzhou_14;
SET planwatch.notebook.indicator = gdp;


-- 1. The target | 目标
SELECT i.indicator_name, i.indicator_name_zh, i.unit, i.category, i.attribute, i.direction, i.growth_model,
       f.base_year, f.base_value, f.target_year, f.target_value, f.target_text, f.planned_annual_growth_percent
FROM bi.dim_indicator i
JOIN bi.fact_progress f USING (indicator_key)
WHERE i.plan_id = '${planwatch.notebook.plan}' AND i.indicator_code = '${planwatch.notebook.indicator}' AND f.is_latest;


-- 2. Trajectory: actuals against the planned path | 轨迹：实际值与规划路径
--    The planned path runs from the base to the target: geometric for indicators that grow by a rate
--    (compound), straight for those that move in points (linear); without a target value, at the planned
--    annual growth. Chart: █ per 5% of the target value, ▏ where the planned path is.
WITH target AS (
  SELECT f.*, i.growth_model FROM bi.fact_progress f JOIN bi.dim_indicator i USING (indicator_key)
  WHERE f.plan_id = '${planwatch.notebook.plan}' AND f.indicator_code = '${planwatch.notebook.indicator}' AND f.is_latest
), path AS (
  SELECT t.*, y AS year,
         CASE WHEN t.target_value IS NOT NULL AND t.growth_model = 'compound'
              THEN t.base_value * power(t.target_value / t.base_value, (y - t.base_year) / (t.target_year - t.base_year))
              WHEN t.target_value IS NOT NULL
              THEN t.base_value + (t.target_value - t.base_value) * (y - t.base_year) / (t.target_year - t.base_year)
              ELSE t.base_value * power(1 + t.planned_annual_growth_percent / 100, y - t.base_year) END AS planned_value
  FROM target t LATERAL VIEW explode(sequence(t.base_year, t.target_year)) years AS y
), actual AS (
  SELECT p.*, coalesce(o.value, CASE WHEN p.year = p.base_year THEN p.base_value END) AS actual_value_of_year
  FROM path p
  LEFT JOIN silver.observation o
    ON o.region_code = p.region_code AND o.indicator_code = p.indicator_code
   AND year(o.period_end) = p.year AND month(o.period_end) = 12 AND o.value_kind = 'level'
)
SELECT year,
       actual_value_of_year                              AS actual,
       round(planned_value, 1)                           AS planned_path,
       round(actual_value_of_year - planned_value, 1)    AS actual_minus_path,
       array_join(transform(sequence(1, 20), i ->
         CASE WHEN i * 5 <= 100 * actual_value_of_year / target_value THEN '█'
              WHEN i = cast(round(20 * planned_value / target_value) AS INT) THEN '▏'
              ELSE '·' END), '')                          AS chart
FROM actual
ORDER BY year;


-- 3. Achievement and required growth at each evaluation | 各评估时点的实现度与所需增速
--    required above planned: the rest of the period must grow faster than the plan assumed.
SELECT f.as_of,
       f.actual_value,
       f.achievement_percent,
       f.elapsed_time_percent,
       f.progress_status,
       f.past_annual_growth_percent,
       f.planned_annual_growth_percent,
       f.required_annual_growth_percent,
       f.required_to_planned,
       f.projected_end_value,
       f.expected_attainment
FROM bi.fact_progress f
WHERE f.plan_id = '${planwatch.notebook.plan}' AND f.indicator_code = '${planwatch.notebook.indicator}'
ORDER BY f.as_of;
