/* Scenarios: run a scenario's ensemble as a job (progress bar), draw its fan chart (q05-q95 band
 * and the median) for every stock of the three-vector model; optionally compare a second one. */
"use strict";
(function () {
  const P = window.Panmun;
  const $ = (id) => document.getElementById(id);
  const COLOURS = [["#0b4f8a", "rgba(11,79,138,0.22)"], ["#b35900", "rgba(179,89,0,0.22)"]];

  async function listScenarios() {
    try {
      const rows = await P.api("/api/scenarios");
      for (const id of ["s-a", "s-b"]) {
        const select = $(id);
        const keep = select.value;
        select.querySelectorAll("option[value]:not([value=''])").forEach((o) => o.remove());
        for (const r of rows) {
          const label = r.title && r.title !== r.name ? r.name + " — " + r.title : r.name;
          select.appendChild(P.el("option", label, { value: r.name }));
        }
        if (keep) select.value = keep;
      }
    } catch (err) {
      if (!err.unavailable) P.setMessage($("s-status"), P.messageOf(err), "error");
    }
  }

  function fanTraces(result, stock, k) {
    const s = result.stocks[stock];
    const x = result.months.map((m) => (String(m).length === 7 ? m + "-01" : m));
    const [line, band] = COLOURS[k];
    const name = P.plotText(result.scenario);
    return [
      { x: x, y: s.q95, type: "scatter", mode: "lines", line: { width: 0, color: band }, showlegend: false,
        hoverinfo: "skip", legendgroup: name },
      { x: x, y: s.q05, type: "scatter", mode: "lines", fill: "tonexty", fillcolor: band, line: { width: 0, color: band },
        name: name + " 5–95 %", legendgroup: name, hoverinfo: "skip" },
      { x: x, y: s.q50, type: "scatter", mode: "lines", line: { color: line, width: 2 }, name: name + " q50",
        legendgroup: name },
    ];
  }

  function draw(results) {
    const box = P.clear($("fans"));
    const charts = Object.keys(results[0].stocks).map((stock) => {
      const card = P.el("section", null, { class: "card", "aria-label": P.L(stock) });
      card.appendChild(P.el("h2", P.L(stock)));
      const chart = P.el("div", null, { class: "chart fan", role: "img", "aria-label": P.L(stock), "data-stock": stock });
      card.appendChild(chart);
      box.appendChild(card);
      return [stock, chart];
    });
    for (const [stock, chart] of charts) {       // laid out first, so that each chart takes its card's width
      const traces = results.flatMap((r, k) => fanTraces(r, stock, k));
      P.plot(chart, traces, { xaxis: { type: "date" }, yaxis: { rangemode: "tozero", title: { text: "0–1" }, tickformat: ".2~g" } });
    }
  }

  async function run(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    const button = form.querySelector("button[type=submit]");
    const status = $("s-status");
    const names = [form.scenario.value, form.compare.value].filter(Boolean);
    const params = { runs: Number(form.runs.value) };
    if (form.horizon.value) params.horizon = Number(form.horizon.value);
    if (form.seed.value) params.seed = Number(form.seed.value);
    const progress = names.map(() => 0);
    const bar = $("s-progress");
    bar.value = 0;
    button.disabled = true;
    P.setMessage(status, P.L("loading"));
    try {
      const results = await Promise.all(names.map((name, k) => P.runJob("ensemble",
        Object.assign({ scenario: name }, params), (p) => {
          progress[k] = p;
          bar.value = progress.reduce((a, b) => a + b, 0) / names.length;
        })));
      bar.value = 1;
      draw(results);
      P.setMessage(status, results.map((r) => r.scenario).join(" · ") + " · " + P.L("n_runs", { n: params.runs }), "ok");
    } catch (err) {
      P.setMessage(status, P.messageOf(err), "error");
    } finally { button.disabled = false; }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("scenario-form").addEventListener("submit", run);
    listScenarios();
  });
})();
