/* Overview: implementation per vector, the KOR-PRK index, the latest events, the forecast and its
 * track record, the data sources' freshness (with an admin's update button), the briefing. */
"use strict";
(function () {
  const P = window.Panmun;
  const $ = (id) => document.getElementById(id);

  async function scorecard() {
    try {
      const rows = await P.api("/api/scorecard?by=vector");
      P.plot($("scorecard-chart"), [{
        type: "bar", orientation: "h", y: rows.map((r) => P.plotText(P.L(r.vector))),
        x: rows.map((r) => (P.isNumber(r.implementation) ? 100 * r.implementation : 0)),
        text: rows.map((r) => P.pct(r.implementation)), textposition: "outside", marker: { color: "#0b4f8a" },
        hovertemplate: "%{y}: %{x:.0f} %<extra></extra>", cliponaxis: false,
      }], { xaxis: { title: { text: P.L("implementation") + " (%)" }, range: [0, 100] },
        yaxis: { automargin: true, autorange: "reversed" }, height: 260, margin: { l: 20, r: 30, t: 10, b: 50 } });
      P.showTable($("scorecard-table"), rows, {
        columns: ["vector", "implementation", "tracked", "provisions", "suspended", "reversed"]
          .filter((c) => rows.length && c in rows[0]),
        format: { vector: (v) => P.L(v), implementation: (v) => P.pct(v) },
      });
    } catch (err) { P.showError($("scorecard-table"), err); }
  }

  async function index() {
    try {
      const data = await P.api("/api/indices?dyad=KOR-PRK");
      const pts = data.points || [];
      const x = pts.map((p) => p.month + "-01");
      const dirs = data.directions || {};
      const traces = [{
        type: "scatter", mode: "lines+markers", x: x, y: pts.map((p) => p.value),
        line: { color: "#0b4f8a" }, marker: { size: 5 }, name: P.plotText(P.L("index_both")),
      }];
      // each direction on its own (the combined line pools both: one side's gestures are not a thaw)
      [["a_to_b", "#1b7837", "dot"], ["b_to_a", "#b2182b", "dash"]].forEach(([key, color, dash]) => {
        if (!dirs[key]) return;
        traces.push({
          type: "scatter", mode: "lines+markers", x: x, y: pts.map((p) => (P.isNumber(p[key]) ? p[key] : null)),
          connectgaps: false, line: { color: color, dash: dash, width: 1.5 }, marker: { size: 4 },
          name: P.plotText(P.L("index_direction", { direction: dirs[key] })),
        });
      });
      P.plot($("index-chart"), traces, { xaxis: { type: "date" }, yaxis: { title: { text: P.L("index_value") } },
        height: 260, margin: { l: 60, r: 20, t: 10, b: 40 }, showlegend: true,
        legend: { orientation: "h", y: -0.25 } });
      $("index-chart").setAttribute("title", P.L("index_reciprocity_note"));
      const known = pts.filter((p) => P.isNumber(p.value));
      const last = known.length ? known[known.length - 1] : null;
      $("index-current").dataset.status = "ready";
      $("index-current").textContent = last ? P.L("latest_index", { month: last.month, value: P.formatValue(last.value) }) : P.L("no_data");
    } catch (err) { P.showError($("index-current"), err); }
  }

  function sourceLink(url) {
    if (!url) return "—";
    const a = P.el("a", P.L("source"), { href: url, rel: "noopener noreferrer" });
    return a;
  }

  async function events() {
    try {
      const rows = await P.api("/api/events?limit=8");
      P.showTable($("events-table"), rows, {
        columns: ["date", "actor1", "actor2", "summary", "source_url"],
        format: { actor1: P.actorCode, actor2: P.actorCode, source_url: sourceLink },
      });
    } catch (err) { P.showError($("events-table"), err); }
  }

  /** Forecast records {target, month, models: {name: {probability, lo, hi}}}: a chart of each
   * model's probability (with its interval) per target, and the table. */
  function drawForecast(rows) {
    const models = Object.keys(rows[0].models || {});
    const traces = rows.map((r) => ({
      type: "bar", name: P.plotText(P.L(r.target) + " " + r.month), x: models.map(P.plotText),
      y: models.map((m) => 100 * r.models[m].probability),
      error_y: { type: "data", symmetric: false, color: "#4a5563",
        array: models.map((m) => (P.isNumber(r.models[m].hi) ? 100 * (r.models[m].hi - r.models[m].probability) : 0)),
        arrayminus: models.map((m) => (P.isNumber(r.models[m].lo) ? 100 * (r.models[m].probability - r.models[m].lo) : 0)) },
    }));
    const chart = P.el("div", null, { class: "chart", role: "img", "aria-label": P.L("forecast") });
    const target = P.clear($("forecast"));
    target.dataset.status = "ready";
    target.appendChild(chart);
    P.plot(chart, traces, { barmode: "group", yaxis: { title: { text: "%" }, range: [0, 100] }, height: 260,
      margin: { l: 50, r: 20, t: 10, b: 40 }, colorway: ["#8a1c1c", "#b35900"] });
    const flat = rows.map((r) => Object.assign({ target: r.target, month: r.month, data_through: r.data_through },
      Object.fromEntries(models.map((m) => [m, P.pct(r.models[m].probability)]))));
    target.appendChild(P.table(flat, { format: { target: (v) => P.L(v) } }));
  }

  async function forecast() {
    try {
      const data = await P.api("/api/forecast");
      if (P.isRecords(data) && data[0].models) drawForecast(data);
      else P.showAny($("forecast"), data, { limit: 12 });
    } catch (err) { P.showError($("forecast"), err); }
  }

  /** The track record {chosen, best_baseline, months: [{month, launch, chosen, baseline, ...}]}:
   * both models' monthly probabilities as lines, the months with a launch as dots at 100 %. */
  async function track() {
    try {
      const data = await P.api("/api/forecast/track");
      const rows = data.months || [];
      const x = rows.map((r) => r.month + "-01");
      const hits = rows.filter((r) => r.launch === 1);
      P.plot($("track-chart"), [
        { type: "scatter", mode: "lines+markers", name: P.plotText(data.chosen), x: x,
          y: rows.map((r) => 100 * r.chosen), line: { color: "#0b4f8a" }, marker: { size: 4 } },
        { type: "scatter", mode: "lines", name: P.plotText(data.best_baseline), x: x,
          y: rows.map((r) => 100 * r.baseline), line: { color: "#b35900", dash: "dash" } },
        { type: "scatter", mode: "markers", name: P.L("launch_happened"), x: hits.map((r) => r.month + "-01"),
          y: hits.map(() => 100), marker: { color: "#8a1c1c", size: 8, symbol: "circle" } },
      ], { xaxis: { type: "date" }, yaxis: { title: { text: P.L("probability") + " (%)" }, range: [0, 105] },
        height: 260, margin: { l: 60, r: 20, t: 10, b: 40 }, legend: { orientation: "h", y: -0.25 } });
      const summary = $("track-summary");
      summary.dataset.status = "ready";
      summary.textContent = rows.length ? P.L("track_summary", {
        months: String(rows.length), chosen: P.formatValue(data.brier_chosen), chosen_model: data.chosen,
        baseline: P.formatValue(data.brier_baseline), baseline_model: data.best_baseline,
      }) : P.L("no_data");
    } catch (err) { P.showError($("track-summary"), err); }
  }

  const SOURCE_HEADERS = { title: "source_name", last_success: "last_success", record_through: "data_through",
    last_error: "last_error" };

  function when(value) { return value ? String(value).replace("T", " ").slice(0, 16) : P.L("never"); }

  /** Each source's freshness and the server's update state; an admin gets the update button. */
  async function sources() {
    try {
      const data = await P.api("/api/update");
      P.showTable($("sources-table"), data.sources, {
        columns: ["title", "last_success", "record_through", "last_error"],
        header: (c) => P.L(SOURCE_HEADERS[c]),
        format: { last_success: when, last_error: (v) => v || "—" },
      });
      const server = data.server || {};
      $("update-state").textContent = server.running ? P.L("update_running")
        : server.scheduled ? P.L("update_schedule", { hours: P.formatValue(server.every_seconds / 3600), when: when(server.finished_at) })
          : P.L("update_manual", { when: when(server.finished_at) });
      const s = await P.session();
      const button = $("update-button");
      button.hidden = !(s.signed_in && s.role === "admin");
      button.disabled = !!server.running;
      return server.running;
    } catch (err) { P.showError($("sources-table"), err); return false; }
  }

  async function startUpdate() {
    const button = $("update-button");
    button.disabled = true;
    try {
      const s = await P.session();
      await P.api("/api/update", { method: "POST", json: {}, headers: s.csrf ? { "X-CSRF-Token": s.csrf } : {} });
      while (await sources()) await new Promise((resolve) => setTimeout(resolve, 1000));
    } catch (err) {
      $("update-state").textContent = P.messageOf(err);
      button.disabled = false;
    }
  }

  async function briefing() {
    const button = $("briefing-button");
    const links = $("briefing-links");
    button.disabled = true;
    P.clear(links);
    try {
      const lang = $("briefing-lang").value;
      const result = await P.runJob("briefing", { lang: lang }, (p) => { $("briefing-progress").value = p; });
      $("briefing-progress").value = 1;
      links.appendChild(P.el("a", P.L("download_html"), { href: result.html, download: "briefing-" + lang + ".html" }));
      links.appendChild(P.el("a", P.L("download_pdf"), { href: result.pdf, download: "briefing-" + lang + ".pdf" }));
    } catch (err) {
      links.appendChild(P.el("span", P.messageOf(err), { class: "notice error" }));
    } finally { button.disabled = false; }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("briefing-button").addEventListener("click", briefing);
    $("update-button").addEventListener("click", startUpdate);
    scorecard(); index(); events(); forecast(); track(); sources();
  });
})();
