/* One agreement: its provisions with status; a provision's history, evidence and audit trail;
 * analysts record a status update (POST /api/provisions/{id}/status with optimistic locking). */
"use strict";
(function () {
  const P = window.Panmun;
  const $ = (id) => document.getElementById(id);
  const agreementId = document.body.dataset.agreementId;
  let current = null;          // the provision shown: {id, version, ...}

  const SCORE_STATES = ["not-initiated", "minimal", "intermediate", "full"];

  /** The name of a status: its state, else its score's name on the Peace Accords Matrix scale. */
  function stateLabel(row) {
    if (row.state) return P.L(row.state);
    return P.isNumber(row.score) && SCORE_STATES[row.score] ? P.L(SCORE_STATES[row.score]) : "—";
  }

  /** A link to a source, shown by its host name (the full address is the link's target and title). */
  function sourceLink(url) {
    if (!url) return "—";
    let host = url;
    try { host = new URL(url).host || url; } catch (err) { host = url; }
    return P.el("a", host, { href: url, rel: "noopener noreferrer", title: url });
  }

  async function loadAgreement() {
    const target = $("provisions-table");
    try {
      const a = await P.api("/api/agreements/" + encodeURIComponent(agreementId));
      $("agreement-title").textContent = P.agreementTitle(a);
      document.title = P.agreementTitle(a) + " · " + P.L("app");
      const meta = [a.date, (a.parties || []).map(P.actorName).join(", ")];
      if (P.LANG !== "ko" && a.title_ko) meta.push(a.title_ko);
      if (P.LANG === "ko" && a.title_ko) meta.push(a.title);
      $("agreement-meta").textContent = meta.filter(Boolean).join(" · ");
      $("agreement-summary").textContent = a.summary || "";
      const sources = P.clear($("agreement-sources"));
      for (const s of a.sources || []) {
        const url = typeof s === "string" ? s : s.url;
        if (url) sources.appendChild(P.el("a", (s && s.title) || url, { href: url, rel: "noopener noreferrer" }));
      }
      P.showTable(target, a.provisions || [], {
        columns: ["article", "title", "vector", "state", "score", "since", "id"],
        format: {
          vector: (v) => P.L(v), state: (v, r) => stateLabel(r),
          id: (v, r) => {
            const b = P.el("button", P.L("show"), { type: "button", class: "show-provision",
              "aria-label": P.L("show") + ": " + P.L("article") + " " + r.article });
            b.addEventListener("click", () => showProvision(v, true));
            return b;
          },
        },
        onRow: (tr, r) => { tr.dataset.provision = r.id; if (current && current.id === r.id) tr.classList.add("selected"); },
      });
      const head = target.querySelector("thead th:last-child");
      if (head) head.textContent = P.L("history");
    } catch (err) { P.showError(target, err); }
  }

  async function showProvision(id, focus) {
    const panel = $("provision-panel");
    panel.hidden = false;
    try {
      const p = await P.api("/api/provisions/" + encodeURIComponent(id));
      current = p;
      history.replaceState(null, "", "#provision=" + encodeURIComponent(id));
      $("provision-title").textContent = P.L("article") + " " + p.article + " · " + p.title;
      $("provision-summary").textContent = p.summary || "";
      const rows = (p.history || []).slice().reverse();
      P.showTable($("history-table"), rows, {
        columns: ["date", "score", "state", "note", "source_url", "recorded_by"],
        format: { state: (v, r) => stateLabel(r), source_url: sourceLink },
      });
      P.showTable($("audit-table"), p.audit || [], { columns: ["audited_at", "who", "action", "why", "source"],
        format: { source: sourceLink } });
      document.querySelectorAll("#provisions-table tr.selected").forEach((tr) => tr.classList.remove("selected"));
      const row = document.querySelector('#provisions-table tr[data-provision="' + CSS.escape(id) + '"]');
      if (row) row.classList.add("selected");
      if (focus) {
        const heading = $("provision-title").parentElement;
        heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
        panel.scrollIntoView({ block: "start" });
      }
    } catch (err) { P.showError($("history-table"), err); }
  }

  function body(form) {
    const [kind, value] = form.status.value.split(":");
    const out = { date: form.date.value, note: form.note.value, source_url: form.source_url.value,
      expected_version: current.version };
    if (kind === "score") out.score = Number(value); else out.state = value;
    return out;
  }

  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    const msg = $("status-message");
    if (!form.checkValidity()) { form.reportValidity(); return; }
    P.setMessage(msg, "");
    const s = await P.session();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await P.api("/api/provisions/" + encodeURIComponent(current.id) + "/status",
        { method: "POST", json: body(form), headers: { "X-CSRF-Token": s.csrf || "" } });
      form.note.value = "";
      await showProvision(current.id, false);
      await loadAgreement();
      P.setMessage(msg, P.L("saved"), "ok");          // once the history shows the new entry
    } catch (err) {
      if (err.status === 409) {
        P.setMessage(msg, P.L("conflict"), "error");
        const again = P.el("button", P.L("reload"), { type: "button", class: "link" });
        again.addEventListener("click", () => window.location.reload());
        msg.appendChild(document.createTextNode(" "));
        msg.appendChild(again);
      } else {
        P.setMessage(msg, P.messageOf(err), "error");
      }
    } finally { button.disabled = false; }
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const form = $("status-form");
    form.date.value = new Date().toISOString().slice(0, 10);
    form.addEventListener("submit", submit);
    await loadAgreement();
    const s = await P.session();
    form.hidden = !P.canWrite(s);
    $("signin-hint").hidden = P.canWrite(s);
    const m = /#provision=(.+)$/.exec(window.location.hash);
    if (m) showProvision(decodeURIComponent(m[1]), false);
  });
})();
