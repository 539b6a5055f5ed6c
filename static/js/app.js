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

  // A form the server sent back with errors: the first field marked invalid gets the focus (and comes into
  // view), so a keyboard or screen-reader user lands on what to fix; an autofocus already given is kept.
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("main [aria-invalid=true]");
    if (first && (document.activeElement === document.body || document.activeElement === null)) {
      first.focus();
    }
  });

  // A wide table in .table-responsive on a narrow screen scrolls sideways, which nothing shows: say so above
  // it while it overflows (columns such as 合计 would otherwise go unseen).
  function markScrollable() {
    Array.prototype.forEach.call(document.querySelectorAll("main .table-responsive"), function (box) {
      var hint = box.previousElementSibling;
      var has = hint !== null && hint.classList.contains("scroll-hint");
      var wide = box.scrollWidth > box.clientWidth + 2;
      if (wide && !has) {
        hint = document.createElement("div");
        hint.className = "scroll-hint small text-secondary";
        hint.textContent = "表格较宽，可左右滑动查看全部列 →";
        box.insertAdjacentElement("beforebegin", hint);
      } else if (!wide && has) {
        hint.remove();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollable);
  window.addEventListener("resize", function () { window.requestAnimationFrame(markScrollable); });

  // <form data-confirm="…">: ask before submitting.
  // A button's own data-confirm (a form with several buttons, such as 确认生效 and 驳回) comes before the form's.
  document.addEventListener("submit", function (event) {
    var form = event.target, button = event.submitter;
    var text = button && button.hasAttribute("data-confirm") ? button.getAttribute("data-confirm")
      : form instanceof HTMLFormElement && form.hasAttribute("data-confirm") ? form.getAttribute("data-confirm") : null;
    if (text === null) {
      return;
    }
    if (!window.confirm(text || "确定要执行此操作吗？")) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <input type="file" data-max-bytes="…" data-too-big="…">: refuse a file over the limit before it is sent,
  // so nothing typed on the page is lost to the server's 413.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.hasAttribute("data-max-bytes")) {
      return;
    }
    var limit = Number(input.getAttribute("data-max-bytes"));
    var file = input.files && input.files[0];
    var note = document.getElementById(input.id + "-size");
    if (note) {
      note.remove();
    }
    input.classList.remove("is-invalid");
    if (file && file.size > limit) {
      input.value = "";
      input.classList.add("is-invalid");
      note = document.createElement("div");
      note.id = input.id + "-size";
      note.className = "invalid-feedback d-block";
      note.setAttribute("role", "alert");
      note.textContent = input.getAttribute("data-too-big") || "文件过大";
      input.insertAdjacentElement("afterend", note);
    }
  });
})();
