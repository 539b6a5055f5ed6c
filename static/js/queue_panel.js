// What the judge sees of the phone's outbox (static/js/outbox.js) in the #judge-queue panel
// (templates/judging/_queue.html): the banners (offline, signed out, sent), "未同步", the "未能提交" card with
// the server's message and a PIN to resend, the sheets of an older version, and the 未同步 / 未能提交 badges on
// the list. queue.js, which sends, says what to draw (window.JudgeQueuePanel.draw) whenever anything changes.
(function () {
  "use strict";
  var O = window.JudgeOutbox;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function alertBox(kind, strong, text) {
    var box = el("div", "alert alert-" + kind + " small", "");
    box.setAttribute("role", kind === "success" ? "status" : "alert");
    if (strong) box.appendChild(el("strong", "", strong));
    box.appendChild(document.createTextNode(text));
    return box;
  }
  function button(kind, text) {
    var b = el("button", "btn btn-" + kind, text);
    b.type = "button";
    b.style.minHeight = "44px";
    return b;
  }

  // status: {signedOut, unreachable, lastReport, flushing} from queue.js; flush sends again (retry, resend).
  var drawn = "";
  function draw(status, flush) {
    var panel = O.panel;
    if (!panel) return;
    var all = O.read(), list = all.filter(O.mine);
    var others = all.filter(function (i) { return !O.mine(i) && !O.orphan(i); }), orphans = all.filter(O.orphan);
    var queued = list.filter(function (i) { return i.state === "queued"; });
    var refused = list.filter(function (i) { return i.state === "refused"; });
    var lastReport = status.lastReport;
    markList(list);
    // Redrawn only when something changed, keeping a PIN being typed: the list's poll fails every 5 s offline.
    var state = JSON.stringify([list, others.length, orphans, status.signedOut, navigator.onLine && !status.unreachable,
                                lastReport, status.flushing]);
    if (state === drawn) return;
    drawn = state;
    var typed = {}, focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.token : null;
    panel.querySelectorAll("input[data-token]").forEach(function (input) { typed[input.dataset.token] = input.value; });
    panel.textContent = "";
    if (status.signedOut) {
      panel.appendChild(alertBox("danger", "登录已失效，请重新扫码登录。",
        queued.length ? "本机未同步的评分表仍保留，重新登录后自动发送。" : ""));
    } else if (!navigator.onLine || status.unreachable) {
      panel.appendChild(alertBox("warning", "网络已断开：",
        "可以继续评分并确认，评分表先保存在本手机（未同步），联网后自动发送。"));
    }
    if (lastReport && lastReport.stored) {
      var text = lastReport.stored + " 张离线确认的评分表已送达服务器。";
      if (lastReport.late) text += "其中 " + lastReport.late + " 张送达时评分窗口已关闭，作为迟交评分表由组织者审核。";
      if (lastReport.flagged) text += "其中 " + lastReport.flagged + " 张与其他评委差异较大，已标记供组织者查看。";
      panel.appendChild(alertBox("success", "", text));
    }
    if (queued.length) {
      var box = alertBox("warning", "未同步：", queued.length + " 张评分表已在本手机确认，尚未送达服务器（" +
        queued.map(function (i) { return i.label; }).join("、") + "）。联网后自动发送；送达前请勿清除浏览器数据。");
      box.id = "queue-pending";
      if (navigator.onLine && !status.signedOut) {
        var again = button("outline-dark btn-sm ms-2", status.flushing ? "正在发送…" : "立即重试");
        again.disabled = status.flushing;
        again.addEventListener("click", function () { flush(); });
        box.appendChild(again);
      }
      panel.appendChild(box);
    }
    if (refused.length) panel.appendChild(refusedCard(refused, typed, flush));
    if (others.length) {  // nothing of them is shown: not the contestant, not the marks
      var theirs = alertBox("secondary", "", "本机有另一位评委未发送的评分表，请该评委登录后发送。");
      theirs.id = "queue-others";
      panel.appendChild(theirs);
    }
    if (orphans.length) panel.appendChild(orphanCard(orphans));
    var again = focused && panel.querySelector("input[data-token='" + focused + "']");
    if (again) again.focus();
  }

  // A card of the panel: its section (id, border colour), a heading and a line of explanation; rows go in body.
  function card(id, border, heading, title, text) {
    var section = el("section", "card " + border + " mb-3");
    section.id = id;
    var body = section.appendChild(el("div", "card-body"));
    body.appendChild(el("h2", heading, title));
    body.appendChild(el("p", "small mb-2", text));
    return { section: section, body: body };
  }

  function refusedCard(refused, typed, flush) {
    var box = card("queue-refused", "border-danger", "h6 text-danger", "未能提交（" + refused.length + " 张）",
                   "这些评分表已在本手机确认，但服务器没有接收。分数仍保存在本机，请按服务器的答复处理：");
    var body = box.body;
    refused.forEach(function (item) {
      var row = body.appendChild(el("div", "border rounded p-2 mb-2 queue-refused-item"));
      row.appendChild(el("div", "fw-semibold", item.label + (item.total ? " · 合计 " + item.total + " 分" : "")));
      row.appendChild(el("div", "small text-danger mb-2", "服务器答复：" + item.error));
      if (item.lines && item.lines.length) {
        var details = row.appendChild(el("details", "small mb-2"));
        details.appendChild(el("summary", "", "查看分数"));
        item.lines.forEach(function (line) { details.appendChild(el("div", "", line[0] + "：" + line[1])); });
      }
      var form = row.appendChild(el("form", "d-flex gap-2 mb-2"));
      var pin = form.appendChild(el("input", "form-control form-control-lg"));
      pin.type = "password"; pin.inputMode = "numeric"; pin.maxLength = 6; pin.autocomplete = "one-time-code";
      pin.placeholder = "重新输入 PIN"; pin.setAttribute("aria-label", "重新输入 PIN：" + item.label);
      pin.dataset.token = item.token;
      pin.value = typed[item.token] || "";
      var resend = form.appendChild(el("button", "btn btn-primary btn-lg text-nowrap",
                                       item.deviation ? "按原分提交" : "重新提交"));
      resend.type = "submit";
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!/^\d{6}$/.test(pin.value.trim())) { pin.classList.add("is-invalid"); pin.focus(); return; }
        var fields = Object.assign({}, item.fields, { pin: pin.value.trim() });
        if (item.deviation) fields.acknowledge_deviation = "1";
        O.patch(item.token, { state: "queued", error: "", fields: fields });
        flush();
      });
      var actions = row.appendChild(el("div", "d-flex flex-wrap gap-2"));
      var look = actions.appendChild(button("outline-secondary", "返回修改"));
      look.addEventListener("click", function () { lookAgain(item); });
      var drop = actions.appendChild(button("link text-danger px-0", "放弃这份评分"));
      drop.addEventListener("click", function () {
        if (window.confirm("确定放弃“" + item.label + "”这份未能提交的评分？本机将删除它，不能恢复。")) O.remove(item.token);
      });
    });
    return box.section;
  }

  function orphanCard(orphans) {
    var box = card("queue-orphans", "border-secondary", "h6", "旧版本保存的评分表（" + orphans.length + " 张）",
                   "无法确认属于哪位评委，不会自动发送。如需提交，请该评委重新评分；确认不再需要时放弃。");
    var body = box.body;
    orphans.forEach(function (item) {
      var row = body.appendChild(el("div", "d-flex flex-wrap align-items-center justify-content-between gap-2 border rounded p-2 mb-2"));
      row.appendChild(el("span", "", item.label));
      var drop = row.appendChild(button("outline-danger", "放弃"));
      drop.addEventListener("click", function () {
        if (window.confirm("确定放弃“" + item.label + "”这份评分表？本机将删除它，不能恢复。")) O.remove(item.token);
      });
    });
    return box.section;
  }

  // Back to the sheet with these marks as the newest draft; the refused entry stays until that sheet is stored.
  function lookAgain(item) {
    var draft = { _at: Date.now() };
    Object.keys(item.fields).forEach(function (k) {
      if (/^m-\d+$/.test(k) || k === "comment") draft[k] = item.fields[k];
    });
    localStorage.setItem(item.key, JSON.stringify(draft));
    window.location.href = item.sheetUrl;
  }

  function markList(list) {
    document.querySelectorAll("#judge-list [data-sheet-key]").forEach(function (row) {
      var old = row.querySelector(".queue-badge");
      if (old) old.remove();
      var key = O.draftKey(row.dataset.sheetKey);
      var item = list.filter(function (i) { return i.key === key; })[0];
      if (!item) return;
      var badge = el("span", "badge queue-badge " + (item.state === "queued" ? "text-bg-warning" : "text-bg-danger"),
                     item.state === "queued" ? "未同步" : "未能提交");
      (row.querySelector(".sheet-badges") || row).appendChild(badge);
    });
  }

  window.JudgeQueuePanel = { draw: draw, markList: markList };
})();
