// The phone's outbox for confirmed score sheets, as kept in localStorage: what waits, whose it is, and the
// drafts and client tokens that go with it. Sending it and drawing it are static/js/queue.js and
// static/js/queue_panel.js (loaded after this file, before sheet.js); only they use window.JudgeOutbox, sheet.js
// and the tests use window.JudgeQueue.
// A sheet leaves the outbox ONLY when the server has stored it (queue.js) or when the judge explicitly gives it
// up (queue_panel.js). Nothing is dropped.
// A phone may be shared by judges: drafts are named sheet-<user>-<round>-<entry>, a sheet is sent only by its
// own judge's session, and when another judge's page loads the earlier judge's drafts go.
(function () {
  "use strict";
  var OUTBOX = "judge-outbox";    // [{token, user, url, sheetUrl, key, label, total, lines, fields, state, error}]
  var LEGACY = "pending-sheets";  // the previous format, [{url, fields}]: moved into the outbox once
  var USED = "judge-used-tokens"; // client tokens already sent with a PIN: a page showing one gets a new one
  var LAST_USER = "judge-last-user";
  var UNREADABLE = OUTBOX + "-unreadable-", WEEK = 7 * 24 * 3600 * 1000;
  // Deferred: the page is parsed. The panel names the signed-in judge (templates/judging/_queue.html).
  var panel = document.getElementById("judge-queue");
  var changed = function () {};  // queue.js redraws the panel after every change

  function user() { return panel ? panel.dataset.user : ""; }
  function draftKey(listKey) { return "sheet-" + user() + listKey.slice(5); }  // the list's sheet-<round>-<entry>
  // Drafts of other judges (or, at sign-out, of this one). Old drafts without a user belong to no one.
  function dropDrafts(keepUser) {
    var own = keepUser === null ? null : "sheet-" + keepUser + "-";
    Object.keys(localStorage).forEach(function (k) {
      if (k.indexOf("sheet-") === 0 && (own === null || k.indexOf(own) !== 0)) localStorage.removeItem(k);
    });
  }
  // Before anything else on a judge page (sheet.js reads the draft after this): a judge other than the last
  // one on this phone loses nothing of theirs and sees nothing of the earlier judge's. True when the judge
  // changed, for queue.js to tell the service worker.
  function claimPhone() {
    var other = false;
    try {
      other = localStorage.getItem(LAST_USER) !== user();
      dropDrafts(user());
      localStorage.setItem(LAST_USER, user());
    } catch (e) { /* storage blocked: there are no drafts to leak either */ }
    return other;
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
    changed();
  }
  function onChange(callback) { changed = callback; }
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

  window.JudgeOutbox = { KEY: OUTBOX, panel: panel, user: user, draftKey: draftKey, dropDrafts: dropDrafts,
                         claimPhone: claimPhone, read: read, dropOldUnreadable: dropOldUnreadable,
                         onChange: onChange, find: find, mine: mine, orphan: orphan, remove: remove, patch: patch,
                         add: add, stored: stored, rememberToken: rememberToken, isUsed: isUsed,
                         newToken: newToken, migrateLegacy: migrateLegacy };
})();
