/* Roadmap: the catalogue of steps; the planner run as a job; the plan's timeline (a bar per
 * step from its start to its completion month) and each actor's tasks in order. */
"use strict";
(function () {
  const P = window.Panmun;
  const $ = (id) => document.getElementById(id);

  /** The first list of records under `data` (depth-first) that has a key in `keys`. */
  function findRecords(data, keys) {
    if (P.isRecords(data) && keys.some((k) => k in data[0])) return data;
    if (data && typeof data === "object") {
      for (const v of Object.values(data)) {
        const found = findRecords(v, keys);
        if (found) return found;
      }
    }
    return null;
  }

  function drawTimeline(rows) {
    const startKey = ["start", "start_month", "month"].find((k) => k in rows[0]);
    const endKey = ["complete", "end", "verified"].find((k) => k in rows[0]);
    const numeric = P.isNumber(rows[0][startKey]);
    const names = rows.map((r) => P.plotText(r.name || r.step));
    const trace = numeric ? {
      type: "bar", orientation: "h", y: names, base: rows.map((r) => r[startKey]),
      x: rows.map((r) => Math.max(0.4, (P.isNumber(r[endKey]) ? r[endKey] : r[startKey]) - r[startKey])),
      marker: { color: "#0b4f8a" }, customdata: rows.map((r) => r.start_month || ""),
      hovertemplate: "%{y}: " + P.L("month") + " %{base} (%{customdata})<extra></extra>",
    } : {
      type: "scatter", mode: "markers", y: names, x: rows.map((r) => r[startKey]), marker: { size: 12, color: "#0b4f8a" },
    };
    P.plot($("timeline-chart"), [trace], {
      xaxis: { title: { text: P.L("month") } }, yaxis: { autorange: "reversed", automargin: true },
      margin: { l: 20, r: 20, t: 10, b: 50 }, height: Math.max(320, 22 * rows.length + 80),
    });
  }

  function drawTasks(tasks, timeline) {
    const box = P.clear($("tasks"));
    let byActor = {};
    if (tasks) {
      for (const t of tasks) (byActor[t.actor] = byActor[t.actor] || []).push(t);
    } else if (timeline) {
      for (const r of timeline) {
        const actors = Array.isArray(r.actors) ? r.actors : String(r.actors || "").split(/[ ,]+/).filter(Boolean);
        for (const a of actors) (byActor[a] = byActor[a] || []).push(r);
      }
    }
    for (const [actor, list] of Object.entries(byActor)) {
      const card = P.el("section", null, { class: "card" });
      card.appendChild(P.el("h3", P.actorName(actor)));
      const ol = P.el("ol");
      for (const t of list) {
        const month = t.start_month !== undefined ? t.start_month : t.start;
        ol.appendChild(P.el("li", (t.name || t.step) + (month !== undefined ? " (" + P.L("month") + " " + month + ")" : "")));
      }
      card.appendChild(ol);
      box.appendChild(card);
    }
    if (!box.childNodes.length) box.appendChild(P.el("p", P.L("no_data")));
  }

  /** The plan's plain figures (objective, horizon, score, optimality gap...), not its lists. */
  function showSummary(result, best) {
    const plain = {};
    for (const source of [result, best]) {
      for (const [k, v] of Object.entries(source)) if (v === null || typeof v !== "object") plain[k] = v;
    }
    P.showAny($("plan-details"), plain);
  }

  async function plan(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    const params = {};
    if (form.objective.value) params.objective = form.objective.value;
    if (form.horizon.value) params.horizon = Number(form.horizon.value);
    if (form.time_limit.value) params.time_limit = Number(form.time_limit.value);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    $("p-progress").value = 0;
    P.setMessage($("p-status"), P.L("loading"));
    try {
      const result = await P.runJob("roadmap", params, (p) => { $("p-progress").value = p; });
      $("p-progress").value = 1;
      P.setMessage($("p-status"), "");
      const best = (result.plans && result.plans[0]) || {};
      let timeline = best.steps || findRecords(result, ["start", "start_month"]);
      if (timeline) {
        timeline = timeline.slice().sort((a, b) => (a.start - b.start) || (a.complete - b.complete));
        drawTimeline(timeline);
        $("timeline-hint").hidden = true;
      }
      const tasks = best.tasks || result.tasks || null;
      drawTasks(P.isRecords(tasks) && "actor" in tasks[0] ? tasks : null, timeline);
      showSummary(result, best);
    } catch (err) {
      P.setMessage($("p-status"), P.messageOf(err), "error");
    } finally { button.disabled = false; }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    $("planner-form").addEventListener("submit", plan);
    try {
      P.showAny($("steps-table"), await P.api("/api/roadmap/steps"));
    } catch (err) { P.showError($("steps-table"), err); }
  });
})();
