/* Agreements: every agreement with its Korean title, date, parties and number of provisions. */
"use strict";
(function () {
  const P = window.Panmun;

  function titleCell(value, row) {
    const box = P.el("div");
    box.appendChild(P.el("a", P.agreementTitle(row), { href: "/agreements/" + encodeURIComponent(row.id) }));
    const other = P.LANG === "ko" ? row.title : row.title_ko;
    if (other && other !== P.agreementTitle(row)) {
      box.appendChild(P.el("div", other, { class: "meta", lang: P.LANG === "ko" ? "en" : "ko" }));
    }
    return box;
  }

  document.addEventListener("DOMContentLoaded", async () => {
    const target = document.getElementById("agreements-table");
    try {
      const rows = await P.api("/api/agreements");
      P.showTable(target, rows, {
        columns: ["title", "date", "parties", "provisions"],
        format: { title: titleCell, parties: (v) => (Array.isArray(v) ? v.map(P.actorName).join(", ") : P.formatValue(v)) },
      });
    } catch (err) { P.showError(target, err); }
  });
})();
