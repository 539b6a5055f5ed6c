/* Judge sign-in cards: a card form opens its PDF in a new tab; this page then refreshes its states. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-reload-after-submit") || event.defaultPrevented) {
      return;
    }
    window.setTimeout(function () { window.location.reload(); }, 2500);
  });
})();
