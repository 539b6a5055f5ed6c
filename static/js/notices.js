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

  // The objection forms' 所涉参赛人: the list keeps only the options holding every word typed; one left is
  // chosen. The choice made stays while it still matches.
  function contestantFinder(box) {
    var input = box.querySelector("input"), status = box.querySelector(".form-text");
    var select = document.getElementById(input.getAttribute("data-finder-for"));
    if (!select) { return; }
    var prompt = select.options[0].textContent;
    var all = Array.prototype.slice.call(select.options, 1).map(function (option) {
      return { value: option.value, text: option.textContent };
    });
    box.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var kept = all.filter(function (o) {
        return words.every(function (word) { return o.text.toLowerCase().indexOf(word) !== -1; });
      });
      select.length = 0;
      select.add(new Option(kept.length ? prompt : "没有符合的参赛人，请修改查找内容", ""));
      kept.forEach(function (o) { select.add(new Option(o.text, o.value, false, o.value === chosen)); });
      if (kept.length === 1) { select.value = kept[0].value; }
      status.textContent = !words.length ? "" : !kept.length ? "没有找到，请核对编号或名称。"
        : "找到 " + kept.length + " 人" + (kept.length === 1 ? "，已选中。" : "，请在下方选择。");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-notice-finder]"), setup);
    Array.prototype.forEach.call(document.querySelectorAll("[data-contestant-finder]"), contestantFinder);
  });
})();
