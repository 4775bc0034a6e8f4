/* Environment: a dyad's monthly cooperation index with its change points and the events of the
 * period; zoom on the chart, or set a date range (since/until) that re-draws everything. */
"use strict";
(function () {
  const P = window.Panmun;
  const $ = (id) => document.getElementById(id);
  const chart = $("env-chart");

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    return q.toString();
  }

  function monthStart(m) { return String(m).length === 7 ? m + "-01" : String(m).slice(0, 10); }

  async function draw() {
    const form = $("range-form");
    const dyad = form.dyad.value.trim().toUpperCase();
    const since = form.since.value;
    const until = form.until.value;
    const status = $("env-status");
    P.setMessage(status, P.L("loading"));
    history.replaceState(null, "", "?" + query({ dyad: dyad, since: since, until: until }));
    $("chart-dyad").textContent = dyad;
    let data;
    try {
      data = await P.api("/api/indices?" + query({ dyad: dyad, since: since, until: until }));
    } catch (err) {
      P.setMessage(status, "");
      P.showError(chart, err);
      return;
    }
    let events = [];
    const other = dyad.split("-")[1];
    try {
      events = await P.api("/api/events?" + query({ since: since, until: until, actor: other, limit: 300 }));
    } catch (err) {
      P.showError($("env-events"), err);
    }
    const pts = data.points || [];
    const traces = [{
      type: "scatter", mode: "lines+markers", name: P.L("index_value"), x: pts.map((p) => monthStart(p.month)),
      y: pts.map((p) => p.value), line: { color: "#0b4f8a", width: 2 }, marker: { size: 6 },
    }];
    if (events.length) {
      traces.push({
        type: "scatter", mode: "markers", name: P.L("events") + " (Goldstein)", yaxis: "y2",
        x: events.map((e) => e.date), y: events.map((e) => e.goldstein),
        text: events.map((e) => P.plotText(e.date + " " + (e.summary || ""))), hoverinfo: "text",
        marker: { size: 7, color: events.map((e) => ((e.goldstein || 0) < 0 ? "#8a1c1c" : "#1d5e2b")), opacity: 0.7 },
      });
    }
    const cps = (data.change_points || []).map(monthStart);
    const shapes = cps.map((m) => ({ type: "line", xref: "x", yref: "paper", x0: m, x1: m, y0: 0, y1: 1,
      line: { color: "#b35900", width: 2, dash: "dash" } }));
    const annotations = cps.map((m) => ({ x: m, y: 1, xref: "x", yref: "paper", text: P.plotText(P.L("change_points")),
      showarrow: false, yanchor: "bottom", font: { size: 11, color: "#b35900" } }));
    const xaxis = { type: "date", title: { text: P.L("month") } };
    if (since || until) {
      const first = pts.length ? monthStart(pts[0].month) : since;
      const last = pts.length ? monthStart(pts[pts.length - 1].month) : until;
      xaxis.range = [since || first, until || last];
    }
    // both axes symmetric around 0, so that the index's 0 and the Goldstein scale's 0 line up
    const top = Math.max(1e-9, ...pts.flatMap((p) => [p.value, p.lo, p.hi]).filter(P.isNumber).map(Math.abs));
    await P.plot(chart, traces, {
      xaxis: xaxis, yaxis: { title: { text: P.L("index_value") }, range: [-1.08 * top, 1.08 * top], zeroline: true },
      shapes: shapes, annotations: annotations,
      yaxis2: { title: { text: "Goldstein" }, overlaying: "y", side: "right", range: [-10.8, 10.8], dtick: 5,
        showgrid: false, zeroline: false },
      margin: { l: 60, r: 60, t: 30, b: 50 },
    });
    chart.dataset.since = since;
    chart.dataset.until = until;
    chart.dataset.points = String(pts.length);
    P.setMessage(status, [P.L("n_months", { n: pts.length }), P.L("n_change_points", { n: cps.length }),
      P.L("n_events", { n: events.length }), P.L("source") + ": " + (data.source || "—")].join(" · "));
    P.showTable($("env-events"), events.slice(0, 25), {
      columns: ["date", "actor1", "actor2", "goldstein", "summary"],
      format: { actor1: P.actorCode, actor2: P.actorCode },
    });
  }

  function syncZoom(ev) {
    const a = ev["xaxis.range[0]"] || (ev["xaxis.range"] && ev["xaxis.range"][0]);
    const b = ev["xaxis.range[1]"] || (ev["xaxis.range"] && ev["xaxis.range"][1]);
    if (a && b) {
      $("range-form").since.value = String(a).slice(0, 10);
      $("range-form").until.value = String(b).slice(0, 10);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = $("range-form");
    const q = new URLSearchParams(window.location.search);
    if (q.get("dyad")) form.dyad.value = q.get("dyad");
    if (q.get("since")) form.since.value = q.get("since");
    if (q.get("until")) form.until.value = q.get("until");
    form.addEventListener("submit", (e) => { e.preventDefault(); if (form.reportValidity()) draw(); });
    draw().then(() => { if (chart.on) chart.on("plotly_relayout", syncZoom); });
  });
})();
