/* Sign in: post the name and password as JSON to /api/session, then go back where the reader was. */
"use strict";
(function () {
  const P = window.Panmun;

  async function submit(event) {
    event.preventDefault();
    const form = event.target;
    const msg = document.getElementById("signin-message");
    if (!form.reportValidity()) return;
    try {
      await P.api("/api/session", { method: "POST", json: { name: form.name.value, password: form.password.value } });
      const next = document.body.dataset.next || "/";
      window.location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/");
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
