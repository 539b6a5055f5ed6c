// Sending the phone's outbox (static/js/outbox.js) on every judge page (list, sheet, review).
// A sheet confirmed without a connection, or whose answer never came, waits there as "未同步" and is sent
// when the network returns. It leaves the outbox ONLY when the server answers {stored: true} (a duplicate
// included). A refusal (wrong PIN, sheet locked…) keeps it under "未能提交" with the server's message until
// the judge re-enters the PIN, looks at the sheet again, or explicitly gives it up (static/js/queue_panel.js,
// which draws all this). Nothing is dropped.
// Also: whether the judge is signed in and online (for the banners), and the service worker.
// Loaded after outbox.js and queue_panel.js and before sheet.js, which uses window.JudgeQueue (so do the tests).
// A phone may be shared by judges: a sheet is sent only by its own judge's session, and when another judge's
// page loads the earlier judge's drafts (outbox.js) and kept pages (the service worker) go.
(function () {
  "use strict";
  var O = window.JudgeOutbox, Panel = window.JudgeQueuePanel, panel = O.panel;
  var flushing = false, signedOut = false, unreachable = false, lastReport = null;

  function tellWorker(message) {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage(message);
  }
  function render() {
    Panel.draw({ signedOut: signedOut, unreachable: unreachable, lastReport: lastReport, flushing: flushing }, flush);
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
    if (flushing || !navigator.onLine || !O.read().some(function (i) { return i.state === "queued" && O.mine(i); })) {
      return Promise.resolve();
    }
    flushing = true;
    render();
    var run = function () {
      return session().then(function (who) {
        if (!who || who.signedOut) return;
        if (String(who.user_id) !== O.user()) return;  // another judge signed in meanwhile (another tab)
        var report = { stored: 0, late: 0, flagged: 0, refused: 0 }, badPins = {};
        var chain = Promise.resolve(true);
        O.read().filter(function (i) { return i.state === "queued" && O.mine(i); }).forEach(function (item) {
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
    O.patch(item.token, { state: "refused", error: why, deviation: Boolean(deviation), fields: fields });
  }
  function sendOne(token, who, report, badPins) {
    var item = O.find(token), csrf = who.csrf_token;
    if (!item || item.state !== "queued") return Promise.resolve(true);  // another tab has dealt with it
    if (String(item.user) !== String(who.user_id) || !O.mine(item)) return Promise.resolve(true);  // not theirs
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
          O.remove(token);
          O.stored(item.key);
          announce("judge-stored", item, { late: data.late === true });
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
        if ((data.code === "pin" || why.indexOf("PIN") >= 0) && pin) badPins[pin] = why;
        // No PIN can be tried (locked, or the card revoked): the rest wait for the next try.
        return data.locked !== true && (why.indexOf("锁定") < 0 || why.indexOf("PIN") < 0);
      })
      .catch(function () { unreachable = true; return false; });
  }

  function announce(name, item, extra) {  // the sheet page that shows this sheet as waiting updates itself
    var detail = { key: item.key, total: item.total, late: Boolean(extra && extra.late) };
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
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
        if (registration.active) registration.active.postMessage({ type: "user", user: O.user() });
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
    window.addEventListener("storage", function (event) { if (event.key === O.KEY) render(); });
    setInterval(flush, 30000);  // a connection can come back without an "online" event (a Wi-Fi without uplink)
    document.body.addEventListener("htmx:afterSwap", function () { Panel.markList(O.read().filter(O.mine)); });
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
        var waiting = O.read().filter(function (i) { return O.mine(i); }).length;
        if (waiting && !window.confirm("本机还有 " + waiting + " 张评分表未送达服务器。退出后仍保存在本手机，重新扫码登录后自动发送。确定退出？")) {
          event.preventDefault();
          return;
        }
        // The server keeps its own copy of the drafts: the next judge on this phone finds none of them here.
        O.dropDrafts(null);
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

  window.JudgeQueue = { add: O.add, find: O.find, read: O.read, stored: O.stored, flush: flush, session: session,
                        answer: answer, isUsed: O.isUsed, rememberToken: O.rememberToken, newToken: O.newToken,
                        keepPages: keepPages, setSignedOut: setSignedOut, mine: O.mine };

  // Deferred: the page is parsed, and this runs before sheet.js and before any DOMContentLoaded handler.
  // The phone goes to this page's judge before sheet.js reads a draft; a judge new to the phone also tells the
  // service worker, which then drops the earlier judge's kept pages.
  O.onChange(render);
  if (panel && O.claimPhone()) tellWorker({ type: "user", user: O.user() });

  document.addEventListener("DOMContentLoaded", function () {
    if (!panel) return;
    O.dropOldUnreadable();
    O.migrateLegacy();
    wire();
    render();
    startWorker();
    flush();
  });
})();
