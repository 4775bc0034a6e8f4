/* Arms control: the measure packages, and the risk of armed incidents under the chosen ones
 * (GET /api/armscontrol/risk?package=...), compared in a chart and a table. */
"use strict";
(function () {
  const P = window.Panmun;
  const $ = (id) => document.getElementById(id);

  function nameOf(r) { return r.name || r.id || r.package; }

  async function packages() {
    const choices = $("package-choices");
    try {
      const rows = await P.api("/api/armscontrol/packages");
      P.clear(choices).dataset.status = "ready";
      rows.forEach((r, i) => {
        const id = "pkg-" + i;
        const wrap = P.el("span");
        const box = P.el("input", null, { type: "checkbox", id: id, name: "package", value: nameOf(r) });
        box.checked = i < 3;
        wrap.appendChild(box);
        wrap.appendChild(P.el("label", " " + (r.title || nameOf(r)), { for: id }));
        choices.appendChild(wrap);
      });
      P.showTable($("packages-table"), rows, { columns: ["name", "title", "measures", "exercises", "description"] });
      return rows.length > 0;
    } catch (err) { P.showError(choices, err); return false; }
  }

  function pctRange(v) {
    if (v && typeof v === "object" && "median" in v) {
      const f = (x) => (100 * x).toFixed(x < 0.01 ? 2 : 1);
      return f(v.median) + " % (" + f(v.low) + "–" + f(v.high) + ")";
    }
    return P.formatValue(v);
  }

  /** Risk per package: median and interval of each probability (per cent). */
  function drawRisk(rows) {
    const measures = ["p_deadly_clash", "p_escalation"].filter((k) => rows[0][k] && "median" in rows[0][k]);
    const traces = measures.map((k) => ({
      type: "bar", name: P.plotText(P.L(k)), x: rows.map((r) => P.plotText(r.package || r.title)),
      y: rows.map((r) => 100 * r[k].median),
      error_y: { type: "data", symmetric: false, color: "#4a5563",
        array: rows.map((r) => 100 * (r[k].high - r[k].median)), arrayminus: rows.map((r) => 100 * (r[k].median - r[k].low)) },
    }));
    P.plot($("risk-chart"), traces, { barmode: "group", yaxis: { title: { text: "%" }, rangemode: "tozero" },
      colorway: ["#8a1c1c", "#b35900"] });
  }

  async function compare(event) {
    if (event) event.preventDefault();
    const status = $("ac-status");
    const chosen = Array.from(document.querySelectorAll("input[name=package]:checked")).map((b) => b.value);
    if (!chosen.length) return;
    P.setMessage(status, P.L("loading"));
    try {
      const q = new URLSearchParams();
      chosen.forEach((c) => q.append("package", c));
      const data = await P.api("/api/armscontrol/risk?" + q.toString());
      const rows = P.isRecords(data) ? data : (data && (data.packages || data.risk || data.rows)) || [];
      P.setMessage(status, "");
      if (P.isRecords(rows)) drawRisk(rows);
      P.showTable($("risk-table"), rows, {
        columns: ["rank", "package", "title", "p_deadly_clash", "p_escalation", "reduction", "incidents_by_domain"]
          .filter((c) => rows.length && c in rows[0]),
        format: { p_deadly_clash: pctRange, p_escalation: pctRange, reduction: P.pct },
      });
    } catch (err) {
      P.setMessage(status, "");
      P.showError($("risk-table"), err);
    }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    $("packages-form").addEventListener("submit", compare);
    if (await packages()) compare();
  });
})();
