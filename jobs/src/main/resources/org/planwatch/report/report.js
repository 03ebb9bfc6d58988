// Draws the dashboard's charts from the #dashboard-data block with Apache ECharts (inlined above).
// Every chart renders as SVG, without animation, so that what is drawn is in the DOM at once; when
// all charts have reported ECharts' 'finished' event, <body> gets data-charts-finished (the test and
// the screenshot wait for it).
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var STATUS = [
    { code: 'ahead', zh: '进度超前', en: 'ahead', color: '#2e7d32' },
    { code: 'normal', zh: '进度正常', en: 'on schedule', color: '#1565c0' },
    { code: 'slow', zh: '进度偏慢', en: 'behind', color: '#e65100' },
    { code: null, zh: '不可评估', en: 'not evaluable', color: '#9e9e9e' }
  ];
  var STATUS_COLOR = {};
  STATUS.forEach(function (s) { STATUS_COLOR[s.code] = s.color; });
  var ROW_HEIGHT = 34;

  function regionOf(code) {
    return data.regions.filter(function (r) { return r.regionCode === code; })[0];
  }
  function pct(v) { return v == null ? '–' : (v * 100).toFixed(1) + '%'; }
  function num(v) { return v == null ? '–' : (Math.round(v * 100) / 100).toString(); }
  function title(zh, en) {
    return { text: zh, subtext: en, left: 10, top: 6, textStyle: { fontSize: 15 }, subtextStyle: { fontSize: 12 } };
  }
  // Category axis labels: Chinese name, English name below in grey.
  function nameAxis(items) {
    return {
      type: 'category', inverse: true,
      data: items.map(function (i) { return { value: i.code, zh: i.nameZh, en: i.nameEn }; }),
      axisLabel: {
        formatter: function (code) {
          var i = items.filter(function (x) { return x.code === code; })[0];
          var en = (i.nameEn || '').length > 34 ? i.nameEn.slice(0, 32) + '…' : (i.nameEn || '');
          return '{zh|' + i.nameZh + '}\n{en|' + en + '}';
        },
        rich: { zh: { fontSize: 12, color: '#222' }, en: { fontSize: 10, color: '#888' } }
      }
    };
  }
  function heightFor(rows) { return Math.max(240, 110 + rows * ROW_HEIGHT); }

  var builders = {
    status: function (el) {
      var r = regionOf(el.dataset.region);
      var c = r.counts;
      var values = [c.ahead, c.normal, c.slow, c.notEvaluable];
      return {
        title: title(r.nameZh + ' 进度评价分布', r.nameEn + ': indicators by progress status (' + (c.ahead + c.normal + c.slow + c.notEvaluable) + ')'),
        tooltip: { trigger: 'item' },
        legend: { bottom: 4 },
        series: [{
          type: 'pie', radius: ['38%', '62%'], center: ['50%', '55%'],
          label: { formatter: '{b}\n{c}' },
          data: STATUS.map(function (s, k) {
            return { name: s.zh + ' ' + s.en, value: values[k], itemStyle: { color: s.color } };
          }).filter(function (d) { return d.value > 0; })
        }]
      };
    },

    achievement: function (el) {
      var r = regionOf(el.dataset.region);
      var items = r.indicators.filter(function (i) { return i.achievementRate != null; });
      if (!items.length) { return null; }
      el.style.height = heightFor(items.length) + 'px';
      return {
        title: title(r.nameZh + ' 实现度与时间进度', r.nameEn + ': achievement rate (bar) against elapsed share of the plan period (mark)'),
        tooltip: {
          trigger: 'axis', axisPointer: { type: 'shadow' },
          formatter: function (ps) {
            var i = items[ps[0].dataIndex];
            return i.nameZh + '<br>' + i.nameEn + '<br>实现度 achievement ' + pct(i.achievementRate) + '<br>时间进度 elapsed ' + pct(i.elapsedShare)
              + '<br>' + (i.statusZh || '') + ' ' + (i.statusEn || '') + ' · ' + i.asOf;
          }
        },
        legend: { top: 50, data: ['实现度 achievement', '时间进度 elapsed share'] },
        grid: { left: 230, right: 60, top: 90, bottom: 30 },
        // Indicators moving away from their target can reach -400%: the axis stops at -100%, the label keeps the figure.
        xAxis: {
          type: 'value', max: 1, min: function (extent) { return Math.max(Math.min(extent.min, 0), -1); },
          axisLabel: { formatter: function (v) { return Math.round(v * 100) + '%'; } }
        },
        yAxis: nameAxis(items),
        series: [
          {
            name: '实现度 achievement', type: 'bar', barWidth: 14, itemStyle: { color: '#78909c' },
            data: items.map(function (i) {
              return {
                value: i.achievementRate, itemStyle: { color: STATUS_COLOR[i.status] },
                label: i.achievementRate < 0 ? { position: 'insideLeft', color: '#fff' } : {}
              };
            }),
            label: { show: true, position: 'right', formatter: function (p) { return pct(p.value); }, fontSize: 10 }
          },
          {
            name: '时间进度 elapsed share', type: 'scatter', symbol: 'rect', symbolSize: [3, 22], itemStyle: { color: '#333' },
            data: items.map(function (i) { return i.elapsedShare; })
          }
        ]
      };
    },

    'growth-rate': function (el) {
      var r = regionOf(el.dataset.region);
      var items = r.indicators.filter(function (i) { return !isLinear(i) && (i.pastCagr != null || i.requiredCagr != null); });
      return growthChart(el, r, items, 'pastCagr', 'requiredCagr', 'plannedCagr',
        '年均增速：已实现与所需', ': average annual growth, past against required for the years left (%)', pct);
    },

    'growth-points': function (el) {
      var r = regionOf(el.dataset.region);
      var items = r.indicators.filter(function (i) {
        return isLinear(i) && i.unit === '%' && (i.pastAnnualIncrement != null || i.requiredAnnualIncrement != null);
      });
      return growthChart(el, r, items, 'pastAnnualIncrement', 'requiredAnnualIncrement', 'plannedAnnualIncrement',
        '年均增量（百分点）：已实现与所需', ': yearly change of percentage indicators in points, past against required', num);
    },

    'status-share': function () {
      var regions = data.regions;
      return {
        title: title('各区划进度评价构成', 'Share of indicators by progress status, per region (from gold.indicator_progress)'),
        tooltip: { trigger: 'item', formatter: function (p) { return p.seriesName + '<br>' + p.name + ': ' + p.data.count + ' (' + pct(p.value) + ')'; } },
        legend: { bottom: 4 },
        grid: { left: 120, right: 30, top: 70, bottom: 60 },
        xAxis: { type: 'value', max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + '%'; } } },
        yAxis: { type: 'category', inverse: true, data: regions.map(function (r) { return r.nameZh + '\n' + r.nameEn; }) },
        series: STATUS.map(function (s) {
          var key = s.code == null ? 'notEvaluable' : s.code;
          return {
            name: s.zh + ' ' + s.en, type: 'bar', stack: 'all', itemStyle: { color: s.color },
            label: { show: true, formatter: function (p) { return p.data.count > 0 ? String(p.data.count) : ''; } },
            data: regions.map(function (r) {
              var total = r.counts.ahead + r.counts.normal + r.counts.slow + r.counts.notEvaluable;
              return { value: total ? r.counts[key] / total : 0, count: r.counts[key] };
            })
          };
        })
      };
    },

    'planned-pace': function (el) {
      var pairs = data.comparison.pairs.filter(function (p) {
        return (p.ambitionMeasure === 'cagr' || p.ambitionMeasure === 'average_year_vs_base') && p.cityPlannedPace != null && p.districtPlannedPace != null;
      });
      if (!pairs.length) { return null; }
      el.style.height = heightFor(pairs.length) + 'px';
      return pairChart(pairs, 'districtPlannedPace', 'cityPlannedPace', '规划年均增速：区县与全市', 'Planned average annual growth, district against city');
    },

    'pair-achievement': function (el) {
      var pairs = data.comparison.pairs.filter(function (p) { return p.cityAchievementRate != null && p.districtAchievementRate != null; });
      if (!pairs.length) { return null; }
      el.style.height = heightFor(pairs.length) + 'px';
      return pairChart(pairs, 'districtAchievementRate', 'cityAchievementRate', '实现度：区县与全市', 'Achievement rate, district against city');
    }
  };

  function isLinear(i) { return i.growthModel === 'linear'; }

  function growthChart(el, r, items, past, required, planned, zh, en, format) {
    if (!items.length) { return null; }
    el.style.height = heightFor(items.length) + 'px';
    var percent = format === pct;
    return {
      title: title(r.nameZh + ' ' + zh, r.nameEn + en),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: format },
      legend: { top: 50 },
      grid: { left: 230, right: 60, top: 90, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: function (v) { return percent ? Math.round(v * 1000) / 10 + '%' : v; } } },
      yAxis: nameAxis(items),
      series: [
        { name: '已实现 past', type: 'bar', barGap: 0, barMaxWidth: 12, itemStyle: { color: '#78909c' }, data: items.map(function (i) { return i[past]; }) },
        { name: '所需 required', type: 'bar', barMaxWidth: 12, itemStyle: { color: '#ef6c00' }, data: items.map(function (i) { return i[required]; }) },
        { name: '规划 planned', type: 'scatter', symbol: 'diamond', symbolSize: 10, itemStyle: { color: '#222' }, data: items.map(function (i) { return i[planned]; }) }
      ]
    };
  }

  function pairChart(pairs, district, city, zh, en) {
    var items = pairs.map(function (p) { return { code: p.districtCode + ':' + p.canonicalCode, nameZh: p.districtIndicatorNameZh || p.cityIndicatorNameZh, nameEn: p.indicatorNameEn }; });
    return {
      title: title(zh, en),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: pct },
      legend: { top: 50 },
      grid: { left: 230, right: 60, top: 90, bottom: 30 },
      xAxis: { type: 'value', axisLabel: { formatter: function (v) { return Math.round(v * 1000) / 10 + '%'; } } },
      yAxis: nameAxis(items),
      series: [
        { name: '区县 ' + pairs[0].districtNameZh + ' ' + (pairs[0].districtNameEn || ''), type: 'bar', barMaxWidth: 12, itemStyle: { color: '#00897b' }, data: pairs.map(function (p) { return p[district]; }) },
        { name: '全市 city', type: 'bar', barMaxWidth: 12, itemStyle: { color: '#5c6bc0' }, data: pairs.map(function (p) { return p[city]; }) }
      ]
    };
  }

  var elements = Array.prototype.slice.call(document.querySelectorAll('.chart[data-chart]'));
  var charts = [];
  elements.forEach(function (el) {
    var option = builders[el.dataset.chart](el);
    if (!option) {
      el.classList.add('empty');
      el.textContent = '本图无数据 No data for this chart (' + el.dataset.chart + ')';
      return;
    }
    option.animation = false;
    option.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
    charts.push({ el: el, option: option });
  });
  document.body.dataset.chartsExpected = String(charts.length);
  var finished = 0;
  charts.forEach(function (c) {
    var chart = echarts.init(c.el, null, { renderer: 'svg' });
    chart.on('finished', function once() {
      chart.off('finished', once);
      c.el.dataset.drawn = 'true';
      finished += 1;
      if (finished === charts.length) { document.body.dataset.chartsFinished = String(finished); }
    });
    chart.setOption(c.option);
    window.addEventListener('resize', function () { chart.resize(); });
  });
  if (!charts.length) { document.body.dataset.chartsFinished = '0'; }
})();
