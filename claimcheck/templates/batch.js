// Sort the stories table by a column: numbers largest first, text A to Z; a second click reverses.
"use strict";
const table = document.getElementById("stories");
const headers = Array.from(table.querySelectorAll("th"));
headers.forEach((th, column) => {
  th.querySelector("button").addEventListener("click", () => {
    const numeric = th.querySelector("button").dataset.key === "num";
    const first = numeric ? "descending" : "ascending";
    const order = th.getAttribute("aria-sort") === first ? (first === "descending" ? "ascending" : "descending") : first;
    headers.forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", order);
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const value = (row) => row.cells[column].dataset.v;
    rows.sort((a, b) => {
      const cmp = numeric ? Number(value(a)) - Number(value(b)) : value(a).localeCompare(value(b));
      return order === "ascending" ? cmp : -cmp;
    });
    rows.forEach((row) => body.appendChild(row));
  });
});
