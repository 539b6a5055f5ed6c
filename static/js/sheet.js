// The judge's score sheet: −/+ by the step, a live total, drafts kept on the phone and on the server,
// and a confirmed sheet that could not reach the server kept as "未同步" and sent when the network returns.
(function () {
  "use strict";
  var PENDING = "pending-sheets";

  function decimals(text) { var i = String(text).indexOf("."); return i < 0 ? 0 : String(text).length - i - 1; }
  function csrf() { var f = document.querySelector("input[name=csrf_token]"); return f ? f.value : ""; }
  function setState(text, kind) {
    var el = document.getElementById("sync-state");
    if (el) { el.textContent = text; el.className = "small text-" + (kind || "secondary"); }
  }

  function sheetForm(form) {
    var inputs = form.querySelectorAll(".mark-input");
    var key = form.dataset.storageKey;
    function total() {
      var sum = 0, scale = 0, complete = true;
      inputs.forEach(function (input) {
        var v = input.value.trim();
        if (v === "" || isNaN(Number(v))) { complete = false; return; }
        scale = Math.max(scale, decimals(v));
      });
      var factor = Math.pow(10, scale);
      inputs.forEach(function (input) { var v = input.value.trim(); if (v !== "" && !isNaN(Number(v))) sum += Math.round(Number(v) * factor); });
      document.getElementById("sheet-total").textContent = complete ? (sum / factor).toFixed(scale) : "–";
    }
    function snapshot() {
      var data = new FormData(form);
      var plain = {};
      data.forEach(function (value, name) { if (name !== "csrf_token") plain[name] = value; });
      return plain;
    }
    var timer = null;
    function saveSoon() {
      localStorage.setItem(key, JSON.stringify(snapshot()));
      setState("草稿已保存在本机", "secondary");
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new FormData(form);
        fetch(form.dataset.draftUrl, { method: "POST", body: body, headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } })
          .then(function (r) { setState(r.ok ? "草稿已同步到服务器" : "草稿未能同步（服务器拒绝）", r.ok ? "success" : "danger"); })
          .catch(function () { setState("网络中断：草稿保存在本机，未同步", "warning"); });
      }, 1500);
    }
    var stored = localStorage.getItem(key);
    if (stored) {
      try {
        var saved = JSON.parse(stored);
        inputs.forEach(function (input) { if (!input.value && saved[input.name]) input.value = saved[input.name]; });
        var comment = form.querySelector("[name=comment]");
        if (comment && !comment.value && saved.comment) comment.value = saved.comment;
      } catch (e) { localStorage.removeItem(key); }
    }
    form.querySelectorAll(".step-btn").forEach(function (button) {
      button.addEventListener("click", function () {
        var card = button.closest(".criterion");
        var input = card.querySelector(".mark-input");
        var step = Number(card.dataset.step), min = Number(card.dataset.min), max = Number(card.dataset.max);
        var scale = Math.max(decimals(card.dataset.step), decimals(input.value || "0"));
        var current = input.value.trim() === "" ? (Number(button.dataset.delta) > 0 ? min - step : max + step) : Number(input.value);
        var next = Math.min(max, Math.max(min, current + step * Number(button.dataset.delta)));
        input.value = String(Number(next.toFixed(scale)));
        total(); saveSoon();
      });
    });
    form.addEventListener("input", function () { total(); saveSoon(); });
    total();
    form.dataset.ready = "1";  // the −/+ buttons work from here on (tests wait for it too)
  }

  function confirmForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = new FormData(form);
      var plain = {};
      body.forEach(function (value, name) { plain[name] = value; });
      setState("正在提交…", "secondary");
      fetch(form.action, { method: "POST", body: body, headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (res.data.deviation) { form.submit(); return; }  // the server shows the look-again page
          if (!res.ok) { setState(res.data.error || "提交被拒绝", "danger"); return; }
          localStorage.removeItem(form.dataset.storageKey);
          window.location.href = "/judge/";
        })
        .catch(function () {
          // Offline: keep the confirmed sheet with the time it was confirmed, send it when the network returns.
          plain.confirmed_offline_at = new Date().toISOString();
          var pending = JSON.parse(localStorage.getItem(PENDING) || "[]");
          pending.push({ url: form.action, fields: plain });
          localStorage.setItem(PENDING, JSON.stringify(pending));
          setState("未同步：网络中断，评分已确认并保存在本机，网络恢复后自动发送", "warning");
        });
    });
  }

  function flushPending() {
    var pending = JSON.parse(localStorage.getItem(PENDING) || "[]");
    if (!pending.length || !navigator.onLine) return;
    var left = [];
    var chain = Promise.resolve();
    pending.forEach(function (item) {
      chain = chain.then(function () {
        var body = new FormData();
        Object.keys(item.fields).forEach(function (k) { body.append(k, item.fields[k]); });
        body.set("csrf_token", csrf());
        return fetch(item.url, { method: "POST", body: body, headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } })
          .then(function (r) { if (r.status >= 500) left.push(item); })
          .catch(function () { left.push(item); });
      });
    });
    chain.then(function () {
      localStorage.setItem(PENDING, JSON.stringify(left));
      setState(left.length ? "仍有 " + left.length + " 张评分表未同步" : "离线评分表已全部同步", left.length ? "warning" : "success");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sheet = document.getElementById("sheet-form");
    if (sheet) sheetForm(sheet);
    var confirm = document.getElementById("confirm-form");
    if (confirm) confirmForm(confirm);
    flushPending();
    window.addEventListener("online", flushPending);
  });
})();
