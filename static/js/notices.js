/* The public 公示 ranking: filter the rows by number, name or unit as one types (the form also works without
   JavaScript, by ?q= on the server). Each word must occur in the row's number, name or unit. */
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector("input[name=q]");
    var status = form.querySelector("[data-finder-status]");
    var empty = document.querySelector("[data-finder-empty]");
    var everyone = form.getAttribute("data-everyone") || "";
    if (!input || form.getAttribute("data-query")) {
      return; // the server filtered this page: a new search reloads it
    }
    var groups = Array.prototype.map.call(document.querySelectorAll("[data-group]"), function (section) {
      var rows = Array.prototype.map.call(section.querySelectorAll("tbody tr"), function (row) {
        var keys = Array.prototype.map.call(row.querySelectorAll("[data-key]"), function (cell) {
          return cell.textContent.trim();
        });
        return { row: row, text: keys.join(" ").toLowerCase() };
      });
      return { section: section, rows: rows, count: section.querySelector("[data-group-count]") };
    });
    var initial = status ? status.textContent : "";

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var found = 0;
      groups.forEach(function (group) {
        var shown = 0;
        group.rows.forEach(function (item) {
          var match = words.every(function (word) { return item.text.indexOf(word) !== -1; });
          item.row.hidden = !match;
          if (match) { shown += 1; }
        });
        group.section.hidden = shown === 0;
        if (group.count) { group.count.textContent = String(shown); }
        found += shown;
      });
      if (empty) { empty.hidden = found !== 0; }
      if (status) {
        status.textContent = words.length ? "找到 " + found + " 人（共 " + everyone + " 人）。" : initial;
      }
    }

    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 120);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      apply();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-notice-finder]"), setup);
  });
})();
