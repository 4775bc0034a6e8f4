/* Sign in: post the name and password as JSON to /api/session, then go back where the reader was. */
"use strict";
(function () {
  const P = window.Panmun;

  // Characters that change what a URL means once a browser reads it: ASCII tabs and newlines are
  // dropped ("/\t/evil.example" becomes "//evil.example"), "\" reads as "/"; any other control,
  // space or format character has no place in a path of this site either.
  const UNSAFE = /[\u0000-\u0020\u007f-\u00a0\u00ad\u061c\u115f\u1160\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\ufff9-\ufffb\\]|\s/;

  /** `next` if it leads to this site (same origin once resolved, and written as a plain path), else "/". */
  function safeNext(next) {
    if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || UNSAFE.test(next)) return "/";
    let url;
    try {
      url = new URL(next, window.location.origin);
    } catch (err) {
      return "/";
    }
    if (url.origin !== window.location.origin) return "/";
    return url.pathname + url.search + url.hash;
  }

  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    const msg = document.getElementById("signin-message");
    if (!form.reportValidity()) return;
    try {
      await P.api("/api/session", { method: "POST", json: { name: form.name.value, password: form.password.value } });
      window.location.assign(safeNext(document.body.dataset.next || "/"));
    } catch (err) {
      P.setMessage(msg, err.status === 401 ? P.L("bad_credentials") : P.messageOf(err), "error");
      form.password.value = "";
      form.password.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("signin-form").addEventListener("submit", submit);
  });
})();
