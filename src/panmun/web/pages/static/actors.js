/* Actors: positions on an issue (actor names in the page's language) with each model's predicted
 * outcome, and the bargaining outcome round by round (GET /api/actors/positions, /api/actors/bargain). */
"use strict";
(function () {
  const P = window.Panmun;
  const $ = (id) => document.getElementById(id);
  const MODEL_COLOURS = ["#b35900", "#1d5e2b", "#6b2c91", "#8a1c1c"];

  async function issues() {
    const select = $("a-issue");
    try {
      const rows = await P.api("/api/actors/issues");
      for (const r of rows) select.appendChild(P.el("option", r.name || r.id, { value: r.id }));
      return rows.length > 0;
    } catch (err) { P.showError($("positions-table"), err); return false; }
  }

  function query(form) {
    const q = new URLSearchParams({ issue: form.issue.value });
    if (form.at.value) q.set("at", form.at.value);
    return q;
  }

  function link(url) { return url ? P.el("a", P.L("source"), { href: url, rel: "noopener noreferrer" }) : "—"; }

  function drawPositions(data) {
    const rows = (data.positions || []).slice().sort((a, b) => a.position - b.position);
    const outcomes = Object.entries(data.outcomes || {});
    const shapes = outcomes.map(([, v], k) => ({ type: "line", xref: "x", yref: "paper", x0: v, x1: v, y0: 0, y1: 1,
      line: { color: MODEL_COLOURS[k % 4], width: 2, dash: "dash" } }));
    const annotations = outcomes.map(([m, v], k) => ({ x: v, y: 1 + 0.06 * k, xref: "x", yref: "paper",
      text: P.plotText(m), showarrow: false, yanchor: "bottom", font: { size: 11, color: MODEL_COLOURS[k % 4] } }));
    P.plot($("positions-chart"), [{
      type: "bar", orientation: "h", y: rows.map((r) => P.plotText(P.actorName(r.actor))), x: rows.map((r) => r.position),
      marker: { color: "#0b4f8a" }, hovertemplate: "%{y}: %{x}<extra></extra>",
    }], { xaxis: { title: { text: P.L("position") + " (0–100)" }, range: [0, 100] }, yaxis: { automargin: true },
      shapes: shapes, annotations: annotations, margin: { l: 20, r: 20, t: 30 + 18 * outcomes.length, b: 50 },
      height: Math.max(300, 34 * rows.length + 110) });
    P.showTable($("positions-table"), data.positions || [], {
      columns: ["actor", "position", "salience", "capability", "date", "source_url"],
      format: { actor: P.actorName, source_url: link },
    });
    if (outcomes.length) {
      const t = P.table(outcomes.map(([m, v]) => ({ model: m, outcome: v })), { caption: P.L("bargaining") });
      $("positions-table").appendChild(t);
    }
  }

  function drawBargain(data) {
    const target = P.clear($("bargain"));
    target.dataset.status = "ready";
    target.appendChild(P.el("p", P.L("model") + ": " + data.model + " · " + P.L("at") + " " + data.at));
    target.appendChild(P.el("p", P.formatValue(data.outcome), { class: "big-number" }));
    const rounds = data.rounds || [];
    if (rounds.length > 1) {
      const chart = P.el("div", null, { class: "chart", role: "img", "aria-label": P.L("bargaining") });
      target.appendChild(chart);
      P.plot(chart, Object.keys(rounds[0]).map((a) => ({
        type: "scatter", mode: "lines+markers", name: P.plotText(P.actorName(a)),
        x: rounds.map((_, i) => i), y: rounds.map((r) => r[a]),
      })), { xaxis: { title: { text: "round" }, dtick: 1 }, yaxis: { range: [0, 100] } });
    }
    const last = rounds.length - 1;
    const table = Object.keys(rounds[0] || {}).map((a) => {
      const row = { actor: a, position: rounds[0][a] };
      if (last > 0) row.outcome = rounds[last][a];
      return row;
    });
    target.appendChild(P.table(table, { format: { actor: P.actorName } }));
  }

  async function show(event) {
    if (event) event.preventDefault();
    const form = $("issue-form");
    try {
      drawPositions(await P.api("/api/actors/positions?" + query(form).toString()));
    } catch (err) { P.showError($("positions-table"), err); }
    try {
      const q = query(form);
      if (form.model.value) q.set("model", form.model.value);
      drawBargain(await P.api("/api/actors/bargain?" + q.toString()));
    } catch (err) { P.showError($("bargain"), err); }
    try {
      const roles = await P.api("/api/actors/roles?" + query(form).toString());
      P.showAny($("roles"), roles, { format: { actor: P.actorName } });
    } catch (err) { P.showError($("roles"), err); }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    $("issue-form").addEventListener("submit", show);
    if (await issues()) show();
  });
})();
