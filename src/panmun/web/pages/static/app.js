/* panmun dashboard: helpers shared by every page (labels, API calls, tables, charts, jobs,
 * the session in the header). Data are always put in the page with textContent, never as HTML. */
"use strict";

window.Panmun = (function () {
  const body = document.body;
  const LABELS = JSON.parse(body.dataset.labels || "{}");
  const ACTORS = JSON.parse(body.dataset.actors || "{}");
  const LANG = body.dataset.lang || "en";

  /** A label in the page's language; {name} fields filled from `fields`. Unknown keys come back as they are. */
  function L(key, fields) {
    let text = Object.prototype.hasOwnProperty.call(LABELS, key) ? LABELS[key] : String(key);
    for (const [k, v] of Object.entries(fields || {})) text = text.replace("{" + k + "}", v);
    return text;
  }

  /** An API failure: HTTP status, the error body's code/message/hint, and whether the endpoint is missing. */
  class ApiFailure extends Error {
    constructor(status, error, what) {
      super((error && error.message) || ("HTTP " + status));
      this.status = status;
      this.code = error && error.code;
      this.hint = error && error.hint;
      this.field = error && error.field;
      this.what = what;
      // A route that does not exist yet answers 404 "Not Found" (or 405): the endpoint is not served.
      this.unavailable = status === 405 || (status === 404 && (!error || error.message === "Not Found"));
    }
  }

  /** fetch() a JSON endpoint of this server; resolves to the parsed body, rejects with ApiFailure. */
  async function api(path, options) {
    const opts = Object.assign({ credentials: "same-origin", headers: {} }, options || {});
    opts.headers = Object.assign({ Accept: "application/json" }, opts.headers);
    if (opts.json !== undefined) {
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    const what = (opts.method || "GET") + " " + path.split("?")[0];
    let response;
    try {
      response = await fetch(path, opts);
    } catch (err) {
      throw new ApiFailure(0, { message: String(err) }, what);
    }
    if (response.status === 204) return null;
    let data = null;
    try { data = await response.json(); } catch (err) { data = null; }
    if (!response.ok) throw new ApiFailure(response.status, data && data.error, what);
    return data;
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  /** Show a failure in `target`: "not available" for a missing endpoint, else the API's message. */
  function showError(target, err) {
    clear(target);
    target.dataset.status = err && err.unavailable ? "unavailable" : "error";
    const p = el("p", null, { class: "notice error", role: "alert" });
    if (err && err.unavailable) {
      p.textContent = L("not_available", { what: err.what });
    } else {
      p.textContent = L("error") + ": " + (err && err.message ? err.message : String(err));
      if (err && err.hint) p.appendChild(el("span", " " + err.hint));
    }
    target.appendChild(p);
    if (err && !(err instanceof ApiFailure)) console.error(err);
  }

  function isNumber(v) { return typeof v === "number" && Number.isFinite(v); }

  function formatValue(v) {
    if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) return "—";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(Math.abs(v) < 10 ? 3 : 1)));
    if (typeof v === "boolean") return v ? "✓" : "✗";
    if (Array.isArray(v)) return v.map(formatValue).join(", ");
    if (typeof v === "object" && "median" in v) {
      return formatValue(v.median) + " (" + formatValue(v.low) + "–" + formatValue(v.high) + ")";
    }
    if (typeof v === "object") return Object.entries(v).map(([k, x]) => k + ": " + formatValue(x)).join("; ");
    return String(v);
  }

  /** A <table> of records. columns: keys to show (default: every key of the first record);
   * format: {key: (value, row) => string | Node}; caption: optional text. */
  function table(records, options) {
    const o = options || {};
    const cols = o.columns || (records.length ? Object.keys(records[0]) : []);
    const t = el("table");
    if (o.caption) t.appendChild(el("caption", o.caption));
    const head = t.createTHead().insertRow();
    for (const c of cols) {
      const th = el("th", o.header ? o.header(c) : L(c), { scope: "col" });
      if (records.some((r) => isNumber(r[c]))) th.className = "num";
      head.appendChild(th);
    }
    const tb = t.createTBody();
    for (const r of records) {
      const tr = tb.insertRow();
      for (const c of cols) {
        const td = tr.insertCell();
        const f = o.format && o.format[c];
        const shown = f ? f(r[c], r) : formatValue(r[c]);
        if (shown instanceof Node) td.appendChild(shown); else td.textContent = shown;
        if (isNumber(r[c])) td.className = "num";
        else if (/^(date|since|month|at|start_month|audited_at|recorded_at)$/.test(c)) td.className = "nowrap";
      }
      if (o.onRow) o.onRow(tr, r);
    }
    return t;
  }

  /** Put records as a table in `target` (or "No data."). */
  function showTable(target, records, options) {
    clear(target);
    target.dataset.status = "ready";
    if (!records || !records.length) { target.appendChild(el("p", L("no_data"))); return null; }
    const t = table(records, options);
    target.appendChild(t);
    return t;
  }

  function isRecords(v) {
    return Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === "object" && !Array.isArray(x));
  }

  /** Show any JSON answer: a list of records as a table; an object as a list of its plain values
   * followed by a table for each of its lists of records (and the same for nested objects). */
  function showAny(target, data, options) {
    clear(target);
    target.dataset.status = "ready";
    const o = options || {};
    if (isRecords(data)) { target.appendChild(table(o.limit ? data.slice(0, o.limit) : data, o)); return; }
    if (data === null || data === undefined || (Array.isArray(data) && !data.length)) {
      target.appendChild(el("p", L("no_data")));
      return;
    }
    if (typeof data !== "object" || Array.isArray(data)) { target.appendChild(el("p", formatValue(data))); return; }
    const dl = el("dl", null, { class: "kv" });
    const nested = [];
    for (const [k, v] of Object.entries(data)) {
      if (isRecords(v) || (v && typeof v === "object" && !Array.isArray(v))) { nested.push([k, v]); continue; }
      dl.appendChild(el("dt", L(k)));
      dl.appendChild(el("dd", o.format && o.format[k] ? o.format[k](v) : formatValue(v)));
    }
    if (dl.childNodes.length) target.appendChild(dl);
    for (const [k, v] of nested) {
      const box = el("div");
      box.appendChild(el("h3", L(k)));
      const inner = el("div", null, { class: "table-wrap" });
      box.appendChild(inner);
      target.appendChild(box);
      showAny(inner, v, Object.assign({}, o, { caption: undefined }));
    }
  }

  /** Text for Plotly (which reads a little HTML): escape it so that it shows as typed. */
  function plotText(s) {
    return String(s === null || s === undefined ? "" : s)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  const PLOT_CONFIG = {
    displaylogo: false, responsive: true, showLink: false, showSendToCloud: false,
    showEditInChartStudio: false, modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"],
  };
  const FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK KR', sans-serif";

  /** Draw (or re-draw) a Plotly chart in `target`. */
  function plot(target, traces, layout) {
    const base = {
      font: { family: FONT, size: 14, color: "#1b1f24" }, margin: { l: 60, r: 20, t: 20, b: 50 },
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff", hoverlabel: { font: { family: FONT } },
      legend: { orientation: "h", y: -0.2 },
    };
    target.dataset.status = "ready";
    return window.Plotly.react(target, traces, Object.assign(base, layout || {}), PLOT_CONFIG);
  }

  function actorName(code) {
    const a = ACTORS[code];
    return a ? (a[LANG] || a.en) : code;
  }

  /** An actor's code, with its name (in the page's language) as the abbreviation's title. */
  function actorCode(code) {
    if (!code) return "—";
    return el("abbr", code, { title: actorName(code) });
  }

  /** An agreement's title in the page's language (the store's Korean title when there is one). */
  function agreementTitle(a) {
    return (LANG === "ko" && a.title_ko) ? a.title_ko : (a.title || a.short_title || a.id);
  }

  function pct(x) { return isNumber(x) ? (100 * x).toFixed(0) + " %" : "—"; }

  let sessionPromise = null;
  /** The session: {signed_in, name, role, csrf} ({signed_in: false, unavailable} without the endpoint). */
  function session(refresh) {
    if (!sessionPromise || refresh) {
      sessionPromise = api("/api/session").catch((err) => ({ signed_in: false, unavailable: err.unavailable }));
    }
    return sessionPromise;
  }

  function canWrite(s) { return !!(s && s.signed_in && (s.role === "analyst" || s.role === "admin")); }

  function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

  /** Run a job: POST /api/jobs, then poll GET /api/jobs/{id} until done; onProgress(0..1). Resolves to the result. */
  async function runJob(kind, params, onProgress) {
    const s = await session();
    const headers = s.csrf ? { "X-CSRF-Token": s.csrf } : {};
    const job = await api("/api/jobs", { method: "POST", json: { kind: kind, params: params }, headers: headers });
    let wait = 300;
    for (;;) {
      const state = await api("/api/jobs/" + encodeURIComponent(job.id));
      if (onProgress) onProgress(state.progress || 0, state);
      if (state.state === "done") return state.result;
      if (state.state === "failed") {
        throw new ApiFailure(500, { message: L("job_failed") + ": " + (state.error || "") }, "job " + job.id);
      }
      await sleep(wait);
      wait = Math.min(1500, wait * 1.3);
    }
  }

  function setMessage(target, text, kind) {
    target.textContent = text;
    target.className = "message" + (kind ? " " + kind : "");
  }

  function messageOf(err) {
    if (err && err.unavailable) return L("not_available", { what: err.what });
    return L("error") + ": " + (err && err.message ? err.message : String(err)) + (err && err.hint ? " " + err.hint : "");
  }

  async function signOut() {
    const s = await session();
    try {
      await api("/api/session", { method: "DELETE", headers: s.csrf ? { "X-CSRF-Token": s.csrf } : {} });
    } finally {
      window.location.assign("/");
    }
  }

  async function header() {
    const status = document.getElementById("session-status");
    const link = document.getElementById("signin-link");
    const out = document.getElementById("signout-button");
    const s = await session();
    if (s.signed_in) {
      status.textContent = L("signed_in_as") + " " + s.name + " (" + s.role + ")";
      link.hidden = true;
      out.hidden = false;
    } else {
      status.textContent = L("anonymous");
    }
    out.addEventListener("click", signOut);
    const pageButton = document.getElementById("signout-page-button");
    if (pageButton) pageButton.addEventListener("click", signOut);
  }

  document.addEventListener("DOMContentLoaded", header);

  return {
    L: L, LANG: LANG, api: api, ApiFailure: ApiFailure, clear: clear, el: el, showError: showError,
    table: table, showTable: showTable, showAny: showAny, isRecords: isRecords, formatValue: formatValue, isNumber: isNumber, plot: plot,
    plotText: plotText, actorName: actorName, actorCode: actorCode, agreementTitle: agreementTitle, pct: pct,
    session: session, canWrite: canWrite, runJob: runJob, setMessage: setMessage, messageOf: messageOf,
  };
})();
