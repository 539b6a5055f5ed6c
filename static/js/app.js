/* Small page behaviours, wired by data attributes (the CSP forbids inline script). */
(function () {
  "use strict";

  // <button data-action="print">: print the page (login slips, certificates).
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action=print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  // <form data-confirm="…">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
      return;
    }
    if (!window.confirm(form.getAttribute("data-confirm") || "确定要执行此操作吗？")) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
