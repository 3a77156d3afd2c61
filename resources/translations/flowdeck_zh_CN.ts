<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Comparison</name>
    <message>
        <location filename="../../widgets/comparison.py" line="68"/>
        <source>{name} (85th percentile)</source>
        <translation>{name}（第 85 百分位）</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="136"/>
        <location filename="../../widgets/comparison.py" line="142"/>
        <source>no change</source>
        <translation>无变化</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="138"/>
        <source>{delta} (from 0)</source>
        <translation>{delta}（从 0 起）</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="148"/>
        <source>{change} (better)</source>
        <translation>{change}（改善）</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="149"/>
        <source>{change} (worse)</source>
        <translation>{change}（变差）</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="170"/>
        <source>First 8 weeks vs last 8 weeks of the data</source>
        <translation>数据的前 8 周 对比 最后 8 周</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="171"/>
        <source>Previous 4 weeks vs last 4 weeks</source>
        <translation>前 4 周 对比 最近 4 周</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="172"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="185"/>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="186"/>
        <source>Pick two periods and press Compare.</source>
        <translation>选择两个时间段，然后点击“对比”。</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="192"/>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="193"/>
        <location filename="../../widgets/comparison.py" line="217"/>
        <source>Before</source>
        <translation>之前</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="194"/>
        <location filename="../../widgets/comparison.py" line="218"/>
        <source>After</source>
        <translation>之后</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="195"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="196"/>
        <source>Target (judged on After)</source>
        <translation>目标（按“之后”判定）</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="206"/>
        <source>Select a row to read how its figure is defined.</source>
        <translation>选中一行即可查看该指标的定义。</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="212"/>
        <source>Periods</source>
        <translation>时间段</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="262"/>
        <source>Each period must end after it starts.</source>
        <translation>每个时间段的结束日期必须晚于开始日期。</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="264"/>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="270"/>
        <source>Before: {b0} – {b1}   After: {a0} – {a1}   (upper bounds exclusive)</source>
        <translation>之前：{b0} – {b1}   之后：{a0} – {a1}   （不含结束日）</translation>
    </message>
    <message>
        <location filename="../../widgets/comparison.py" line="288"/>
        <source>{target}: {mark}</source>
        <translation>{target}：{mark}</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <location filename="../../app/controllers/tasks.py" line="78"/>
        <source>The metrics engine is not available in this build ({module} is missing).</source>
        <translation>此版本中没有指标引擎（缺少 {module}）。</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <location filename="../../app/documents.py" line="93"/>
        <source>interpolated</source>
        <extracomment>First characters that make Excel/LibreOffice evaluate a cell (OWASP CSV injection), plus tab/CR.</extracomment>
        <translation>插值</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="94"/>
        <source>lower (as DevLake)</source>
        <translation>下中位数（同 DevLake）</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="95"/>
        <source>calendar time</source>
        <translation>日历时间</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="96"/>
        <source>working time</source>
        <translation>工作时间</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="99"/>
        <source>Median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="100"/>
        <source>DORA definitions</source>
        <translation>DORA 定义</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="101"/>
        <source>Durations</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="104"/>
        <source>{name}: {value}</source>
        <translation>{name}：{value}</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="112"/>
        <source>Since the baseline</source>
        <translation>与基线相比</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="113"/>
        <source>Baseline {b0} – {b1}; now {n0} – {n1} (local time, ends exclusive); stream {stream}.</source>
        <translation>基线 {b0} – {b1}；当前 {n0} – {n1}（本地时间，不含结束时刻）；价值流 {stream}。</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="137"/>
        <location filename="../../app/documents.py" line="156"/>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="138"/>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="139"/>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="140"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="141"/>
        <location filename="../../app/documents.py" line="150"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="142"/>
        <source>Target met?</source>
        <translation>是否达标</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="143"/>
        <source>DORA tier</source>
        <translation>DORA 级别</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="150"/>
        <source>Tier</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="156"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="164"/>
        <location filename="../../app/documents.py" line="245"/>
        <source>Flowdeck report</source>
        <translation>Flowdeck 报告</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="166"/>
        <source>No data.</source>
        <translation>无数据。</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="168"/>
        <source>Window {start} – {end} (local time, end exclusive); as of {as_of}.</source>
        <translation>时间窗口 {start} – {end}（本地时间，不含结束时刻）；截至 {as_of}。</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="176"/>
        <source>Definitions in use</source>
        <translation>采用的定义</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="181"/>
        <source>Stream {name}</source>
        <translation>价值流 {name}</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="182"/>
        <source>{completed} completed · {lead} median {median}, p85 {p85} · flow efficiency {eff} · WIP {wip} · bottleneck {bottleneck}</source>
        <translation>已完成 {completed} · {lead}中位数 {median}，p85 {p85} · 流动效率 {eff} · 在制品 {wip} · 瓶颈 {bottleneck}</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="221"/>
        <source>What the figures mean</source>
        <translation>指标含义</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="197"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="198"/>
        <source>Items</source>
        <translation>工作项</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="199"/>
        <source>Wait (median)</source>
        <translation>等待时间（中位数）</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="200"/>
        <source>Process (median)</source>
        <translation>处理时间（中位数）</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="201"/>
        <source>WIP</source>
        <translation>在制品</translation>
    </message>
    <message>
        <location filename="../../app/documents.py" line="217"/>
        <source>Continuous delivery</source>
        <translation>持续交付</translation>
    </message>
</context>
<context>
    <name>FigureText</name>
    <message>
        <location filename="../../widgets/figure_text.py" line="35"/>
        <source>{0} days/week</source>
        <translation>每周 {0} 天</translation>
    </message>
    <message>
        <location filename="../../widgets/figure_text.py" line="45"/>
        <source>{tier} or better</source>
        <translation>{tier}或更好</translation>
    </message>
    <message>
        <location filename="../../widgets/figure_text.py" line="53"/>
        <source>– no data</source>
        <translation>– 无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/figure_text.py" line="54"/>
        <source>✓ met</source>
        <translation>✓ 达标</translation>
    </message>
    <message>
        <location filename="../../widgets/figure_text.py" line="54"/>
        <source>✗ not met</source>
        <translation>✗ 未达标</translation>
    </message>
    <message>
        <location filename="../../widgets/figure_text.py" line="70"/>
        <source>What is {name}?</source>
        <translation>什么是{name}？</translation>
    </message>
</context>
<context>
    <name>ForecastPanel</name>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="67"/>
        <source>ddd d MMM yyyy</source>
        <extracomment>The largest number of items the panel asks about (the CLI allows more; a screen needs no more). How long typing may pause before the forecast is asked for (ms): one computation per pause. Bars in a histogram at most (a count spread over hundreds of values is binned). A forecast as the panel reads it: ``stream``, ``weeks``, ``history_days``, ``history_from``, ``history_to``, ``working_days``, ``runs``, ``start``, ``items``, ``by``, ``p50``, ``p85``, ``p95`` and ``reason`` — the fields of ``data.metrics.forecast.ForecastResult``, which widgets do not import (the layer rule).</extracomment>
        <translation>yyyy年M月d日 ddd</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="86"/>
        <source>at least {n}</source>
        <translation>至少 {n} 项</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="100"/>
        <source>Computed when this page is shown.</source>
        <translation>显示本页时计算。</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="105"/>
        <source>Number of items to forecast</source>
        <translation>要预测的工作项数</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="109"/>
        <source>Date to count the items done by</source>
        <translation>统计完成工作项的截止日期</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="117"/>
        <source>Items:</source>
        <translation>工作项数：</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="120"/>
        <source>Done by:</source>
        <translation>截止日期：</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="127"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="129"/>
        <source>{p} likely</source>
        <translation>{p} 可能性</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="148"/>
        <source>days from today (day 1 is today)</source>
        <translation>自今天起的天数（第 1 天为今天）</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="149"/>
        <source>items done</source>
        <translation>完成的工作项</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="158"/>
        <source>Bars: the share of the runs ending there. Lines: 50 % (green), 85 % (orange) and 95 % (red) likely.</source>
        <translation>柱：在该处结束的模拟次数占比。线：50 %（绿）、85 %（橙）和 95 %（红）可能性。</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="191"/>
        <source>% of runs</source>
        <translation>模拟次数占比（%）</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="270"/>
        <source>working days</source>
        <translation>个工作日</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="270"/>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="274"/>
        <source>{stream}: from the daily throughput of the last {weeks} weeks ({days} {unit} with data, {first} to {last}), {runs} runs. Day 1 is {start}.</source>
        <translation>{stream}：基于最近 {weeks} 周的每日吞吐量（{days} {unit}有数据，{first} 至 {last}），模拟 {runs} 次。第 1 天为 {start}。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/forecast_panel.py" line="291"/>
        <source>The %n item(s) in progress now are done by</source>
        <translation>
            <numerusform>当前在制的 %n 个工作项完成于</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="293"/>
        <source>No item is in progress now</source>
        <translation>当前没有在制的工作项</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/forecast_panel.py" line="295"/>
        <source>%n item(s) more are done by</source>
        <translation>
            <numerusform>再完成 %n 个工作项的日期</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="297"/>
        <source>Items done from {start} to {by}</source>
        <translation>{start} 至 {by} 完成的工作项</translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="308"/>
        <source>Not forecast: {reason}</source>
        <translation>未预测：{reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/forecast_panel.py" line="310"/>
        <source>Days to finish %n item(s)</source>
        <translation>
            <numerusform>完成 %n 个工作项所需天数</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/forecast_panel.py" line="313"/>
        <source>Items done by {by}</source>
        <translation>截至 {by} 完成的工作项</translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message>
        <location filename="../../widgets/format.py" line="49"/>
        <location filename="../../widgets/format.py" line="99"/>
        <location filename="../../widgets/pipeline_tiles.py" line="68"/>
        <source>{0} min</source>
        <extracomment>Okabe-Ito colour-blind-safe palette for DORA tiers; the tier is always written out as text too.</extracomment>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="51"/>
        <location filename="../../widgets/format.py" line="74"/>
        <location filename="../../widgets/map_layout.py" line="313"/>
        <location filename="../../widgets/pipeline_tiles.py" line="70"/>
        <source>{0} h</source>
        <translation>{0} 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="52"/>
        <location filename="../../widgets/format.py" line="74"/>
        <location filename="../../widgets/format.py" line="102"/>
        <location filename="../../widgets/format.py" line="107"/>
        <location filename="../../widgets/map_layout.py" line="313"/>
        <location filename="../../widgets/pipeline_tiles.py" line="71"/>
        <source>{0} d</source>
        <translation>{0} 天</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="95"/>
        <location filename="../../widgets/pipeline_tiles.py" line="66"/>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="98"/>
        <source>{0} min {1} s</source>
        <translation>{0} 分 {1} 秒</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="101"/>
        <source>{0} h {1} min</source>
        <translation>{0} 小时 {1} 分</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="119"/>
        <source>/week</source>
        <translation>/周</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="137"/>
        <source>{Y:04d}-{m:02d}-{d:02d} {H:02d}:{M:02d}:{S:02d}</source>
        <translation>{Y}年{m}月{d}日 {H:02d}:{M:02d}:{S:02d}</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="139"/>
        <source>{Y:04d}-{m:02d}-{d:02d} {H:02d}:{M:02d}</source>
        <translation>{Y}年{m}月{d}日 {H:02d}:{M:02d}</translation>
    </message>
    <message>
        <location filename="../../widgets/format.py" line="149"/>
        <location filename="../../widgets/trend_chart.py" line="116"/>
        <source>d MMM</source>
        <translation>M月d日</translation>
    </message>
</context>
<context>
    <name>FuturePages</name>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="99"/>
        <source>Chance of meeting the {days}-day target: not forecast: {reason}</source>
        <translation>达成 {days} 天目标的概率：未预测：{reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window/future_pages.py" line="102"/>
        <source>Chance that an item starting today is done within {days} days: {chance} (each stage&apos;s time drawn from %n item(s) completed in the last {weeks} weeks).</source>
        <translation>
            <numerusform>今天开始的工作项在 {days} 天内完成的概率：{chance}（各阶段时间抽样自最近 {weeks} 周完成的 %n 个工作项）。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="165"/>
        <location filename="../../app/main_window/future_pages.py" line="483"/>
        <source>Future state</source>
        <extracomment>Weeks of throughput history the forecasts use (``data.metrics.forecast.DEFAULT_WEEKS``). The projection on screen, and how long the last one took on the GUI thread (ms). Factors asked for before the map&apos;s stages were known (``--what-if``).</extracomment>
        <translation>未来状态</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="166"/>
        <source>Forecast</source>
        <translation>预测</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="185"/>
        <source>No completed items in this window</source>
        <translation>此时间段内没有已完成的工作项</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="217"/>
        <source>Reading the items behind the map…</source>
        <translation>正在读取价值流图背后的工作项…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window/future_pages.py" line="226"/>
        <source>%n completed item(s) read in {ms} ms; each change is projected on them as you type.</source>
        <translation>
            <numerusform>已在 {ms} 毫秒内读取 %n 个已完成工作项；输入时每次修改都会基于它们重新推算。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="244"/>
        <location filename="../../app/main_window/future_pages.py" line="368"/>
        <source>Could not compute: {message}</source>
        <translation>无法计算：{message}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="295"/>
        <source>Not on this stream&apos;s map, left out: {parts}</source>
        <translation>不在此价值流图上，已忽略：{parts}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="306"/>
        <source>Nothing was saved: {message}</source>
        <translation>未保存任何内容：{message}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="320"/>
        <source>Scenario {name} saved in {path}.</source>
        <translation>情景 {name} 已保存到 {path}。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="332"/>
        <source>Scenario {name} deleted from {path}.</source>
        <translation>情景 {name} 已从 {path} 删除。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="351"/>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="385"/>
        <source>Computed in {ms} ms.</source>
        <translation>计算耗时 {ms} 毫秒。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="404"/>
        <source>Target forecast: could not compute: {message}</source>
        <translation>目标预测：无法计算：{message}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="422"/>
        <source>On screen (not saved)</source>
        <translation>当前屏幕（未保存）</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="431"/>
        <source>Future state of {stream}</source>
        <translation>{stream} 的未来状态</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="432"/>
        <source>Each stage&apos;s wait and process time scaled by the factors shown (0 removes it, 1 keeps it), projected over the items completed in the window. Target: {days} days.</source>
        <translation>各阶段的等待时间和处理时间按所示系数缩放（0 表示去掉，1 表示保持），基于时间段内已完成的工作项推算。目标：{days} 天。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="438"/>
        <source>Scenario</source>
        <translation>情景</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="439"/>
        <source>Factors</source>
        <translation>系数</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="440"/>
        <source>Lead time (median)</source>
        <translation>前置时间（中位数）</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="441"/>
        <source>Lead time (p85)</source>
        <translation>前置时间（p85）</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="442"/>
        <source>Flow efficiency</source>
        <translation>流动效率</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="443"/>
        <source>Within target</source>
        <translation>达标比例</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="448"/>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../../app/main_window/future_pages.py" line="469"/>
        <source>Not modelled per item (pipeline stages, measured per run): {parts}. Their factors change no lead time.</source>
        <translation>未按工作项建模（流水线阶段按运行计量）：{parts}。其系数不改变任何前置时间。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window/future_pages.py" line="475"/>
        <source>Projected over %n completed item(s).</source>
        <translation>
            <numerusform>基于 %n 个已完成工作项推算。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FutureState</name>
    <message>
        <location filename="../../widgets/future_state.py" line="77"/>
        <location filename="../../widgets/future_state.py" line="78"/>
        <source>{0} pt</source>
        <extracomment>The largest factor the page offers (the config accepts the same range for a saved scenario). Slider positions per unit of factor: 0.01 steps.</extracomment>
        <translation>{0} 个百分点</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="99"/>
        <source>wait</source>
        <translation>等待</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="99"/>
        <source>process</source>
        <translation>处理</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="100"/>
        <source>{stage} {part}: 0 removes it, 1 keeps it, 2 doubles it</source>
        <translation>{stage} {part}：0 表示去掉，1 表示保持，2 表示加倍</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="164"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="165"/>
        <source>Wait</source>
        <translation>等待</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="167"/>
        <source>Process</source>
        <translation>处理</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="178"/>
        <source>{stage} (per run)</source>
        <translation>{stage}（按运行）</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="180"/>
        <source>{stage} (deployments)</source>
        <translation>{stage}（部署）</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="183"/>
        <source>A pipeline stage is measured per run, not per item: its factor changes the map, not the projected lead time.</source>
        <translation>流水线阶段按运行计量，而不是按工作项：其系数只改变价值流图，不改变推算的前置时间。</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="269"/>
        <location filename="../../widgets/future_state.py" line="354"/>
        <location filename="../../widgets/future_state.py" line="357"/>
        <source>Computed when this page is shown.</source>
        <translation>显示本页时计算。</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="277"/>
        <source>Scenario name</source>
        <translation>情景名称</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="279"/>
        <source>Save scenario</source>
        <translation>保存情景</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="280"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="281"/>
        <source>Reset to now</source>
        <translation>恢复为当前</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="286"/>
        <source>Scenario:</source>
        <translation>情景：</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="297"/>
        <source>Drag a slider or type a factor from 0 to 2 for each stage&apos;s wait and process time: 0 removes it, 0.5 halves it, 1 keeps it.</source>
        <translation>拖动滑块或输入 0 到 2 之间的系数，调整各阶段的等待时间和处理时间：0 表示去掉，0.5 表示减半，1 表示保持。</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="311"/>
        <location filename="../../widgets/future_state.py" line="355"/>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="312"/>
        <location filename="../../widgets/future_state.py" line="351"/>
        <source>Future state</source>
        <translation>未来状态</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="313"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="353"/>
        <source>Future-state value-stream map</source>
        <translation>未来状态价值流图</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="392"/>
        <source>(not saved)</source>
        <translation>（未保存）</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="409"/>
        <source>Type a name for the scenario first.</source>
        <translation>请先输入情景名称。</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="426"/>
        <source>Lead time (median)</source>
        <translation>前置时间（中位数）</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="427"/>
        <source>Lead time (p85)</source>
        <translation>前置时间（p85）</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="428"/>
        <source>Flow efficiency</source>
        <translation>流动效率</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="430"/>
        <source>Items within {days} days</source>
        <translation>{days} 天内完成的工作项</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/future_state.py" line="470"/>
        <source>Projected over the %n item(s) completed in the window.</source>
        <translation>
            <numerusform>基于时间段内已完成的 %n 个工作项推算。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="476"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="478"/>
        <source>⚠ Not modelled per item: {stages}. A pipeline stage is measured per run, so its factor changes the map&apos;s boxes but no item&apos;s lead time in the figures above.</source>
        <translation>⚠ 未按工作项建模：{stages}。流水线阶段按运行计量，因此其系数只改变价值流图中的方框，不改变上面数字中任何工作项的前置时间。</translation>
    </message>
    <message>
        <location filename="../../widgets/future_state.py" line="485"/>
        <source>No completed items in this window</source>
        <translation>此时间段内没有已完成的工作项</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <location filename="../../widgets/home.py" line="49"/>
        <source>First 4 weeks of the data</source>
        <translation>数据的前 4 周</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="50"/>
        <source>First 8 weeks of the data</source>
        <translation>数据的前 8 周</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="51"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="120"/>
        <location filename="../../widgets/home.py" line="245"/>
        <source>{before} → {after}</source>
        <translation>{before} → {after}</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="122"/>
        <source>DORA tier in the baseline → now</source>
        <translation>DORA 级别：基线 → 当前</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="249"/>
        <source>{name}: {values}</source>
        <translation>{name}：{values}</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="254"/>
        <source>target {target}</source>
        <translation>目标 {target}</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="269"/>
        <source>Baseline: {reason}</source>
        <translation>基线：{reason}</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="271"/>
        <source>Now: {reason}</source>
        <translation>当前：{reason}</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="287"/>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="288"/>
        <location filename="../../widgets/home.py" line="321"/>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="289"/>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="290"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="291"/>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="292"/>
        <source>Target met?</source>
        <translation>是否达标</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="293"/>
        <source>DORA tier</source>
        <translation>DORA 级别</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="294"/>
        <source>Every week</source>
        <translation>每周走势</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="302"/>
        <source>Since the baseline</source>
        <translation>与基线相比</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="303"/>
        <location filename="../../widgets/home.py" line="436"/>
        <source>Computing the story…</source>
        <translation>正在计算……</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="308"/>
        <source>The period the figures are compared with; remembered.</source>
        <translation>用来对比各项指标的时段；会被记住。</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="314"/>
        <source>Use these dates</source>
        <translation>使用这些日期</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="316"/>
        <source>Compare in detail…</source>
        <translation>详细对比…</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="317"/>
        <source>Every figure of the two periods side by side, on the Compare page.</source>
        <translation>在“对比”页并排查看两个时段的全部指标。</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="336"/>
        <source>Every week: one point per week, as known now; shaded: the baseline (blue) and now (green) weeks; dashed: the target. Hover a name for its definition, or press its “?”.</source>
        <translation>每周走势：每周一个点，按目前所知计算；阴影：基线（蓝色）和当前（绿色）的周；虚线：目标。将鼠标悬停在名称上可查看定义，或点击其旁边的“?”。</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="428"/>
        <source>The baseline must end on or after its first day.</source>
        <translation>基线的结束日期不能早于开始日期。</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="453"/>
        <source>No data to tell a story from yet.</source>
        <translation>暂无数据。</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="458"/>
        <source>Baseline {b0} – {b1} · now {n0} – {n1}, a period as long as the baseline ending as of {as_of} · stream {stream}</source>
        <translation>基线 {b0} – {b1} · 当前 {n0} – {n1}（与基线等长、截至 {as_of} 的时段）· 价值流 {stream}</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="494"/>
        <source>Continuous delivery</source>
        <translation>持续交付</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="495"/>
        <source>DORA keys</source>
        <translation>DORA 指标</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="535"/>
        <source>From [targets] in flowdeck.toml</source>
        <translation>来自 flowdeck.toml 中的目标设置</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="537"/>
        <source>Flowdeck&apos;s default target (docs/app.md)</source>
        <translation>Flowdeck 的默认目标（docs/app.md）</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="571"/>
        <source>No weekly values</source>
        <translation>没有每周数值</translation>
    </message>
    <message>
        <location filename="../../widgets/home.py" line="573"/>
        <source>Weekly from {first} to {last}: {start} → {end}</source>
        <translation>每周，{first} 至 {last}：{start} → {end}</translation>
    </message>
</context>
<context>
    <name>LeadTimeScatter</name>
    <message>
        <location filename="../../widgets/lead_time_scatter.py" line="78"/>
        <source>Lead time of each completed ticket: loading…</source>
        <translation>每个已完成工单的前置时间：加载中…</translation>
    </message>
    <message>
        <location filename="../../widgets/lead_time_scatter.py" line="85"/>
        <source>lead time (days)</source>
        <translation>前置时间（天）</translation>
    </message>
    <message>
        <location filename="../../widgets/lead_time_scatter.py" line="142"/>
        <source>Lead time of each completed ticket: none completed in this window.</source>
        <translation>每个已完成工单的前置时间：此时间范围内没有完成的工单。</translation>
    </message>
    <message>
        <location filename="../../widgets/lead_time_scatter.py" line="155"/>
        <source>{pct} %: {days}</source>
        <translation>{pct} %：{days}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/lead_time_scatter.py" line="157"/>
        <source>Lead time of each ticket completed in the window (%n ticket(s)), by completion date: 50 % took at most {p50}, 85 % at most {p85}, 95 % at most {p95}.</source>
        <translation>
            <numerusform>此时间范围内完成的每个工单的前置时间（%n 个工单），按完成日期排列：50 % 不超过 {p50}，85 % 不超过 {p85}，95 % 不超过 {p95}。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/lead_time_scatter.py" line="165"/>
        <source>{shown} dots drawn: tickets that would share a dot are drawn once.</source>
        <translation>共绘制 {shown} 个点：落在同一点上的工单只画一次。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window/pages.py" line="62"/>
        <source>Map</source>
        <translation>价值流图</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="63"/>
        <source>Scorecard</source>
        <translation>记分卡</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="64"/>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="65"/>
        <source>Pipelines</source>
        <translation>流水线</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="66"/>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="67"/>
        <source>Data quality</source>
        <translation>数据质量</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="68"/>
        <source>Maturity</source>
        <translation>成熟度</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="69"/>
        <source>Releases</source>
        <translation>发布</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="61"/>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="70"/>
        <source>Future state</source>
        <translation>未来状态</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="71"/>
        <source>Forecast</source>
        <translation>预测</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="82"/>
        <source>Home, Map, Scorecard, Trends, Pipelines, Compare, Data quality, Maturity, Releases, Future state</source>
        <extracomment>Pages computed only while shown (app.main_window.trust_pages). The future-state map and the forecasts, also computed while shown (app.main_window.future_pages). (keys, what) — also the Help → Keyboard shortcuts table.</extracomment>
        <translation>首页、价值流图、记分卡、趋势、流水线、对比、数据质量、成熟度、发布、未来状态</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="87"/>
        <source>Range: 2, 4, 13, 26 weeks, quarter to date, custom</source>
        <translation>时间范围：2、4、13、26 周，本季度至今，自定义</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="89"/>
        <source>Left / Right, Home / End</source>
        <translation>左 / 右，Home / End</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="90"/>
        <source>Move between stages on the map</source>
        <translation>在价值流图的阶段之间移动</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="93"/>
        <source>Enter or Space</source>
        <translation>Enter 或空格</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="94"/>
        <source>Open the items behind the selected stage</source>
        <translation>打开所选阶段背后的工作项</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="96"/>
        <source>Sync every source now (Esc or the status bar&apos;s Cancel stops it)</source>
        <translation>立即同步所有数据源（Esc 或状态栏的“取消”可停止）</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="97"/>
        <source>Recompute now</source>
        <translation>立即重新计算</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="98"/>
        <source>Export the current page as PNG</source>
        <translation>将当前页面导出为 PNG</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="99"/>
        <source>Export the dashboard as a PDF report</source>
        <translation>将仪表盘导出为 PDF 报告</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="100"/>
        <source>Export the selected stage&apos;s items as CSV</source>
        <translation>将所选阶段的工作项导出为 CSV</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="101"/>
        <source>Switch between light and dark theme</source>
        <translation>在浅色与深色主题之间切换</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="102"/>
        <source>This list</source>
        <translation>本列表</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="103"/>
        <location filename="../../app/main_window/window.py" line="207"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="167"/>
        <source>Future state…</source>
        <translation>未来状态…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="90"/>
        <source>Flowdeck</source>
        <extracomment>Opens the Sources dialog (called with the window).</extracomment>
        <translation>Flowdeck</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="98"/>
        <source>Add a source…</source>
        <translation>添加数据源…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="161"/>
        <source>Click a stage (or select it with the arrow keys and press Enter) to see its items.</source>
        <translation>点击一个阶段（或用方向键选中后按 Enter）查看其中的工作项。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="147"/>
        <source>Starting…</source>
        <extracomment>Facts from the report a reader needs to trust the numbers (calendar caveat, exclusions).</extracomment>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="188"/>
        <location filename="../../app/main_window/window.py" line="190"/>
        <location filename="../../app/main_window/window.py" line="196"/>
        <location filename="../../app/main_window/window.py" line="202"/>
        <location filename="../../app/main_window/window.py" line="207"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="191"/>
        <source>Export current page as PNG…</source>
        <translation>将当前页面导出为 PNG…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="197"/>
        <source>Export report as PDF…</source>
        <translation>将报告导出为 PDF…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="203"/>
        <source>Export selected stage&apos;s items as CSV…</source>
        <translation>将所选阶段的工作项导出为 CSV…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="210"/>
        <location filename="../../app/main_window/window.py" line="216"/>
        <location filename="../../app/main_window/window.py" line="218"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="216"/>
        <source>Recompute</source>
        <translation>重新计算</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="218"/>
        <source>Dark theme</source>
        <translation>深色主题</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="222"/>
        <source>&amp;Range</source>
        <translation>时间范围(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="225"/>
        <location filename="../../app/main_window/window.py" line="227"/>
        <source>&amp;Sources</source>
        <translation>数据源(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="225"/>
        <location filename="../../app/main_window/window.py" line="241"/>
        <source>Sources…</source>
        <translation>数据源…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="232"/>
        <location filename="../../app/main_window/window.py" line="234"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="371"/>
        <source>Your own store, empty until you sync: add a Jira, GitHub or GitLab issues source for the map and trends, and a CI or deployment source for pipelines, DORA and delivery figures.</source>
        <translation>您自己的数据库，同步前为空：添加 Jira、GitHub 或 GitLab 工单数据源以显示价值流图和趋势，添加 CI 或部署数据源以显示流水线、DORA 和交付指标。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/dialogs.py" line="28"/>
        <location filename="../../app/main_window/window.py" line="232"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/main_window/dialogs.py" line="51"/>
        <location filename="../../app/main_window/window.py" line="234"/>
        <source>About Flowdeck</source>
        <translation>关于 Flowdeck</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="280"/>
        <source>demo data ends {end}: &apos;now&apos; is that moment</source>
        <translation>演示数据截至 {end}：“现在”即为该时刻</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="287"/>
        <source>Demo data — a synthetic bank with three teams over 26 weeks. Nothing here is real. Add a source to see your own delivery.</source>
        <translation>演示数据——一家虚构银行的三个团队 26 周的数据，均非真实数据。添加数据源即可查看您自己的交付情况。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="306"/>
        <source>Demo data: {url}</source>
        <translation>演示数据：{url}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="306"/>
        <source>Store: {url}</source>
        <translation>数据库：{url}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="210"/>
        <source>No completed items in this window</source>
        <translation>此时间窗口内没有已完成的工作项</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="323"/>
        <source>{start} – {end} · as of {as_of} · demo data</source>
        <translation>{start} – {end} · 截至 {as_of} · 演示数据</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="325"/>
        <source>{start} – {end} · as of {as_of}</source>
        <translation>{start} – {end} · 截至 {as_of}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="339"/>
        <source>{source}: answering again</source>
        <translation>{source}：已恢复响应</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="233"/>
        <source>Could not compute: see the message above</source>
        <translation>无法计算：请查看上方的消息</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="351"/>
        <source>Working-time calendar not available: {reason}</source>
        <translation>工作时间日历不可用：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/dialogs.py" line="30"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../app/main_window/dialogs.py" line="30"/>
        <source>Does</source>
        <translation>功能</translation>
    </message>
    <message>
        <location filename="../../app/main_window/dialogs.py" line="54"/>
        <source>Flowdeck — where delivery time goes.
A value-stream dashboard over your CI and ticket systems.</source>
        <translation>Flowdeck——交付时间都花在了哪里。
基于 CI 与工单系统的价值流仪表盘。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/exports.py" line="83"/>
        <source>Demo data: synthetic, not real.</source>
        <translation>演示数据：虚构，非真实数据。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/exports.py" line="102"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/exports.py" line="107"/>
        <source>Export page as PNG</source>
        <translation>将页面导出为 PNG</translation>
    </message>
    <message>
        <location filename="../../app/main_window/exports.py" line="116"/>
        <source>Export report as PDF</source>
        <translation>将报告导出为 PDF</translation>
    </message>
    <message>
        <location filename="../../app/main_window/exports.py" line="131"/>
        <source>Export stage items as CSV</source>
        <translation>将阶段工作项导出为 CSV</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window/pages.py" line="110"/>
        <source>%n work item(s)</source>
        <translation>
            <numerusform>%n 个工作项</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window/pages.py" line="112"/>
        <source>%n change(s)</source>
        <translation>
            <numerusform>%n 个变更</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window/pages.py" line="114"/>
        <source>%n deployment(s)</source>
        <translation>
            <numerusform>%n 次部署</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="123"/>
        <source>Note: {calendar}.</source>
        <translation>注意：{calendar}。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="126"/>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../app/main_window/pages.py" line="129"/>
        <source>Excluded by decision: {listed}.</source>
        <translation>已按决定排除：{listed}。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="52"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="55"/>
        <source>Cancel sync</source>
        <translation>取消同步</translation>
    </message>
    <message>
        <location filename="../../app/main_window/window.py" line="237"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="77"/>
        <source>Nothing to sync: add a source first (Sources → Sources…). The demo data is not synced.</source>
        <translation>没有可同步的内容：请先添加数据源（数据源 → 数据源…）。演示数据不会同步。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="71"/>
        <source>This store holds the demo data: choose Use my own data (File menu or the demo banner), then add a source and sync.</source>
        <translation>此数据库存放演示数据：请选择“使用我自己的数据”（文件菜单或演示数据横幅），然后添加数据源并同步。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="82"/>
        <source>Sync {names} now (F5)</source>
        <translation>立即同步 {names}（F5）</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="103"/>
        <source>Sync: {errors}</source>
        <translation>同步：{errors}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="114"/>
        <source>updated {time}</source>
        <translation>{time} 已更新</translation>
    </message>
    <message>
        <location filename="../../app/main_window/sync_actions.py" line="116"/>
        <source>New data was noticed in the store at {when}; recomputed.</source>
        <translation>{when} 在数据库中发现新数据，已重新计算。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/own_store.py" line="48"/>
        <source>{path} is the demo store; choose another file for your own data.</source>
        <translation>{path} 是演示数据库；请为您自己的数据选择另一个文件。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/own_store.py" line="58"/>
        <source>{path} holds the demo organisation; choose another file for your own data.</source>
        <translation>{path} 存放演示组织的数据；请为您自己的数据选择另一个文件。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/report.py" line="152"/>
        <source>Wait for the sync to finish before changing the store.</source>
        <extracomment>The last pipelines and trends with the inputs they were computed from. The home page&apos;s baseline period (UTC ``[from, to)``); None: the first 4 weeks of the data.</extracomment>
        <translation>请等待同步完成后再更换数据库。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/empty_states.py" line="24"/>
        <source>No tickets synced yet: add a Jira, GitHub or GitLab issues source</source>
        <translation>尚未同步任何工单：请添加 Jira、GitHub 或 GitLab 工单数据源</translation>
    </message>
    <message>
        <location filename="../../app/main_window/empty_states.py" line="25"/>
        <source>No deployments synced yet: add a CI or deployment source</source>
        <translation>尚未同步任何部署：请添加 CI 或部署数据源</translation>
    </message>
    <message>
        <location filename="../../app/main_window/own_data.py" line="33"/>
        <source>Store for your own data</source>
        <translation>您自己数据的数据库</translation>
    </message>
    <message>
        <location filename="../../app/main_window/own_data.py" line="35"/>
        <source>Flowdeck store (*.db)</source>
        <translation>Flowdeck 数据库 (*.db)</translation>
    </message>
    <message>
        <location filename="../../app/main_window/own_data.py" line="57"/>
        <source>Use my own data</source>
        <translation>使用我自己的数据</translation>
    </message>
    <message>
        <location filename="../../app/main_window/own_data.py" line="59"/>
        <source>Create an empty store of your own and switch to it; the demo stays as it is. Then add a source and sync.</source>
        <translation>创建一个属于您自己的空数据库并切换过去；演示数据保持不变。然后添加数据源并同步。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/own_data.py" line="66"/>
        <source>Use my own data…</source>
        <translation>使用我自己的数据…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/own_data.py" line="67"/>
        <source>Choose a file for your own store and switch to it</source>
        <translation>为您自己的数据库选择一个文件并切换过去</translation>
    </message>
</context>
<context>
    <name>Maturity</name>
    <message>
        <location filename="../../widgets/maturity_view.py" line="25"/>
        <source>Deployment frequency</source>
        <translation>部署频率</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="26"/>
        <source>Lead time for changes</source>
        <translation>变更前置时间</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="27"/>
        <source>Change failure rate</source>
        <translation>变更失败率</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="28"/>
        <source>Recovery time</source>
        <translation>恢复时间</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="33"/>
        <source>elite</source>
        <extracomment>DORA tiers as the report names them, translated where shown.</extracomment>
        <translation>精英</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="34"/>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="35"/>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="36"/>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="49"/>
        <location filename="../../widgets/maturity_view.py" line="76"/>
        <source>No maturity view yet.</source>
        <translation>尚无成熟度视图。</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="52"/>
        <source>Area</source>
        <translation>领域（英文）</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="54"/>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="55"/>
        <source>Evidence</source>
        <translation>依据</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="56"/>
        <source>Why this level</source>
        <translation>评级理由</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="61"/>
        <source>DORA key</source>
        <translation>DORA 指标</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="61"/>
        <source>Tier</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/maturity_view.py" line="82"/>
        <source>Stream {stream}: {start} – {end} (end excluded), as of {as_of}</source>
        <translation>价值流 {stream}：{start} – {end}（不含结束时刻），截至 {as_of}</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <location filename="../../app/controllers/notify.py" line="40"/>
        <source>Flowdeck: {failing} failing, {running} running, {passing} passing</source>
        <translation>Flowdeck：{failing} 个失败，{running} 个运行中，{passing} 个通过</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/controllers/notify.py" line="86"/>
        <source>%n pipeline(s) changed</source>
        <translation>
            <numerusform>%n 条流水线状态变化</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Pipeline</name>
    <message>
        <location filename="../../widgets/icons.py" line="26"/>
        <source>Failed</source>
        <extracomment>Okabe-Ito colours; every state is also written out and has its own icon shape.</extracomment>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/icons.py" line="27"/>
        <source>Running</source>
        <translation>构建中</translation>
    </message>
    <message>
        <location filename="../../widgets/icons.py" line="28"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../widgets/icons.py" line="29"/>
        <source>Passed</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../widgets/icons.py" line="30"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../widgets/icons.py" line="31"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>PipelineBoard</name>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="46"/>
        <source>⚠ STALE: no answer from the source for 3 intervals</source>
        <translation>⚠ 已过时：数据源连续 3 个周期无响应</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="97"/>
        <source>running for {elapsed} · no ETA yet</source>
        <translation>已运行 {elapsed} · 暂无预计时间</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="101"/>
        <source>expected {eta}</source>
        <translation>预计 {eta}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="103"/>
        <source>{elapsed} · over by {over}</source>
        <translation>{elapsed} · 超出 {over}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="107"/>
        <source>{elapsed} of ~{eta} · {left} left</source>
        <translation>{elapsed} / 约 {eta} · 剩余 {left}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="114"/>
        <source>failed {age} ago</source>
        <extracomment>The last run&apos;s outcome with its age (&quot;failed 2 h ago&quot;); keyed by state.</extracomment>
        <translation>{age}前失败</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="115"/>
        <source>passed {age} ago</source>
        <translation>{age}前通过</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="116"/>
        <source>cancelled {age} ago</source>
        <translation>{age}前取消</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="117"/>
        <source>last run {age} ago</source>
        <translation>上次运行于 {age}前</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="127"/>
        <source>running {age}</source>
        <translation>已运行 {age}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="131"/>
        <source>queued {age}</source>
        <translation>已排队 {age}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="141"/>
        <source>took {duration}</source>
        <translation>耗时 {duration}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="154"/>
        <source>branch {branch}</source>
        <translation>分支 {branch}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/pipeline_tiles.py" line="157"/>
        <source>broken {age} · failing for %n run(s)</source>
        <translation>
            <numerusform>已失败 {age} · 已连续失败 %n 次</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/pipeline_tiles.py" line="162"/>
        <source>failing for %n run(s)</source>
        <translation>
            <numerusform>已连续失败 %n 次</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="167"/>
        <source>{source} · commit {sha}</source>
        <translation>{source} · 提交 {sha}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="171"/>
        <source>commits by {authors}</source>
        <translation>提交者 {authors}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="173"/>
        <source>error: {error}</source>
        <translation>错误：{error}</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="267"/>
        <source> (stale)</source>
        <translation>（已过时）</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="320"/>
        <source>Source {source} is not answering</source>
        <translation>数据源 {source} 无响应</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="323"/>
        <source>{error}
Retrying with backoff; the other sources keep updating.</source>
        <translation>{error}
正在退避重试；其他数据源照常更新。</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_tiles.py" line="327"/>
        <source>source {source} error</source>
        <translation>数据源 {source} 出错</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_board.py" line="69"/>
        <location filename="../../widgets/pipeline_board.py" line="190"/>
        <source>No pipelines yet: add a CI source (GitHub Actions, GitLab CI, Jenkins, CCTray)</source>
        <extracomment>The &quot;N pipelines, M failing&quot; line (the wall has it in its header instead).</extracomment>
        <translation>尚无流水线：请添加 CI 数据源（GitHub Actions、GitLab CI、Jenkins、CCTray）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/pipeline_board.py" line="194"/>
        <source>No pipeline ran recently (%n idle pipeline(s) hidden).</source>
        <translation>
            <numerusform>最近没有运行过的流水线（已隐藏 %n 条空闲流水线）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/pipeline_board.py" line="200"/>
        <source>✓ All green: %n pipeline(s), none failing or running.</source>
        <translation>
            <numerusform>✓ 全部通过：共 %n 条流水线，没有失败或运行中的。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_board.py" line="203"/>
        <source>No pipeline matches the filter.</source>
        <translation>没有符合筛选条件的流水线。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/pipeline_board.py" line="206"/>
        <source>%n pipeline(s), {failing} failing.</source>
        <translation>
            <numerusform>共 %n 条流水线，{failing} 条失败。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_board.py" line="212"/>
        <source>Showing the first {n}: default branches first, failing first.</source>
        <translation>显示前 {n} 条：默认分支优先，失败的优先。</translation>
    </message>
    <message>
        <location filename="../../widgets/pipeline_board.py" line="217"/>
        <source>{n} match the filter.</source>
        <translation>{n} 条符合筛选条件。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/pipeline_board.py" line="220"/>
        <source>%n idle pipeline(s) hidden (no run recently).</source>
        <translation>
            <numerusform>已隐藏 %n 条空闲流水线（最近未运行）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QualityView</name>
    <message>
        <location filename="../../widgets/quality_view.py" line="79"/>
        <source>No item completed in the window.</source>
        <translation>窗口内没有完成的工作项。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/quality_view.py" line="81"/>
        <source>All %n completed item(s) reached production.</source>
        <translation>
            <numerusform>全部 %n 个已完成工作项都已进入生产。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/quality_view.py" line="82"/>
        <source>{count} of %n completed item(s) ({share}) never reached production: no linked deployment.</source>
        <translation>
            <numerusform>%n 个已完成工作项中有 {count} 个（{share}）从未进入生产：没有关联的部署。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="95"/>
        <location filename="../../widgets/quality_view.py" line="114"/>
        <source>No data-quality report yet.</source>
        <translation>尚无数据质量报告。</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="99"/>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="99"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="99"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="119"/>
        <source>all history (no baseline)</source>
        <translation>全部历史（无基线）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/quality_view.py" line="122"/>
        <source>Stream {stream} as of {as_of} — %n problem(s);</source>
        <translation>
            <numerusform>价值流 {stream}，截至 {as_of}——%n 个问题；</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/quality_view.py" line="126"/>
        <source>measured from {baseline}; %n exclusion(s) in force.</source>
        <translation>
            <numerusform>自 {baseline} 起统计；%n 条排除规则生效。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="131"/>
        <source>Sources</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="133"/>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/quality_view.py" line="134"/>
        <source>{start} +%n wk</source>
        <translation>
            <numerusform>{start} 起 %n 周</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="136"/>
        <source>no gaps</source>
        <translation>无缺口</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="137"/>
        <source>STALE — </source>
        <translation>已过时——</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="143"/>
        <source>{state}last success {when}; {gaps}</source>
        <translation>{state}上次成功 {when}；{gaps}</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="149"/>
        <source>last error</source>
        <translation>上次错误</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="150"/>
        <source>Coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="156"/>
        <location filename="../../widgets/quality_view.py" line="167"/>
        <source>{covered} of {total}</source>
        <translation>{covered} / {total}</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="166"/>
        <source>Completed, never in production</source>
        <translation>已完成但从未进入生产</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="170"/>
        <source>{share} of the items completed {start} – {end}</source>
        <translation>占 {start} – {end} 完成的工作项的 {share}</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="179"/>
        <source>Statuses no stage maps</source>
        <translation>未映射到阶段的状态</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="183"/>
        <source>Anomalies</source>
        <translation>异常</translation>
    </message>
    <message>
        <location filename="../../widgets/quality_view.py" line="187"/>
        <source>Exclusions in force</source>
        <translation>生效的排除规则</translation>
    </message>
</context>
<context>
    <name>ReleaseReport</name>
    <message>
        <location filename="../../widgets/release_report.py" line="47"/>
        <source>success</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="48"/>
        <source>failure</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="49"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="50"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="51"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="52"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="53"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="132"/>
        <location filename="../../widgets/release_report.py" line="193"/>
        <source>No release selected.</source>
        <translation>未选择发布。</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="140"/>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="141"/>
        <location filename="../../widgets/release_report.py" line="151"/>
        <location filename="../../widgets/release_report.py" line="169"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="142"/>
        <source>Author</source>
        <translation>作者</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="143"/>
        <source>Merged</source>
        <translation>合并时间</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="67"/>
        <location filename="../../widgets/release_report.py" line="144"/>
        <location filename="../../widgets/release_report.py" line="178"/>
        <location filename="../../widgets/release_report.py" line="276"/>
        <source>Tickets</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="62"/>
        <source>Finished</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="63"/>
        <source>Repository</source>
        <translation>代码仓库</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="64"/>
        <source>Deployment</source>
        <translation>部署</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="65"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="68"/>
        <location filename="../../widgets/release_report.py" line="145"/>
        <source>Lead time</source>
        <translation>前置时间</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="70"/>
        <source>Environment</source>
        <translation>环境</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="71"/>
        <source>Source</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="76"/>
        <source>Changes (pull or merge requests) the deployment carried</source>
        <translation>该部署携带的变更（拉取请求或合并请求）</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="77"/>
        <source>Known tickets those changes name</source>
        <translation>这些变更提及的已知工单</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="78"/>
        <source>Median lead time (first commit to this deployment) of the changes it was the first to ship</source>
        <translation>由该部署首次发布的变更的前置时间中位数（从首次提交到该部署）</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="82"/>
        <source>Incidents linked to the deployment (change failure rate)</source>
        <translation>关联到该部署的事故（用于变更失败率）</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="150"/>
        <source>Ticket</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="152"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="153"/>
        <location filename="../../widgets/release_report.py" line="170"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="154"/>
        <source>Requirement lead time</source>
        <translation>需求交付前置时间</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="159"/>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="160"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="161"/>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="162"/>
        <source>Approval wait</source>
        <translation>审批等待</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="163"/>
        <source>Running</source>
        <translation>构建中</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="168"/>
        <source>Incident</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="171"/>
        <source>Resolved</source>
        <translation>解决时间</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="172"/>
        <source>Recovery</source>
        <translation>恢复时间</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="66"/>
        <location filename="../../widgets/release_report.py" line="177"/>
        <location filename="../../widgets/release_report.py" line="275"/>
        <source>Changes</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="179"/>
        <location filename="../../widgets/release_report.py" line="277"/>
        <source>Pipeline</source>
        <translation>流水线</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="69"/>
        <location filename="../../widgets/release_report.py" line="180"/>
        <location filename="../../widgets/release_report.py" line="278"/>
        <source>Incidents</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="200"/>
        <source>Release {repo}#{id} to {environment}: {status}</source>
        <translation>发布 {repo}#{id} 至 {environment}：{status}</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="208"/>
        <source>{pipeline} #{id} (attempt {attempt}, {result})</source>
        <translation>{pipeline} #{id}（第 {attempt} 次尝试，{result}）</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="213"/>
        <source>Started {started}, finished {finished}; sha {sha}
Changes linked {method}
Shipped by {pipeline}</source>
        <translation>开始于 {started}，完成于 {finished}；sha {sha}
变更关联方式：{method}
发布流水线：{pipeline}</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="236"/>
        <source>{lead_time} (earlier)</source>
        <translation>{lead_time}（更早部署）</translation>
    </message>
    <message>
        <location filename="../../widgets/release_report.py" line="281"/>
        <source>{tab} ({rows})</source>
        <translation>{tab}（{rows}）</translation>
    </message>
</context>
<context>
    <name>Scorecard</name>
    <message numerus="yes">
        <location filename="../../widgets/scorecard.py" line="72"/>
        <source>{rate} · %n deployment(s)</source>
        <translation>
            <numerusform>{rate} · %n 次部署</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/scorecard.py" line="89"/>
        <source>%n change(s) deployed</source>
        <translation>
            <numerusform>已部署 %n 个变更</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="124"/>
        <source>{ok} succeeded, {failed} failed</source>
        <translation>{ok} 次成功，{failed} 次失败</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="133"/>
        <source>{rate} · median gap {gap}</source>
        <translation>{rate} · 间隔中位数 {gap}</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="142"/>
        <source>≤ {days} days</source>
        <translation>≤ {days} 天</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/scorecard.py" line="144"/>
        <source>{unlinked} of %n item(s) not linked to a deployment</source>
        <translation>
            <numerusform>%n 个工作项中有 {unlinked} 个未关联到部署</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="77"/>
        <source>{days} deploy days/week (median): the tier is judged on deployments/week</source>
        <translation>每周部署天数（中位数）{days}：级别按每周部署次数评定</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="79"/>
        <source>{days} deploy days/week (median): the tier is judged on these</source>
        <translation>每周部署天数（中位数）{days}：级别按此评定</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="162"/>
        <location filename="../../widgets/scorecard.py" line="175"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="164"/>
        <source>Elite</source>
        <translation>精英</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="165"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="166"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="167"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="176"/>
        <source>✓ met</source>
        <translation>✓ 达标</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="176"/>
        <source>✗ not met</source>
        <translation>✗ 未达标</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="218"/>
        <source>DORA keys</source>
        <translation>DORA 指标</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="219"/>
        <source>Continuous delivery (targets)</source>
        <translation>持续交付（目标）</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="222"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="224"/>
        <source>Home shows these figures against a baseline, with their weekly trend.</source>
        <translation>“首页”将这些指标与基线对比，并显示每周走势。</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="263"/>
        <source>No data</source>
        <extracomment>The target forecast, in words, under the targets (set by the app: :meth:`set_target_forecast`).</extracomment>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="268"/>
        <source>DORA {year} definitions · median {median} · production deployments only</source>
        <translation>DORA {year} 定义 · 中位数：{median} · 仅统计生产部署</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="270"/>
        <source>interpolated</source>
        <translation>插值</translation>
    </message>
    <message>
        <location filename="../../widgets/scorecard.py" line="283"/>
        <source>{mark} (target {target})</source>
        <translation>{mark}（目标 {target}）</translation>
    </message>
</context>
<context>
    <name>SourcesController</name>
    <message>
        <location filename="../../app/controllers/sources.py" line="173"/>
        <source>Saved {name} to {path}.</source>
        <translation>已将 {name} 保存到 {path}。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sources.py" line="179"/>
        <source> The token is in the OS keyring.</source>
        <translation>令牌已保存在操作系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sources.py" line="183"/>
        <source> The token was NOT stored: {error}</source>
        <translation>令牌未保存：{error}</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sources.py" line="212"/>
        <source>Removed {name} from {path}.</source>
        <translation>已从 {path} 中删除 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sources.py" line="215"/>
        <source> Its keyring token was removed.</source>
        <translation>其密钥环中的令牌已删除。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sources.py" line="256"/>
        <source> Its keyring token moved from {old} to {new}.</source>
        <translation>其密钥环中的令牌已从 {old} 移到 {new}。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sources.py" line="260"/>
        <source> The token was NOT moved: {error}</source>
        <translation>令牌未移动：{error}</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sources.py" line="273"/>
        <source> {old_env} is set in the environment, but the renamed source reads {new_env}.</source>
        <translation>环境变量中设置了 {old_env}，但重命名后的数据源读取的是 {new_env}。</translation>
    </message>
</context>
<context>
    <name>SourcesDialog</name>
    <message>
        <location filename="../../widgets/source_fields.py" line="104"/>
        <source>no token</source>
        <extracomment>kind -&gt; the kind-specific fields the form shows (the common ones are always shown). Every key the form edits; other keys of an edited table are kept as they were. Where the token comes from: &quot;keyring&quot;, &quot;env FLOWDECK_TOKEN_X&quot;, or &quot;no token&quot;. The ``[[sources]]`` table as written, so editing keeps keys the form does not show.</extracomment>
        <translation>无令牌</translation>
    </message>
    <message>
        <location filename="../../widgets/source_fields.py" line="106"/>
        <source>keyring</source>
        <translation>密钥环</translation>
    </message>
    <message>
        <location filename="../../widgets/source_fields.py" line="108"/>
        <source>env {name}</source>
        <translation>环境变量 {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="61"/>
        <source>Sources</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="71"/>
        <source>Config file: {path}</source>
        <extracomment>Asks before removing; tests replace it.</extracomment>
        <translation>配置文件：{path}</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="75"/>
        <location filename="../../widgets/sources_dialog.py" line="78"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="81"/>
        <location filename="../../widgets/sources_dialog.py" line="79"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="81"/>
        <source>Last sync</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="82"/>
        <source>Last error</source>
        <translation>上次错误</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="131"/>
        <location filename="../../widgets/sources_dialog.py" line="83"/>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="92"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="94"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="209"/>
        <location filename="../../widgets/sources_dialog.py" line="107"/>
        <source>New source</source>
        <translation>新数据源</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="122"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="124"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="75"/>
        <source>letters, digits, - _ .</source>
        <translation>字母、数字、- _ .</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="82"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="83"/>
        <source>Repositories</source>
        <translation>代码仓库</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="85"/>
        <source>one per line: status: in review = In Review</source>
        <translation>每行一个：status: in review = In Review</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="88"/>
        <source>Status labels</source>
        <translation>状态标签</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="90"/>
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="91"/>
        <source>PAY, OPS  (GitLab: group/project or numeric ids)</source>
        <translation>PAY, OPS（GitLab：group/project 或数字 ID）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="95"/>
        <source>First sync reads back (days)</source>
        <translation>首次同步回溯天数</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="97"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="98"/>
        <source>Jenkins user / Jira Cloud e-mail (Data Center: empty)</source>
        <translation>Jenkins 用户 / Jira Cloud 邮箱（Data Center：留空）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="101"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="102"/>
        <source>globs over full job names, e.g. mobile/*; empty: all</source>
        <translation>匹配完整任务名的通配符，如 mobile/*；留空表示全部</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="104"/>
        <source>Deployment pattern</source>
        <translation>部署匹配模式</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="106"/>
        <source>JQL</source>
        <translation>JQL</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="107"/>
        <source>type in (Story, Bug)  (no ORDER BY)</source>
        <translation>type in (Story, Bug)（不要写 ORDER BY）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="109"/>
        <source>Incident types</source>
        <translation>故障类型</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="111"/>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="112"/>
        <source>Asia/Shanghai (feeds whose times carry no zone)</source>
        <translation>Asia/Shanghai（用于不带时区的时间）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="114"/>
        <source>Sync interval (s)</source>
        <translation>同步间隔（秒）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="115"/>
        <source>Timeout (s)</source>
        <translation>超时（秒）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="116"/>
        <source>company CA bundle (PEM)</source>
        <translation>公司 CA 证书包（PEM）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="117"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="125"/>
        <source>CA bundle</source>
        <translation>CA 证书包</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="126"/>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="127"/>
        <source>Trust the operating system&apos;s certificate store</source>
        <translation>信任操作系统的证书库</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="129"/>
        <source>System trust</source>
        <translation>系统信任</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="153"/>
        <source>CA bundle (PEM)</source>
        <translation>CA 证书包（PEM）</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="155"/>
        <source>PEM files (*.pem *.crt *.cer);;All (*)</source>
        <translation>PEM 文件 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="171"/>
        <source>no OS keyring: not stored here</source>
        <translation>没有操作系统密钥环：不在此处保存</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="173"/>
        <source>Set the environment variable {env} for Flowdeck instead (never a file).</source>
        <translation>请改为给 Flowdeck 设置环境变量 {env}（切勿写入文件）。</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="180"/>
        <source>leave empty to keep the stored token</source>
        <translation>留空则保留已保存的令牌</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="182"/>
        <source>API token</source>
        <translation>API 令牌</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="185"/>
        <source>Stored in the OS keyring; {env} in the environment wins over it.</source>
        <translation>保存在操作系统密钥环中；环境变量 {env} 优先。</translation>
    </message>
    <message>
        <location filename="../../widgets/source_form.py" line="199"/>
        <location filename="../../widgets/source_form.py" line="207"/>
        <source>Edit source {name}</source>
        <translation>编辑数据源 {name}</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="156"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="163"/>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="171"/>
        <source>Removing {name}…</source>
        <translation>正在删除 {name}…</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="177"/>
        <source>Remove source</source>
        <translation>删除数据源</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="178"/>
        <source>Remove the source {name} from the config file and its keyring token?</source>
        <translation>从配置文件中删除数据源 {name} 及其密钥环令牌？</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="207"/>
        <source>Tokens: {message}</source>
        <translation>令牌：{message}</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="209"/>
        <source>{message} Flowdeck keeps no token in a file: use the environment variable named under the token field. (Keyring backend: {backend})</source>
        <translation>{message} Flowdeck 不会把令牌保存在文件中：请使用令牌输入框下方所示的环境变量。（密钥环后端：{backend}）</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="231"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="275"/>
        <source>Connected: {message}</source>
        <translation>已连接：{message}</translation>
    </message>
    <message>
        <location filename="../../widgets/sources_dialog.py" line="277"/>
        <source>Failed: {message}</source>
        <translation>失败：{message}</translation>
    </message>
</context>
<context>
    <name>StageDetail</name>
    <message>
        <location filename="../../widgets/stage_detail.py" line="54"/>
        <source>Key</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="55"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="56"/>
        <source>Wait</source>
        <translation>等待</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="57"/>
        <source>Process</source>
        <translation>处理</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="58"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="59"/>
        <source>Visits</source>
        <translation>进入次数</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="60"/>
        <source>Completed</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="139"/>
        <source>{title}
Open {url}</source>
        <translation>{title}
打开 {url}</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="183"/>
        <source>Filter by key or title…</source>
        <translation>按编号或标题筛选…</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="200"/>
        <location filename="../../widgets/stage_detail.py" line="258"/>
        <source>time in stage (wait + process), hours</source>
        <translation>阶段内时间（等待 + 处理），小时</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="201"/>
        <source>items</source>
        <translation>工作项</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/stage_detail.py" line="231"/>
        <source>{name}: %n item(s) · wait median {wait} (p85 {wait85}) · process median {process} (p85 {process85}) · WIP {wip} · %C&amp;A {ca}</source>
        <translation>
            <numerusform>{name}：%n 个工作项 · 等待时间中位数 {wait}（p85 {wait85}）· 处理时间中位数 {process}（p85 {process85}）· 在制品 {wip} · %C&amp;A {ca}</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="247"/>
        <source>{summary} · no item-level detail available for this stage</source>
        <translation>{summary} · 此阶段没有工作项级明细</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="256"/>
        <source>time in stage (wait + process), days</source>
        <translation>阶段内时间（等待 + 处理），天</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="294"/>
        <source>Stage: {name}</source>
        <translation>阶段：{name}</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="300"/>
        <source>Double-click a row (or press Enter) to open the ticket.</source>
        <translation>双击一行（或按 Enter）打开工单。</translation>
    </message>
    <message>
        <location filename="../../widgets/stage_detail.py" line="306"/>
        <source>Export items as CSV…</source>
        <translation>将工作项导出为 CSV…</translation>
    </message>
</context>
<context>
    <name>Sync</name>
    <message>
        <location filename="../../app/controllers/sync.py" line="43"/>
        <source>This store holds the demo organisation; syncing real sources into it would mix synthetic and real numbers. Choose Use my own data (on the demo banner or in the File menu) for a store of your own, then sync.</source>
        <extracomment>Shown when a sync is asked for a store that holds the demo organisation.</extracomment>
        <translation>此数据库存放演示组织的数据；把真实数据源同步进来会混合合成数据与真实数据。请选择“使用我自己的数据”（演示数据横幅或文件菜单）创建您自己的数据库，然后再同步。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="68"/>
        <source>Sync cancelled; the next sync resumes from the last stored page</source>
        <translation>同步已取消；下次同步将从最后保存的页继续</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="70"/>
        <source>Sync finished with errors ({sources})</source>
        <translation>同步完成，但有错误（{sources}）</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="72"/>
        <source>Sync finished</source>
        <translation>同步完成</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/controllers/sync.py" line="73"/>
        <source>{head}: {records} records from %n source(s)</source>
        <translation>
            <numerusform>{head}：来自 %n 个数据源的 {records} 条记录</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="123"/>
        <source>No source is configured: add one under Sources → Sources… first.</source>
        <translation>尚未配置数据源：请先在“数据源 → 数据源…”中添加。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="126"/>
        <source>The store is not open yet.</source>
        <translation>数据库尚未打开。</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="145"/>
        <source>{source} {stream}: page {pages}, {records} records, {requests} requests</source>
        <translation>{source} {stream}：第 {pages} 页，{records} 条记录，{requests} 次请求</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="149"/>
        <source>{progress}, waited {seconds} s</source>
        <translation>{progress}，已等待 {seconds} 秒</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="154"/>
        <source>{source}: connecting…</source>
        <translation>{source}：正在连接…</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="166"/>
        <source>{source}: cancelled</source>
        <translation>{source}：已取消</translation>
    </message>
    <message>
        <location filename="../../app/controllers/sync.py" line="168"/>
        <source>{source}: done</source>
        <translation>{source}：完成</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <location filename="../../widgets/sync_status.py" line="28"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../widgets/sync_status.py" line="32"/>
        <source>{name}: last sync {when} — last error: {error}</source>
        <translation>{name}：上次同步 {when}——上次错误：{error}</translation>
    </message>
    <message>
        <location filename="../../widgets/sync_status.py" line="37"/>
        <source>{name}: last sync {when}</source>
        <translation>{name}：上次同步 {when}</translation>
    </message>
    <message>
        <location filename="../../widgets/sync_status.py" line="59"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../widgets/sync_status.py" line="61"/>
        <source>Stop after the current page; the next sync resumes there</source>
        <translation>在当前页之后停止；下次同步从那里继续</translation>
    </message>
    <message>
        <location filename="../../widgets/sync_status.py" line="78"/>
        <source>Cancelling after the current page…</source>
        <translation>将在当前页之后取消…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/sync_status.py" line="89"/>
        <source>Syncing %n source(s)…</source>
        <translation>
            <numerusform>正在同步 %n 个数据源…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimeRange</name>
    <message>
        <location filename="../../widgets/time_range.py" line="22"/>
        <source>Last 2 weeks</source>
        <extracomment>(label, weeks); weeks 0 = the calendar quarter up to the anchor; -1 = custom.</extracomment>
        <translation>最近 2 周</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="23"/>
        <source>Last 4 weeks</source>
        <translation>最近 4 周</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="24"/>
        <source>Last 13 weeks</source>
        <translation>最近 13 周</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="25"/>
        <source>Last 26 weeks</source>
        <translation>最近 26 周</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="26"/>
        <source>Quarter to date</source>
        <translation>本季度至今</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="27"/>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="88"/>
        <source>Value stream</source>
        <translation>价值流</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="94"/>
        <source>Time range (Alt+1…Alt+6)</source>
        <translation>时间范围（Alt+1…Alt+6）</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="101"/>
        <source>as of now</source>
        <translation>截至现在</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="104"/>
        <source>Untick to review the map, WIP and pipelines as they stood on a past day</source>
        <translation>取消勾选可查看过去某天的价值流图、在制品和流水线</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="110"/>
        <source>As of the end of this day (local time)</source>
        <translation>截至当天结束（本地时间）</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="113"/>
        <source>median: interpolated</source>
        <translation>中位数：插值</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="114"/>
        <source>median: lower (DevLake)</source>
        <translation>中位数：取下（DevLake）</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="116"/>
        <source>How medians are computed (METRICS.md)</source>
        <translation>中位数的计算方法（METRICS.md）</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="119"/>
        <source>Which DORA report&apos;s definitions</source>
        <translation>采用哪一年 DORA 报告的定义</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="123"/>
        <source>calendar time</source>
        <translation>日历时间</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="124"/>
        <source>working time</source>
        <translation>工作时间</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="126"/>
        <location filename="../../widgets/time_range.py" line="186"/>
        <source>Calendar or working hours</source>
        <translation>日历时间或工作时间</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="137"/>
        <source>Stream</source>
        <translation>价值流</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="137"/>
        <source>Range</source>
        <translation>范围</translation>
    </message>
    <message>
        <location filename="../../widgets/time_range.py" line="142"/>
        <source>Definitions</source>
        <translation>定义</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../../widgets/trend_chart.py" line="116"/>
        <source>d MMM yyyy</source>
        <translation>yyyy年M月d日</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="204"/>
        <location filename="../../widgets/trend_chart.py" line="380"/>
        <source>Point at a week to read its values.</source>
        <translation>将鼠标指向某一周以查看数值。</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="241"/>
        <source>Lead time per week (days)</source>
        <extracomment>Per plot, why it is empty when it is (the source to add); default &quot;No data in this range&quot;.</extracomment>
        <translation>每周前置时间（天）</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="241"/>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="258"/>
        <source>median</source>
        <translation>中位数</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="261"/>
        <source>Production deployments per week</source>
        <translation>每周生产部署次数</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="262"/>
        <source>count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="269"/>
        <source>Deployment success rate (%)</source>
        <translation>部署成功率（%）</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="273"/>
        <source>Flow efficiency (%)</source>
        <translation>流动效率（%）</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="279"/>
        <source>Work in progress (items)</source>
        <translation>在制品（工作项）</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="280"/>
        <source>items</source>
        <translation>工作项</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="372"/>
        <source>No data in this range</source>
        <translation>此范围内没有数据</translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="382"/>
        <source>No data in this range: no weeks to show.</source>
        <translation>此范围内没有数据：没有可显示的周。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/trend_chart.py" line="396"/>
        <source>Lead time and flow efficiency leave out %n week(s) with fewer than {min} completed items (too few to be a trend); point at a week to see how many it had.</source>
        <translation>
            <numerusform>前置时间和流动效率略去了 %n 个完成工作项少于 {min} 个的周（数量太少，构不成趋势）；将鼠标指向某一周可查看其完成数。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/trend_chart.py" line="412"/>
        <source>%n item(s) completed, fewer than {min}: not drawn</source>
        <translation>
            <numerusform>完成 %n 项，少于 {min} 项：不绘制</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/trend_chart.py" line="416"/>
        <source>%n item(s) completed</source>
        <translation>
            <numerusform>完成 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/trend_chart.py" line="417"/>
        <source>Week of {week}: lead time median {median}, p85 {p85} ({completed}) · deployments {deployments} · success {success} · flow efficiency {flow} · WIP {wip}</source>
        <translation>{week} 当周：前置时间中位数 {median}，p85 {p85}（{completed}）· 部署 {deployments} 次 · 成功率 {success} · 流动效率 {flow} · 在制品 {wip}</translation>
    </message>
</context>
<context>
    <name>TrustPages</name>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="53"/>
        <source>Release {repo}#{id}</source>
        <translation>发布 {repo}#{id}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="62"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="65"/>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="92"/>
        <source>Export release report as {what}</source>
        <translation>将发布报告导出为 {what}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="102"/>
        <source>Cannot write {name}: {error}</source>
        <translation>无法写入 {name}：{error}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="105"/>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="134"/>
        <location filename="../../app/main_window/trust_pages.py" line="137"/>
        <location filename="../../app/main_window/trust_pages.py" line="141"/>
        <source>Computed when this page is shown.</source>
        <translation>显示此页面时计算。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="142"/>
        <source>Open release report</source>
        <translation>打开发布报告</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="145"/>
        <source>Double-click a production deployment (or select it and press Enter) for its release report.</source>
        <translation>双击一次生产部署（或选中后按 Enter）查看其发布报告。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="179"/>
        <source>Data quality</source>
        <translation>数据质量</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="180"/>
        <source>Maturity</source>
        <translation>成熟度</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="181"/>
        <source>Releases</source>
        <translation>发布</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="213"/>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="241"/>
        <source>Computed {when}.</source>
        <translation>计算于 {when}。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="254"/>
        <source>Could not compute: {message}</source>
        <translation>无法计算：{message}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/main_window/trust_pages.py" line="264"/>
        <source>%n production deployment(s) finished in the selected window, newest first.</source>
        <translation>
            <numerusform>所选时间窗口内完成了 %n 次生产部署，最新的在前。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="271"/>
        <source>No production deployment finished in the selected window.</source>
        <translation>所选时间窗口内没有完成的生产部署。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="291"/>
        <source>Building the release report of {repo}#{id}…</source>
        <translation>正在生成 {repo}#{id} 的发布报告…</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="301"/>
        <source>Release report of {repo}#{id}.</source>
        <translation>{repo}#{id} 的发布报告。</translation>
    </message>
    <message>
        <location filename="../../app/main_window/trust_pages.py" line="311"/>
        <source>Could not build the release report of {repo}#{id}: {message}</source>
        <translation>无法生成 {repo}#{id} 的发布报告：{message}</translation>
    </message>
</context>
<context>
    <name>ValueStreamMap</name>
    <message>
        <location filename="../../widgets/map_layout.py" line="56"/>
        <source>⚠ Bottleneck</source>
        <translation>⚠ 瓶颈</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/map_layout.py" line="220"/>
        <source>%n run(s)</source>
        <translation>
            <numerusform>%n 次运行</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/map_layout.py" line="222"/>
        <source>%n deployment(s)</source>
        <translation>
            <numerusform>%n 次部署</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/map_layout.py" line="223"/>
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n 个工单</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="231"/>
        <source>process</source>
        <translation>处理</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="232"/>
        <source>WIP {wip}</source>
        <translation>在制品 {wip}</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="366"/>
        <source>{name} · {completed} completed · WIP {wip} · lead time {lead} (median) · flow efficiency {eff} · rolled %C&amp;A {rca}</source>
        <translation>{name} · 已完成 {completed} · 在制品 {wip} · 前置时间 {lead}（中位数）· 流动效率 {eff} · 累计 %C&amp;A {rca}</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="402"/>
        <source>Pipeline stages · per run or deployment</source>
        <translation>流水线阶段 · 按每次运行或部署计</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="404"/>
        <source>Ticket stages · medians per ticket</source>
        <translation>工单阶段 · 按工单计的中位数</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="526"/>
        <source>Ticket stages add up to {total} (wait {wait} + process {process}, sums of medians); the median lead time is {lead}.</source>
        <translation>工单阶段合计 {total}（等待 {wait} + 处理 {process}，各中位数之和）；前置时间中位数为 {lead}。</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="543"/>
        <source>Medians do not add up: each is the middle of its own items. Means do: a ticket took {mean} on average, {inside} of it in these stages and {outside} outside them.</source>
        <translation>中位数不能相加：每个中位数只取自各自的工作项。平均值可以相加：一个工单平均耗时 {mean}，其中 {inside} 在这些阶段内，{outside} 在所有阶段之外。</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="550"/>
        <source>Medians do not add up: each is the middle of its own items.</source>
        <translation>中位数不能相加：每个中位数只取自各自的工作项。</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="553"/>
        <source>Pipeline stages count job runs and deployments, timed from the merge: they overlap the ticket stages&apos; time and are not added to it.</source>
        <translation>流水线阶段统计的是作业运行和部署，从合并开始计时：它们与工单阶段的时间重叠，不计入合计。</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="590"/>
        <source>Ticket stages</source>
        <translation>工单阶段</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="590"/>
        <source>Median lead time</source>
        <translation>前置时间中位数</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="592"/>
        <source>Pipeline stages</source>
        <translation>流水线阶段</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="695"/>
        <source>{stage} {time}</source>
        <translation>{stage} {time}</translation>
    </message>
    <message>
        <location filename="../../widgets/map_layout.py" line="230"/>
        <source>wait</source>
        <translation>等待</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="48"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="54"/>
        <source>Value-stream map</source>
        <translation>价值流图</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="62"/>
        <source>No data for this period</source>
        <translation>此时间段没有数据</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="256"/>
        <source>Pipeline stage: measured per job run or deployment, from the merge</source>
        <translation>流水线阶段：按每次作业运行或部署计，从合并开始计时</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="258"/>
        <source>Ticket stage: measured per ticket</source>
        <translation>工单阶段：按每个工单计</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="266"/>
        <source>{count}   WIP: {wip} (median age {age})</source>
        <translation>{count}   在制品：{wip}（停留时间中位数 {age}）</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="260"/>
        <source>Process: median {median}, p85 {p85}, total {total}</source>
        <translation>处理时间：中位数 {median}，p85 {p85}，合计 {total}</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="263"/>
        <source>Wait: median {median}, p85 {p85}, total {total}</source>
        <translation>等待时间：中位数 {median}，p85 {p85}，合计 {total}</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="269"/>
        <source>Complete and accurate: {pct}</source>
        <translation>完整准确率：{pct}</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="272"/>
        <source>Bottleneck: the largest total wait of the stream</source>
        <translation>瓶颈：价值流中总等待时间最长的阶段</translation>
    </message>
    <message>
        <location filename="../../widgets/value_stream_map.py" line="273"/>
        <source>Click or press Enter for the items behind these numbers.</source>
        <translation>点击或按 Enter 查看这些数字背后的工作项。</translation>
    </message>
</context>
<context>
    <name>Wall</name>
    <message>
        <location filename="../../app/wall.py" line="45"/>
        <source>Pipelines</source>
        <extracomment>Page names, in the default rotation order.</extracomment>
        <translation>流水线</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="46"/>
        <source>Value stream</source>
        <translation>价值流</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="47"/>
        <source>Scorecard</source>
        <translation>记分卡</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="113"/>
        <source>Flowdeck wall</source>
        <translation>Flowdeck 大屏</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="138"/>
        <source>Rotation paused</source>
        <extracomment>The period each page covers, as shown in the header (&quot;&quot; until known).</extracomment>
        <translation>轮播已暂停</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="141"/>
        <source>DEMO DATA</source>
        <translation>演示数据</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="199"/>
        <source>Opening the store…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="209"/>
        <source>Cannot open the store: {message}</source>
        <translation>无法打开数据库：{message}</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="226"/>
        <source>Demo data: computing…</source>
        <translation>演示数据：正在计算…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/wall.py" line="228"/>
        <source>Polling %n source(s)…</source>
        <translation>
            <numerusform>正在轮询 %n 个数据源…</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="247"/>
        <source>{n} failing</source>
        <translation>{n} 个失败</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="248"/>
        <source>{n} running</source>
        <translation>{n} 个运行中</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="251"/>
        <source>{n} queued</source>
        <translation>{n} 个排队中</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="252"/>
        <source>{n} passing</source>
        <translation>{n} 个通过</translation>
    </message>
    <message>
        <location filename="../../app/wall.py" line="254"/>
        <source>{n} idle hidden</source>
        <translation>{n} 个空闲已隐藏</translation>
    </message>
</context>
<context>
    <name>WallClock</name>
    <message>
        <location filename="../../widgets/wall_clock.py" line="34"/>
        <source>{n} s ago</source>
        <extracomment>ok / amber / red; Okabe-Ito orange and vermillion, and the level is also written in words.</extracomment>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_clock.py" line="36"/>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_clock.py" line="38"/>
        <source>{n} h ago</source>
        <translation>{n} 小时前</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_clock.py" line="39"/>
        <source>{n} days ago</source>
        <translation>{n} 天前</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_clock.py" line="54"/>
        <source>demo data (as of {stamp})</source>
        <translation>演示数据（截至 {stamp}）</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_clock.py" line="56"/>
        <source>Waiting for first data…</source>
        <translation>正在等待首批数据…</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_clock.py" line="60"/>
        <source>data as of {stamp}, {ago}</source>
        <translation>数据截至 {stamp}，{ago}</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_clock.py" line="126"/>
        <source>⚠ {age} — data is old</source>
        <translation>⚠ {age}——数据已过时</translation>
    </message>
</context>
<context>
    <name>WallPages</name>
    <message>
        <location filename="../../widgets/wall_pages.py" line="88"/>
        <source>{start} – {end}</source>
        <extracomment>Okabe-Ito: wait orange, process sky blue, bottleneck vermillion (each also said in words).</extracomment>
        <translation>{start} – {end}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="91"/>
        <source>last %n week(s) to {end}</source>
        <translation>
            <numerusform>截至 {end} 的最近 %n 周</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="93"/>
        <source>last %n day(s) to {end}</source>
        <translation>
            <numerusform>截至 {end} 的最近 %n 天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="94"/>
        <source>last %n hour(s) to {end}</source>
        <translation>
            <numerusform>截至 {end} 的最近 %n 小时</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="100"/>
        <source>every pipeline ever run, to {end}</source>
        <translation>截至 {end} 运行过的全部流水线</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="106"/>
        <source>feature branches: %n day(s)</source>
        <translation>
            <numerusform>功能分支：%n 天</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="108"/>
        <source>feature branches: %n hour(s)</source>
        <translation>
            <numerusform>功能分支：%n 小时</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="129"/>
        <source>Pipelines</source>
        <translation>流水线</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="196"/>
        <source>+ %n more on this wall&apos;s list, {failing} of them failing (see the desktop app for all)</source>
        <translation>
            <numerusform>另有 %n 条未显示，其中 {failing} 条失败（完整列表请见桌面应用）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="203"/>
        <source>+ %n more on this wall&apos;s list (see the desktop app for all)</source>
        <translation>
            <numerusform>另有 %n 条未显示（完整列表请见桌面应用）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="307"/>
        <source>⚠ {name} (bottleneck)</source>
        <translation>⚠ {name}（瓶颈）</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="334"/>
        <source>Value stream</source>
        <translation>价值流</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="346"/>
        <source>Lead time (median)</source>
        <extracomment>The stage table&apos;s text size now (the largest of :attr:`stage_sizes` that fits).</extracomment>
        <translation>前置时间（中位数）</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="347"/>
        <source>Flow efficiency</source>
        <translation>流动效率</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="348"/>
        <source>Work in progress</source>
        <translation>在制品</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="349"/>
        <source>Bottleneck</source>
        <translation>瓶颈</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="360"/>
        <location filename="../../widgets/wall_pages.py" line="401"/>
        <location filename="../../widgets/wall_pages.py" line="541"/>
        <source>Waiting for the first report…</source>
        <translation>正在等待第一份报告…</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="376"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="377"/>
        <source>■ wait</source>
        <translation>■ 等待</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="378"/>
        <source>■ process</source>
        <translation>■ 处理</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="379"/>
        <source>WIP</source>
        <translation>在制品</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="403"/>
        <source>No completed items in this window</source>
        <translation>此时间窗口内没有已完成的工作项</translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="412"/>
        <source>{name} · %n item(s) completed</source>
        <translation>
            <numerusform>{name} · 已完成 %n 个工作项</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/wall_pages.py" line="487"/>
        <source>+ %n more stage(s) (see the desktop app for the whole map)</source>
        <translation>
            <numerusform>另有 %n 个阶段未显示（完整价值流图请见桌面应用）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="510"/>
        <source>target {target}: {mark}</source>
        <translation>目标 {target}：{mark}</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="530"/>
        <source>Scorecard</source>
        <translation>记分卡</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="565"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../widgets/wall_pages.py" line="570"/>
        <source>Waiting for first data…</source>
        <translation>正在等待首批数据…</translation>
    </message>
</context>
</TS>
