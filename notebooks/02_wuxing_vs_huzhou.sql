-- =====================================================================================================
-- Notebook 2: Wuxing against Huzhou | 吴兴区与湖州市对比
--
-- The district's 14th five-year plan beside the city's, indicator by indicator (the same indicator code
-- means the same definition and unit), the district's weight in the city, and how Wuxing finished its
-- 13th plan. Run it: bin/planwatch-beeline -u jdbc:hive2://127.0.0.1:10000/default -f notebooks/02_wuxing_vs_huzhou.sql
--
-- What it shows for the curated datasets (checked by ServeEndToEndTest):
-- expect: 752.8
-- expect: 23.5
-- expect: no actual after the 2020 base yet
-- expect: Per capita disposable income of urban residents
-- =====================================================================================================


-- 1. Targets side by side, 2020 -> 2025 | “十四五”目标对比
--    Planned annual growth in percent; a district growing slower than the city on an additive indicator
--    leaves more to the rest of the city.
WITH latest AS (SELECT * FROM bi.fact_progress WHERE is_latest)
SELECT coalesce(h.indicator_code, w.indicator_code) AS indicator_code,
       coalesce(h.indicator_name, w.indicator_name) AS indicator_name,
       h.unit                                      AS huzhou_unit,
       h.base_value                                AS huzhou_2020,
       h.target_value                              AS huzhou_target,
       h.planned_annual_growth_percent             AS huzhou_planned_growth_pct,
       w.unit                                      AS wuxing_unit,
       w.base_value                                AS wuxing_2020,
       w.target_value                              AS wuxing_target,
       w.planned_annual_growth_percent             AS wuxing_planned_growth_pct,
       round(w.planned_annual_growth_percent - h.planned_annual_growth_percent, 1) AS wuxing_minus_huzhou_points
FROM (SELECT * FROM latest WHERE plan_id = 'huzhou_14') h
JOIN (SELECT * FROM latest WHERE plan_id = 'wuxing_14') w USING (indicator_code)
ORDER BY indicator_code;


-- 2. Wuxing's weight in the city at the 2020 base, additive indicators | 2020年吴兴占全市比重（可加总指标）
SELECT h.indicator_code,
       h.indicator_name,
       h.unit,
       w.base_value                                  AS wuxing_2020,
       h.base_value                                  AS huzhou_2020,
       round(100 * w.base_value / h.base_value, 1)   AS wuxing_share_pct,
       array_join(transform(sequence(1, 20), i ->
         CASE WHEN i * 5 <= 100 * w.base_value / h.base_value THEN '█' ELSE '·' END), '') AS chart
FROM (SELECT * FROM bi.fact_progress WHERE is_latest AND plan_id = 'huzhou_14') h
JOIN (SELECT * FROM bi.fact_progress WHERE is_latest AND plan_id = 'wuxing_14') w USING (indicator_code)
JOIN bi.dim_indicator i ON i.indicator_key = h.indicator_key
JOIN silver.indicator si ON si.plan_id = i.plan_id AND si.indicator_code = i.indicator_code
WHERE si.is_additive AND h.unit = w.unit AND h.base_year = w.base_year
ORDER BY wuxing_share_pct DESC;


-- 3. Progress side by side at the latest evaluation | 最新评估进度对比
--    Wuxing's 14th plan has no actual after its 2020 base in the datasets yet: its targets show as not
--    evaluable with the reason, and the city's rating stands alone.
SELECT h.indicator_code,
       h.indicator_name,
       h.as_of                     AS huzhou_as_of,
       h.achievement_percent       AS huzhou_achieved_pct,
       h.progress_status           AS huzhou_status,
       w.as_of                     AS wuxing_as_of,
       w.achievement_percent       AS wuxing_achieved_pct,
       coalesce(w.progress_status, w.not_evaluable_reason) AS wuxing_status
FROM (SELECT * FROM bi.fact_progress WHERE is_latest AND plan_id = 'huzhou_14') h
JOIN (SELECT * FROM bi.fact_progress WHERE is_latest AND plan_id = 'wuxing_14') w USING (indicator_code)
ORDER BY h.indicator_code;


-- 4. How Wuxing finished its 13th plan (2016-2020) | 吴兴“十三五”规划完成情况
SELECT f.plan_id,
       f.indicator_name,
       f.unit,
       f.base_value         AS value_2015,
       f.target_value       AS target_2020,
       f.actual_value       AS actual_2020,
       f.achievement_percent,
       f.target_met
FROM bi.fact_progress f
WHERE f.plan_id = 'wuxing_13' AND f.is_latest AND f.evaluable
ORDER BY f.target_met, f.achievement_percent;
