-- =====================================================================================================
-- Notebook 1: progress overview | 规划实施进度总览
--
-- Where each plan stands at its latest evaluation: how many targets are ahead, normal or slow against
-- the time elapsed, and a chart of every indicator's achievement (实现度) against elapsed time.
-- Open it: docs/notebooks.md. Run it: bin/planwatch-beeline -u jdbc:hive2://127.0.0.1:10000/default -f notebooks/01_progress_overview.sql
-- It reads the bi views (docs/bi.md); percentages are already in percent (36.1 = 36.1%).
--
-- What it shows for the curated datasets as of 2023-12-31 (checked by ServeEndToEndTest):
-- expect: Huzhou City
-- expect: 进度偏慢
-- expect: Gross domestic product
-- expect: ███████▏············
-- =====================================================================================================


-- 1. Ratings per plan at the latest evaluation | 各规划最新评估的进度评价分布
--    ahead/normal/slow compare the achievement with the time elapsed (±5 points); targets that cannot be
--    evaluated yet (no actual after the base, a province average needed) are counted apart.
SELECT r.region_name,
       f.plan_id,
       coalesce(f.progress_status_en, 'not evaluable') AS progress_status,
       coalesce(f.progress_status_zh, '暂不能评估')    AS progress_status_zh,
       count(*)                                      AS targets
FROM bi.fact_progress f
JOIN bi.dim_region r USING (region_code)
WHERE f.is_latest
GROUP BY r.region_name, f.plan_id, f.progress_status_en, f.progress_status_zh
ORDER BY f.plan_id, targets DESC;


-- 2. Chart: achievement against elapsed time, Huzhou's 14th plan | 图：实现度与时间进度（湖州“十四五”）
--    One cell = 5 points of achievement: █ achieved, · still to go, ▏ where the elapsed time is;
--    a bar that stops left of ▏ is behind time. Slowest first.
SELECT f.indicator_name,
       f.as_of,
       f.achievement_percent                                  AS achieved_pct,
       f.elapsed_time_percent                                 AS time_pct,
       f.progress_status,
       array_join(transform(sequence(1, 20), i ->
         CASE WHEN i = cast(round(f.elapsed_time_percent / 5) AS INT) AND i * 5 > f.achievement_percent THEN '▏'
              WHEN i * 5 <= f.achievement_percent THEN '█'
              ELSE '·' END), '')                             AS chart
FROM bi.fact_progress f
WHERE f.is_latest AND f.evaluable AND f.plan_id = 'huzhou_14'
ORDER BY f.ahead_of_time_points, f.indicator_name;


-- 3. Chart: ratings by category | 图：按一级指标的进度评价
--    One ■ per target.
SELECT i.category,
       i.category_zh,
       sum(CASE WHEN f.progress_status = 'ahead'  THEN 1 ELSE 0 END) AS ahead,
       sum(CASE WHEN f.progress_status = 'normal' THEN 1 ELSE 0 END) AS normal,
       sum(CASE WHEN f.progress_status = 'slow'   THEN 1 ELSE 0 END) AS slow,
       concat(repeat('■', sum(CASE WHEN f.progress_status = 'ahead' THEN 1 ELSE 0 END)), ' / ',
              repeat('■', sum(CASE WHEN f.progress_status = 'normal' THEN 1 ELSE 0 END)), ' / ',
              repeat('■', sum(CASE WHEN f.progress_status = 'slow' THEN 1 ELSE 0 END))) AS `ahead / normal / slow`
FROM bi.fact_progress f
JOIN bi.dim_indicator i USING (indicator_key)
WHERE f.is_latest AND f.evaluable AND f.plan_id = 'huzhou_14'
GROUP BY i.category, i.category_zh
ORDER BY slow DESC, i.category;


-- 4. The slow targets and what they now need | 进度偏慢的指标及所需增速
SELECT f.indicator_name,
       f.indicator_name_zh,
       f.unit,
       f.actual_value,
       f.target_value,
       f.achievement_percent,
       f.elapsed_time_percent,
       f.past_annual_growth_percent,
       f.required_annual_growth_percent,
       f.expected_attainment
FROM bi.fact_progress f
WHERE f.is_latest AND f.progress_status = 'slow'
ORDER BY f.plan_id, f.ahead_of_time_points;
