/* People pages: a filter form marked data-autosubmit submits when a select changes. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLSelectElement)) {
      return;
    }
    var form = target.form;
    if (form && form.hasAttribute("data-autosubmit")) {
      if (target.name === "county" && form.elements.namedItem("township")) {
        form.elements.namedItem("township").value = "";
      }
      form.submit();
    }
  });
})();
