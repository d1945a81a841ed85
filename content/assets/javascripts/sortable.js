/* The funds index: a plain table every reader can read, which with this script sorts by any column. Each heading
   becomes a button; the first press sorts figures from the highest and words from A, a second press reverses, and
   the heading's aria-sort tells a screen reader which way the table runs. Empty cells stay last either way. */
(function () {
  "use strict";

  function key(cell) {
    var text = cell.textContent.trim();
    if (text === "") return null;
    var number = parseFloat(text.replace(/[$,%+]/g, "").replace("\u2212", "-"));
    return isNaN(number) ? text.toLowerCase() : number;
  }

  function compare(a, b, direction) {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    if (typeof a === "number" && typeof b === "number") return (a - b) * direction;
    return String(a).localeCompare(String(b)) * direction;
  }

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (head, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sortable-table__button";
      button.textContent = head.textContent;
      head.textContent = "";
      head.appendChild(button);
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var figures = rows.some(function (row) { return typeof key(row.cells[column]) === "number"; });
        var first = figures ? "descending" : "ascending";
        var order = head.getAttribute("aria-sort") === first ? (first === "ascending" ? "descending" : "ascending") : first;
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", order);
        var direction = order === "ascending" ? 1 : -1;
        rows.sort(function (x, y) { return compare(key(x.cells[column]), key(y.cells[column]), direction); });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  document.querySelectorAll(".sortable-table table").forEach(sortable);
})();
