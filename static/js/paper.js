// Paper entry: the typed marks add up live, so the clerk can compare the total with the one written
// on the paper sheet.
(function () {
  "use strict";

  function decimals(text) { var i = text.indexOf("."); return i < 0 ? 0 : text.length - i - 1; }

  function liveTotal(form) {
    var inputs = form.querySelectorAll(".mark-input");
    var out = document.getElementById("paper-total");
    if (!out || !inputs.length) { return; }
    function update() {
      var scale = 0, complete = true, values = [];
      inputs.forEach(function (input) {
        var v = input.value.trim();
        if (v === "" || isNaN(Number(v))) { complete = false; return; }
        scale = Math.max(scale, decimals(v));
        values.push(v);
      });
      var factor = Math.pow(10, scale), sum = 0;
      values.forEach(function (v) { sum += Math.round(Number(v) * factor); });
      out.textContent = complete ? (sum / factor).toFixed(scale) : "–";
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("paper-form");
    if (form) { liveTotal(form); }
  });
})();
