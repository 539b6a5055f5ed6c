/* Contest configuration: the live sum of round weights, and reordering criteria (drag or ↑/↓). */
(function () {
  "use strict";

  // On a phone the section tabs scroll sideways: keep the current one in view.
  document.addEventListener("DOMContentLoaded", function () {
    var tab = document.querySelector(".contest-tabs .nav-link.active");
    if (tab && tab.scrollIntoView) { tab.scrollIntoView({ block: "nearest", inline: "center" }); }
  });

  // Round weights: <form data-weights> with inputs [data-weight]; show the sum in [data-weight-sum].
  function parse(text) {
    var value = String(text).trim();
    return /^-?\d+(\.\d+)?$/.test(value) ? value : null;
  }

  // Sum decimal strings exactly by scaling to integers (weights carry at most 4 decimals).
  function sum(values) {
    var total = 0;
    for (var i = 0; i < values.length; i++) {
      total += Math.round(Number(values[i]) * 10000);
    }
    var text = (total / 10000).toFixed(4).replace(/\.?0+$/, "");
    return { text: text, hundred: total === 1000000 };
  }

  function updateWeights(form) {
    var inputs = form.querySelectorAll("[data-weight]");
    var values = [];
    var bad = false;
    inputs.forEach(function (input) {
      var value = parse(input.value);
      if (value === null) { bad = true; } else { values.push(value); }
    });
    var out = form.querySelector("[data-weight-sum]");
    var note = form.querySelector("[data-weight-note]");
    if (!out) { return; }
    if (bad) {
      out.textContent = "—";
      if (note) { note.textContent = "请为每一轮填写数字权重。"; note.classList.add("text-danger"); }
      return;
    }
    var result = sum(values);
    out.textContent = result.text;
    out.classList.toggle("text-danger", !result.hundred);
    out.classList.toggle("text-success", result.hundred);
    if (note) {
      note.classList.toggle("text-danger", !result.hundred);
      note.textContent = result.hundred
        ? "权重合计为 100%，可以保存。总分 = Σ 权重 × 轮次得分 ÷ 100。"
        : "权重合计为 " + result.text + "%，须为 100%。";
    }
  }

  document.addEventListener("input", function (event) {
    var form = event.target instanceof Element ? event.target.closest("form[data-weights]") : null;
    if (form) { updateWeights(form); }
  });

  // Criteria order: rows of table[data-reorder] inside form#criteria-order, each with a hidden ids input.
  function saveOrder(form) {
    var status = form.querySelector("[data-reorder-status]");
    if (status) { status.textContent = "正在保存…"; status.classList.remove("text-danger"); }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      if (status) { status.textContent = "顺序已保存"; }
    }).catch(function () {
      if (status) { status.textContent = "顺序未能保存，请刷新页面后重试"; status.classList.add("text-danger"); }
    });
  }

  function move(row, direction) {
    var sibling = direction === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) { return false; }
    if (direction === "up") { sibling.before(row); } else { sibling.after(row); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-move]") : null;
    if (!button) { return; }
    var row = button.closest("tr");
    var form = button.closest("form");
    if (row && form && move(row, button.getAttribute("data-move"))) {
      button.focus();
      saveOrder(form);
    }
  });

  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var row = event.target instanceof Element ? event.target.closest("table[data-reorder] tbody tr") : null;
    if (!row) { return; }
    dragged = row;
    row.classList.add("opacity-50");
    if (event.dataTransfer) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-id") || "");
    }
  });
  document.addEventListener("dragover", function (event) {
    var row = event.target instanceof Element ? event.target.closest("table[data-reorder] tbody tr") : null;
    if (!dragged || !row || row === dragged || row.parentNode !== dragged.parentNode) { return; }
    event.preventDefault();
    var box = row.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) { row.before(dragged); } else { row.after(dragged); }
  });
  document.addEventListener("drop", function (event) {
    if (dragged) { event.preventDefault(); }
  });
  document.addEventListener("dragend", function () {
    if (!dragged) { return; }
    var form = dragged.closest("form");
    dragged.classList.remove("opacity-50");
    dragged = null;
    if (form) { saveOrder(form); }
  });
})();
