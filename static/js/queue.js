// The phone's outbox for confirmed score sheets, on every judge page (list, sheet, review).
// A sheet confirmed without a connection, or whose answer never came, waits here as "未同步" and is sent
// when the network returns. It leaves the outbox ONLY when the server answers {stored: true} (a duplicate
// included). A refusal (wrong PIN, sheet locked…) keeps it under "未能提交" with the server's message until
// the judge re-enters the PIN, looks at the sheet again, or explicitly gives it up. Nothing is dropped.
// Also: the banners (offline, signed out), the 未同步 badges on the list, and the service worker.
// A phone may be shared by judges: drafts are named sheet-<user>-<round>-<entry>, a sheet is sent only by its
// own judge's session, and when another judge's page loads the earlier judge's drafts and kept pages go.
(function () {
  "use strict";
  var OUTBOX = "judge-outbox";    // [{token, user, url, sheetUrl, key, label, total, lines, fields, state, error}]
  var LEGACY = "pending-sheets";  // the previous format, [{url, fields}]: moved into the outbox once
  var USED = "judge-used-tokens"; // client tokens already sent with a PIN: a page showing one gets a new one
  var LAST_USER = "judge-last-user";
  var UNREADABLE = OUTBOX + "-unreadable-", WEEK = 7 * 24 * 3600 * 1000;
  var panel = null, flushing = false, signedOut = false, unreachable = false, lastReport = null;

  function user() { return panel ? panel.dataset.user : ""; }
  function draftKey(listKey) { return "sheet-" + user() + listKey.slice(5); }  // the list's sheet-<round>-<entry>
  // Drafts of other judges (or, at sign-out, of this one). Old drafts without a user belong to no one.
  function dropDrafts(keepUser) {
    var own = keepUser === null ? null : "sheet-" + keepUser + "-";
    Object.keys(localStorage).forEach(function (k) {
      if (k.indexOf("sheet-") === 0 && (own === null || k.indexOf(own) !== 0)) localStorage.removeItem(k);
    });
  }
  function tellWorker(message) {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage(message);
  }
  // Before anything else on a judge page (sheet.js reads the draft after this): a judge other than the last
  // one on this phone loses nothing of theirs and sees nothing of the earlier judge's.
  function claimPhone() {
    try {
      var last = localStorage.getItem(LAST_USER);
      if (last !== user()) tellWorker({ type: "user", user: user() });
      dropDrafts(user());
      localStorage.setItem(LAST_USER, user());
    } catch (e) { /* storage blocked: there are no drafts to leak either */ }
  }

  function read() {
    var raw = localStorage.getItem(OUTBOX);
    try { var list = JSON.parse(raw || "[]"); return Array.isArray(list) ? list : []; } catch (e) {
      localStorage.setItem(UNREADABLE + Date.now(), raw);  // kept a week for the staff, never overwritten
      return [];
    }
  }
  function dropOldUnreadable() {
    Object.keys(localStorage).forEach(function (k) {
      var at = k.indexOf(UNREADABLE) === 0 ? Number(k.slice(UNREADABLE.length)) : NaN;
      if (at && Date.now() - at > WEEK) localStorage.removeItem(k);
    });
  }
  // Every change re-reads the outbox right before writing it (another tab, or an answer that came meanwhile,
  // may have changed it) and touches items by their client token only.
  function update(change) {
    var list = change(read());
    localStorage.setItem(OUTBOX, JSON.stringify(list));
    render();
  }
  function find(token) { return read().filter(function (i) { return i.token === token; })[0] || null; }
  // Only the signed-in judge's own sheets are drawn as theirs and sent; a sheet without a user (an old format)
  // belongs to no one: never sent, only shown to be given up.
  function mine(item) { return Boolean(item.user) && Boolean(panel) && String(item.user) === user(); }
  function orphan(item) { return !item.user; }
  function remove(token) { update(function (l) { return l.filter(function (i) { return i.token !== token; }); }); }
  function patch(token, changes) {
    update(function (l) {
      return l.map(function (i) { return i.token === token ? Object.assign({}, i, changes) : i; });
    });
  }

  function add(item) {
    item.state = "queued";
    item.error = "";
    item.user = item.user || user();
    item.fields.judge_user = String(item.user);
    try {
      update(function (l) { return l.filter(function (i) { return i.token !== item.token; }).concat([item]); });
    } catch (e) { return false; }  // storage full: the caller tells the judge, nothing pretends to be kept
    rememberToken(item.token);
    return true;
  }
  // The sheet is stored: its local draft and any earlier refused attempt at it are done with.
  function stored(key) {
    localStorage.removeItem(key);
    update(function (l) { return l.filter(function (i) { return !(i.key === key && i.state === "refused"); }); });
  }

  function rememberToken(token) {
    try {
      var used = JSON.parse(localStorage.getItem(USED) || "[]").filter(function (t) { return t !== token; });
      localStorage.setItem(USED, JSON.stringify(used.concat([token]).slice(-200)));
    } catch (e) { /* only an aid: the server refuses a reused token anyway */ }
  }
  function isUsed(token) {
    try { return JSON.parse(localStorage.getItem(USED) || "[]").indexOf(token) >= 0; } catch (e) { return false; }
  }
  function newToken() {
    var bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_");
  }

  function migrateLegacy() {
    var old;
    try { old = JSON.parse(localStorage.getItem(LEGACY) || "[]"); } catch (e) { return; }
    // Sheets queued before drafts were named with the judge: their key follows the new name.
    if (read().some(function (i) { return i.user && /^sheet-\d+-\d+$/.test(i.key); })) {
      update(function (l) {
        return l.map(function (i) {
          return i.user && /^sheet-\d+-\d+$/.test(i.key) ? Object.assign({}, i, { key: "sheet-" + i.user + i.key.slice(5) }) : i;
        });
      });
    }
    if (!Array.isArray(old) || !old.length) { localStorage.removeItem(LEGACY); return; }
    update(function (l) {
      old.forEach(function (o) {
        var m = /\/r\/(\d+)\/e\/(\d+)\//.exec(o.url || "");
        var token = o.fields && o.fields.client_token;
        if (!m || !token || l.some(function (i) { return i.token === token; })) return;
        l.push({ token: token, user: "", url: o.url, sheetUrl: o.url.replace(/\/confirm$/, ""), fields: o.fields,
                 key: "sheet-" + m[1] + "-" + m[2], label: "评分表（轮次 " + m[1] + "，参赛人 " + m[2] + "）",
                 total: "", lines: [], state: "queued", error: "" });
      });
      return l;
    });
    localStorage.removeItem(LEGACY);
  }

  // Still signed in? Resolves {user_id, csrf_token} (a fresh token for sending), {signedOut: true}, or null
  // when the server cannot be reached in time.
  function session(timeout) {
    if (!panel) return Promise.resolve(null);
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, timeout || 8000) : null;
    return fetch(panel.dataset.sessionUrl, { headers: { "Accept": "application/json" }, cache: "no-store",
                                             credentials: "same-origin", signal: abort ? abort.signal : undefined })
      .then(function (r) {
        unreachable = false;
        if (r.status === 401) { setSignedOut(true); return { signedOut: true }; }
        if (!r.ok) return null;
        return r.json().then(function (who) { setSignedOut(false); return who; });
      })
      .catch(function () { unreachable = true; render(); return null; })
      .then(function (who) { clearTimeout(timer); return who; });
  }
  function answer(r) {
    var json = (r.headers.get("Content-Type") || "").indexOf("application/json") >= 0;
    return (json ? r.json() : Promise.resolve(null))
      .catch(function () { return null; })
      .then(function (data) { return { status: r.status, json: data }; });
  }
  function setSignedOut(value) { if (signedOut !== value) { signedOut = value; render(); } }

  function flush() {
    if (flushing || !navigator.onLine || !read().some(function (i) { return i.state === "queued" && mine(i); })) {
      return Promise.resolve();
    }
    flushing = true;
    render();
    var run = function () {
      return session().then(function (who) {
        if (!who || who.signedOut) return;
        if (String(who.user_id) !== user()) return;  // another judge signed in meanwhile (another tab)
        var report = { stored: 0, late: 0, flagged: 0, refused: 0 }, badPins = {};
        var chain = Promise.resolve(true);
        read().filter(function (i) { return i.state === "queued" && mine(i); }).forEach(function (item) {
          chain = chain.then(function (go) { return go && sendOne(item.token, who, report, badPins); });
        });
        return chain.then(function () {
          if (report.stored || report.refused) lastReport = report;
          if (report.stored) document.body.dispatchEvent(new Event("judge-refresh"));  // the list's states, now
        });
      });
    };
    var done = function () { flushing = false; render(); };
    var locked = navigator.locks ? navigator.locks.request("judge-outbox", run) : run();  // one tab sends at a time
    return locked.then(done, done);
  }

  // Resolves true to go on with the next sheet, false to stop (offline again, signed out, server busy).
  // A refused sheet keeps no PIN on the phone: the judge types it again to resend.
  function refuse(item, why, deviation) {
    var fields = Object.assign({}, item.fields);
    delete fields.pin;
    patch(item.token, { state: "refused", error: why, deviation: Boolean(deviation), fields: fields });
  }
  function sendOne(token, who, report, badPins) {
    var item = find(token), csrf = who.csrf_token;
    if (!item || item.state !== "queued") return Promise.resolve(true);  // another tab has dealt with it
    if (String(item.user) !== String(who.user_id) || !mine(item)) return Promise.resolve(true);  // not theirs
    var pin = item.fields.pin;
    if (pin && badPins[pin]) {  // the same mistyped PIN again would only count towards the lock-out
      refuse(item, badPins[pin], false);
      announce("judge-refused", item);
      report.refused += 1;
      return Promise.resolve(true);
    }
    var body = new FormData();
    Object.keys(item.fields).forEach(function (k) { body.append(k, item.fields[k]); });
    body.set("csrf_token", csrf);
    body.set("queued", "1");
    body.set("judge_user", String(item.user));  // the server refuses it for another judge, before the PIN
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                             headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(answer)
      .then(function (res) {
        var data = res.json;
        if (data && data.stored === true) {
          remove(token);
          stored(item.key);
          announce("judge-stored", item);
          report.stored += 1;
          if (data.late) report.late += 1;
          if (data.deviation_flag) report.flagged += 1;
          keepPages([item.sheetUrl]);
          return true;
        }
        if (res.status === 401) { setSignedOut(true); return false; }
        var refused = data && data.stored === false && data.code !== "csrf" && res.status < 500 && res.status !== 429;
        if (!refused) return res.status < 500 && res.status !== 429;  // no answer to act on: it stays queued
        var why = data.error || data.message || "服务器未接收该评分表";
        refuse(item, why, data.deviation);
        announce("judge-refused", item);
        report.refused += 1;
        if (why.indexOf("PIN") >= 0 && pin) badPins[pin] = why;
        return why.indexOf("锁定") < 0 || why.indexOf("PIN") < 0;  // PIN locked: the rest wait for the next try
      })
      .catch(function () { unreachable = true; return false; });
  }

  function announce(name, item) {  // the sheet page that shows this sheet as waiting updates itself
    document.dispatchEvent(new CustomEvent(name, { detail: { key: item.key, total: item.total } }));
  }

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

  var drawn = "";
  function render() {
    if (!panel) return;
    var all = read(), list = all.filter(mine);
    var others = all.filter(function (i) { return !mine(i) && !orphan(i); }), orphans = all.filter(orphan);
    var queued = list.filter(function (i) { return i.state === "queued"; });
    var refused = list.filter(function (i) { return i.state === "refused"; });
    markList(list);
    // Redrawn only when something changed, keeping a PIN being typed: the list's poll fails every 5 s offline.
    var state = JSON.stringify([list, others.length, orphans, signedOut, navigator.onLine && !unreachable, lastReport, flushing]);
    if (state === drawn) return;
    drawn = state;
    var typed = {}, focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.token : null;
    panel.querySelectorAll("input[data-token]").forEach(function (input) { typed[input.dataset.token] = input.value; });
    panel.textContent = "";
    if (signedOut) {
      panel.appendChild(alertBox("danger", "登录已失效，请重新扫码登录。",
        queued.length ? "本机未同步的评分表仍保留，重新登录后自动发送。" : ""));
    } else if (!navigator.onLine || unreachable) {
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
      if (navigator.onLine && !signedOut) {
        var again = button("outline-dark btn-sm ms-2", flushing ? "正在发送…" : "立即重试");
        again.disabled = flushing;
        again.addEventListener("click", function () { flush(); });
        box.appendChild(again);
      }
      panel.appendChild(box);
    }
    if (refused.length) panel.appendChild(refusedCard(refused, typed));
    if (others.length) {  // nothing of them is shown: not the contestant, not the marks
      var theirs = alertBox("secondary", "", "本机有另一位评委未发送的评分表，请该评委登录后发送。");
      theirs.id = "queue-others";
      panel.appendChild(theirs);
    }
    if (orphans.length) panel.appendChild(orphanCard(orphans));
    var again = focused && panel.querySelector("input[data-token='" + focused + "']");
    if (again) again.focus();
  }

  function refusedCard(refused, typed) {
    var card = el("section", "card border-danger mb-3");
    card.id = "queue-refused";
    var body = card.appendChild(el("div", "card-body"));
    body.appendChild(el("h2", "h6 text-danger", "未能提交（" + refused.length + " 张）"));
    body.appendChild(el("p", "small mb-2", "这些评分表已在本手机确认，但服务器没有接收。分数仍保存在本机，请按服务器的答复处理："));
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
        patch(item.token, { state: "queued", error: "", fields: fields });
        flush();
      });
      var actions = row.appendChild(el("div", "d-flex flex-wrap gap-2"));
      var look = actions.appendChild(button("outline-secondary", "返回修改"));
      look.addEventListener("click", function () { lookAgain(item); });
      var drop = actions.appendChild(button("link text-danger px-0", "放弃这份评分"));
      drop.addEventListener("click", function () {
        if (window.confirm("确定放弃“" + item.label + "”这份未能提交的评分？本机将删除它，不能恢复。")) remove(item.token);
      });
    });
    return card;
  }

  function orphanCard(orphans) {
    var card = el("section", "card border-secondary mb-3");
    card.id = "queue-orphans";
    var body = card.appendChild(el("div", "card-body"));
    body.appendChild(el("h2", "h6", "旧版本保存的评分表（" + orphans.length + " 张）"));
    body.appendChild(el("p", "small mb-2", "无法确认属于哪位评委，不会自动发送。如需提交，请该评委重新评分；确认不再需要时放弃。"));
    orphans.forEach(function (item) {
      var row = body.appendChild(el("div", "d-flex flex-wrap align-items-center justify-content-between gap-2 border rounded p-2 mb-2"));
      row.appendChild(el("span", "", item.label));
      var drop = row.appendChild(button("outline-danger", "放弃"));
      drop.addEventListener("click", function () {
        if (window.confirm("确定放弃“" + item.label + "”这份评分表？本机将删除它，不能恢复。")) remove(item.token);
      });
    });
    return card;
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
      var key = draftKey(row.dataset.sheetKey);
      var item = list.filter(function (i) { return i.key === key; })[0];
      if (!item) return;
      var badge = el("span", "badge queue-badge " + (item.state === "queued" ? "text-bg-warning" : "text-bg-danger"),
                     item.state === "queued" ? "未同步" : "未能提交");
      (row.querySelector(".sheet-badges") || row).appendChild(badge);
    });
  }

  // The service worker keeps the list and the sheets opened before, for a judge without signal.
  function keepPages(urls) {
    if (panel) tellWorker({ type: "keep", urls: urls.concat([panel.dataset.homeUrl]) });
  }
  function startWorker() {
    if (!("serviceWorker" in navigator) || !panel) return;  // plain http or an old browser: pages stay online-only
    var uncontrolled = !navigator.serviceWorker.controller;
    navigator.serviceWorker.register(panel.dataset.swUrl, { scope: panel.dataset.homeUrl })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        if (registration.active) registration.active.postMessage({ type: "user", user: user() });
        // This page was loaded before the worker controlled it, so it is not kept yet.
        if (uncontrolled && registration.active) {
          registration.active.postMessage({ type: "keep", urls: [location.pathname, panel.dataset.homeUrl] });
        }
      })
      .catch(function () { /* without a worker the page that is open still scores and queues offline */ });
  }

  function wire() {
    window.addEventListener("online", function () { unreachable = false; render(); flush(); });
    window.addEventListener("offline", render);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
    window.addEventListener("storage", function (event) { if (event.key === OUTBOX) render(); });
    setInterval(flush, 30000);  // a connection can come back without an "online" event (a Wi-Fi without uplink)
    document.body.addEventListener("htmx:afterSwap", function () { markList(read().filter(mine)); });
    document.body.addEventListener("htmx:responseError", function (event) {
      if (event.detail.xhr.status === 401) setSignedOut(true);
    });
    document.body.addEventListener("htmx:sendError", function () { unreachable = true; render(); });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && (unreachable || signedOut)) { unreachable = false; setSignedOut(false); flush(); }
    });
    // Signing out: the unsent sheets stay on the phone, the pages kept for offline use do not.
    document.querySelectorAll("form[action$='/logout']").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var waiting = read().filter(function (i) { return mine(i); }).length;
        if (waiting && !window.confirm("本机还有 " + waiting + " 张评分表未送达服务器。退出后仍保存在本手机，重新扫码登录后自动发送。确定退出？")) {
          event.preventDefault();
          return;
        }
        // The server keeps its own copy of the drafts: the next judge on this phone finds none of them here.
        dropDrafts(null);
        tellWorker({ type: "forget" });
      });
    });
    // 反馈问题 on the list: the round goes with the contestant picked.
    document.querySelectorAll("[data-report-entry]").forEach(function (select) {
      select.addEventListener("change", function () {
        var round = select.form.querySelector("[data-report-round]");
        var option = select.options[select.selectedIndex];
        if (round && option) round.value = option.dataset.round;
      });
    });
  }

  window.JudgeQueue = { add: add, find: find, read: read, stored: stored, flush: flush, session: session,
                        answer: answer, isUsed: isUsed, rememberToken: rememberToken, newToken: newToken,
                        keepPages: keepPages, setSignedOut: setSignedOut, mine: mine };

  // Deferred: the page is parsed, and this runs before sheet.js and before any DOMContentLoaded handler.
  panel = document.getElementById("judge-queue");
  if (panel) claimPhone();

  document.addEventListener("DOMContentLoaded", function () {
    if (!panel) return;
    dropOldUnreadable();
    migrateLegacy();
    wire();
    render();
    startWorker();
    flush();
  });
})();
