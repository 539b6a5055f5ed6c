// The judge's score sheet: −/+ snap to the step, a live total of the valid marks, drafts kept on the phone
// and on the server (the newer of the two wins), and confirmation: the server's review page when it can be
// reached, else the summary and the PIN right here, the sheet then waiting in the phone's outbox (queue.js, outbox.js)
// as "未同步" until the server has stored it.
(function () {
  "use strict";
  var Q = window.JudgeQueue;

  function csrfField(form) { return form.querySelector("input[name=csrf_token]"); }
  function setState(text, kind) {
    var el = document.getElementById("sync-state");
    if (el) { el.textContent = text; el.className = "small text-" + (kind || "secondary"); }
  }

  // Marks are decimal text; sums and steps are done in integers of 10^-scale, so 0.1 + 0.2 is 0.3.
  function normal(text) {  // full-width digits and point from a Chinese keyboard
    return String(text).trim().replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[．。]/g, ".");
  }
  function trimZeros(text) { return text.indexOf(".") < 0 ? text : text.replace(/0+$/, "").replace(/\.$/, ""); }
  function decimals(text) { var i = text.indexOf("."); return i < 0 ? 0 : text.length - i - 1; }
  function units(text, scale) {
    var negative = text.charAt(0) === "-", parts = (negative ? text.slice(1) : text).split(".");
    var fraction = (parts[1] || "") + new Array(scale + 1).join("0");
    var n = Number(parts[0] + fraction.slice(0, scale));
    return negative ? -n : n;
  }
  function format(n, scale) {  // as the server's points filter shows them: 72, 18.5
    var digits = String(Math.abs(n));
    while (digits.length <= scale) digits = "0" + digits;
    var text = scale ? digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale) : digits;
    return (n < 0 ? "-" : "") + (scale ? trimZeros(text) : text);
  }

  // One criterion's mark: {state: "empty" | "bad" | "ok", value, scale, text, message}.
  function check(card, input) {
    var text = normal(input.value), min = card.dataset.min, max = card.dataset.max, step = card.dataset.step;
    if (text === "") return { state: "empty" };
    if (!/^-?\d+(\.\d+)?$/.test(text)) return { state: "bad", message: "“" + text.slice(0, 12) + "”不是有效的数字" };
    text = trimZeros(text);
    var scale = Math.max(decimals(min), decimals(max), decimals(step), decimals(text));
    if (scale > 8) return { state: "bad", message: "分数须为 " + step + " 的整数倍" };
    var v = units(text, scale), lo = units(min, scale), hi = units(max, scale), st = units(step, scale);
    if (v < lo || v > hi) return { state: "bad", message: "分数须在 " + min + "–" + max + " 之间", value: v, scale: scale };
    if ((v - lo) % st !== 0) return { state: "bad", message: "分数须为 " + step + " 的整数倍", value: v, scale: scale };
    return { state: "ok", value: v, scale: scale, text: format(v, scale) };
  }

  function sheetForm(form) {
    var cards = Array.prototype.slice.call(form.querySelectorAll(".criterion"));
    var inputs = cards.map(function (card) { return card.querySelector(".mark-input"); });
    var comment = form.querySelector("[name=comment]");
    var key = form.dataset.storageKey, drafted = form.querySelector("[name=draft_at]");
    var token = form.querySelector("[name=client_token]"), submit = form.querySelector("button[type=submit]");

    // Marks each field, shows the total of the valid marks when all are there; returns what it found.
    function total() {
      var found = { complete: true, bad: 0, empty: 0, sum: 0, scale: 0, first: null, lines: [] };
      var checks = cards.map(function (card, i) {
        var result = check(card, inputs[i]), error = card.querySelector(".mark-error");
        var bad = result.state === "bad";
        inputs[i].classList.toggle("is-invalid", bad);
        inputs[i].setAttribute("aria-invalid", bad ? "true" : "false");
        if (error) { error.hidden = !bad; error.textContent = bad ? result.message : ""; }
        if (result.state !== "ok") {
          found.complete = false;
          found[result.state] += 1;
          if (!found.first) found.first = inputs[i];
        }
        found.scale = Math.max(found.scale, result.scale || 0);
        return result;
      });
      checks.forEach(function (result, i) {
        if (result.state !== "ok") return;
        found.sum += units(result.text, found.scale);
        found.lines.push([cards[i].dataset.name, result.text]);
      });
      found.text = format(found.sum, found.scale);
      document.getElementById("sheet-total").textContent = found.complete ? found.text : "–";
      var note = document.getElementById("sheet-total-note");
      note.className = "small text-" + (found.bad ? "danger" : "secondary");
      note.textContent = found.bad ? found.bad + " 项分数无效（已标红），未计入合计" :
        (found.empty && found.empty < inputs.length ? "还有 " + found.empty + " 项未填" : "");
      return found;
    }

    function snapshot(at) {
      var plain = { _at: at };
      inputs.forEach(function (input) { plain[input.name] = input.value; });
      plain.comment = comment ? comment.value : "";
      return plain;
    }
    var timer = null;
    function saveSoon(at) {
      at = at || Date.now();
      drafted.value = String(at);
      try {
        localStorage.setItem(key, JSON.stringify(snapshot(at)));
        setState("草稿已保存在本机", "secondary");
      } catch (e) { setState("本机存储已满：草稿只能保存到服务器", "warning"); }
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new FormData(form);
        var headers = { "X-CSRFToken": csrfField(form).value, "Accept": "application/json" };
        fetch(form.dataset.draftUrl, { method: "POST", body: body, credentials: "same-origin", headers: headers })
          .then(Q.answer)
          .then(function (res) {
            if (res.status === 200) { setState("草稿已同步到服务器", "success"); return; }
            if (res.status === 401) { Q.setSignedOut(true); setState("登录已失效：草稿保存在本机", "warning"); return; }
            if (res.json && res.json.code === "csrf") {  // a page kept from earlier: take a fresh token for next time
              Q.session().then(function (who) { if (who && who.csrf_token) csrfField(form).value = who.csrf_token; });
            }
            setState("草稿未能同步到服务器，已保存在本机", "warning");
          })
          .catch(function () { setState("网络中断：草稿保存在本机，未同步", "warning"); });
      }, 1500);
    }

    // The phone's copy and the server's: the newer one wins (both carry the phone's clock at the last edit).
    var serverAt = Number(form.dataset.serverDraftAt) || 0, local = null;
    try { local = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { local = null; }
    if (local && local._at > serverAt) {
      var changed = false;
      inputs.concat(comment ? [comment] : []).forEach(function (field) {
        if (typeof local[field.name] === "string" && local[field.name] !== field.value) {
          field.value = local[field.name];
          changed = true;
        }
      });
      if (changed) { saveSoon(local._at); setState("已恢复本机上较新的草稿", "info"); }
    } else if (local && !local._at) {  // a draft kept before drafts had times: fill the empty fields only
      inputs.forEach(function (input) { if (!input.value && local[input.name]) input.value = local[input.name]; });
    }
    if (Q.isUsed(token.value)) token.value = Q.newToken();  // a page kept from before that token was sent

    form.querySelectorAll(".step-btn").forEach(function (b) {
      b.addEventListener("click", function () {
        var card = b.closest(".criterion"), input = card.querySelector(".mark-input"), delta = Number(b.dataset.delta);
        var result = check(card, input), min = card.dataset.min, max = card.dataset.max, step = card.dataset.step;
        var scale = result.scale !== undefined ? result.scale : Math.max(decimals(min), decimals(max), decimals(step));
        var lo = units(min, scale), hi = units(max, scale), st = units(step, scale), next;
        if (result.value === undefined) {
          next = delta > 0 ? lo : hi;  // an empty field starts from the bottom (+) or the top (−)
        } else {  // to the next mark on the step: 18.3 goes up to 18.5 and down to 18.0
          var k = (result.value - lo) / st;
          next = lo + (delta > 0 ? Math.floor(k) + 1 : Math.ceil(k) - 1) * st;
        }
        input.value = format(Math.min(hi, Math.max(lo, next)), scale);
        total();
        saveSoon();
      });
    });
    inputs.forEach(function (input, i) {
      input.addEventListener("keydown", function (event) {  // Enter goes to the next field, never submits
        if (event.key !== "Enter") return;
        event.preventDefault();
        var next = inputs[i + 1] || comment;
        if (next) next.focus();
      });
      input.addEventListener("change", function () {
        var text = normal(input.value);
        if (text !== input.value) { input.value = text; total(); saveSoon(); }
      });
    });
    form.addEventListener("input", function () { total(); saveSoon(); });
    // The sticky total bar stays over the bottom of the screen: a field that gets the focus (Enter, a tap, an
    // invalid mark) scrolls up above it, so the judge sees what they type, also with the keyboard open.
    var footer = form.querySelector(".sheet-footer");
    form.addEventListener("focusin", function (event) {
      var field = event.target;
      if (!footer || field === footer.querySelector("button")) return;
      window.requestAnimationFrame(function () {
        var bar = footer.getBoundingClientRect(), box = field.getBoundingClientRect();
        var hidden = box.bottom + 12 - bar.top;
        if (hidden > 0 && bar.top > 0) window.scrollBy(0, hidden);
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var found = total();
      if (!found.complete) {
        setState(found.bad ? "有分数无效，请按标红的提示修改" : "请先填写全部评分项", "danger");
        if (found.first) found.first.focus();
        return;
      }
      submit.disabled = true;
      setState("正在连接服务器…", "secondary");
      Q.session(6000).then(function (who) {
        submit.disabled = false;
        if (who && !who.signedOut) {  // online: the server's review page, with a token that is surely valid
          csrfField(form).value = who.csrf_token;
          HTMLFormElement.prototype.submit.call(form);
          return;
        }
        offlineReview(found, Boolean(who && who.signedOut));
      });
    });
    total();

    var section = document.getElementById("offline-review"), queuedBox = document.getElementById("queued-sheet");
    function showQueued(item) {
      form.hidden = true;
      section.hidden = true;
      document.getElementById("queued-total").textContent = item.total;
      queuedBox.hidden = false;
    }
    function offlineReview(found, signedOut) {
      var rows = document.getElementById("offline-marks");
      rows.textContent = "";
      found.lines.forEach(function (line) {
        var tr = rows.appendChild(document.createElement("tr"));
        tr.appendChild(document.createElement("td")).textContent = line[0];
        var td = tr.appendChild(document.createElement("td"));
        td.className = "num";
        td.textContent = line[1];
      });
      document.getElementById("offline-total").textContent = found.text;
      var said = document.getElementById("offline-comment");
      said.hidden = !(comment && comment.value.trim());
      said.textContent = comment ? "点评：" + comment.value.trim() : "";
      if (signedOut) {
        document.getElementById("offline-why").textContent = "登录已失效，需要重新扫码登录。确认后评分表保存在本手机，" +
          "显示“未同步”；重新登录后自动发送，服务器届时核对 PIN。";
      }
      section.dataset.total = found.text;
      section.lines = found.lines;
      form.hidden = true;
      section.hidden = false;
      window.scrollTo(0, 0);
      document.getElementById("offline-pin").focus();
    }
    document.getElementById("offline-back").addEventListener("click", function () {
      section.hidden = true;
      form.hidden = false;
    });
    document.getElementById("offline-confirm").addEventListener("submit", function (event) {
      event.preventDefault();
      var pin = document.getElementById("offline-pin"), error = document.getElementById("offline-pin-error");
      var confirmButton = event.target.querySelector("button[type=submit]");
      var valid = /^\d{6}$/.test(pin.value.trim());
      error.hidden = valid;
      pin.classList.toggle("is-invalid", !valid);
      if (!valid || confirmButton.disabled) { pin.focus(); return; }
      confirmButton.disabled = true;
      var fields = { client_token: token.value, pin: pin.value.trim(), comment: comment ? comment.value : "",
                     confirmed_offline_at: new Date().toISOString() };
      inputs.forEach(function (input) { fields[input.name] = trimZeros(normal(input.value)); });
      var item = { token: token.value, url: form.dataset.confirmUrl, sheetUrl: location.pathname, key: key,
                   label: form.dataset.label, total: section.dataset.total, lines: section.lines, fields: fields };
      if (!Q.add(item)) {
        confirmButton.disabled = false;
        error.textContent = "本机存储已满，无法保存这份评分：请联网后再提交，或清理浏览器中的其他网站数据。";
        error.hidden = false;
        return;
      }
      showQueued(item);
      Q.flush();
    });

    // While the outbox sends it: say so here once the server has it, or when it refused it.
    document.addEventListener("judge-stored", function (event) {
      if (queuedBox.hidden || event.detail.key !== key) return;
      var late = event.detail.late;  // confirmed offline, arrived after scoring closed: counts once accepted
      queuedBox.firstElementChild.className = late ? "alert alert-warning" : "alert alert-success";
      queuedBox.firstElementChild.textContent = "本评分表已送达服务器并锁定（合计 " + event.detail.total + " 分）" +
        (late ? "。因送达时评分已关闭，为迟交评分表，须经组织者审核接受后才计入。" : "。");
    });
    document.addEventListener("judge-refused", function (event) {
      if (queuedBox.hidden || event.detail.key !== key) return;
      queuedBox.firstElementChild.className = "alert alert-danger";
      queuedBox.firstElementChild.textContent = "未能提交：请看上方“未能提交”中服务器的答复。";
    });
    var waiting = Q.read().filter(function (i) {  // this judge's own only, on a phone shared with others
      return Q.mine(i) && (i.token === token.value || (i.key === key && i.state === "queued"));
    })[0];
    if (waiting && waiting.state === "queued") showQueued(waiting);
    form.dataset.ready = "1";  // the −/+ buttons work from here on (tests wait for it too)
  }

  // The server's review page (online): the PIN confirms; an answer that never comes leaves it in the outbox.
  function confirmForm(form) {
    var submit = form.querySelector("button[type=submit]"), pinField = form.querySelector("#pin");
    if (pinField) pinField.addEventListener("input", function () { pinField.classList.remove("is-invalid"); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (submit.disabled) return;  // a double tap sends once
      submit.disabled = true;
      setState("正在提交…", "secondary");
      var body = new FormData(form), fields = {};
      body.forEach(function (value, name) { if (name !== "csrf_token") fields[name] = value; });
      Q.rememberToken(fields.client_token);
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                           headers: { "X-CSRFToken": csrfField(form).value, "Accept": "application/json" } })
        .then(Q.answer)
        .then(function (res) {
          var data = res.json;
          if (data && data.stored === true) {
            Q.stored(form.dataset.storageKey);
            Q.keepPages([form.dataset.sheetUrl]);
            window.location.href = document.getElementById("judge-queue").dataset.homeUrl;
            return;
          }
          if (data && data.deviation) { lookAgain(form); return; }
          if (data && data.code === "pin") { pinRefused(form, data); return; }
          if (data && data.stored === false && data.code !== "csrf" && res.status < 500 && res.status !== 401 &&
              res.status !== 429) {
            setState(data.error || "提交被拒绝", "danger");
            submit.disabled = false;
            return;
          }
          if (res.status === 401) Q.setSignedOut(true);
          keep(form, fields);  // signed out, an expired page, a busy server: no answer to act on
        })
        .catch(function () { keep(form, fields); });
    });
  }
  // The server asks once per sheet version to look again (it has recorded asking): the page says so here, rather
  // than posting the form again, which the server would take as the next confirmation and store.
  function lookAgain(form) {
    var submit = form.querySelector("button[type=submit]"), pin = form.querySelector("#pin");
    document.getElementById("deviation-alert").hidden = false;
    document.getElementById("acknowledge-deviation").value = "1";
    submit.textContent = submit.dataset.deviationLabel;
    pin.value = "";
    setState("", "secondary");
    submit.disabled = false;
    pin.focus();
  }
  // A refused PIN is said at the field, which is emptied for the next try; while locked nothing can be tried.
  function pinRefused(form, data) {
    var pin = form.querySelector("#pin"), error = document.getElementById("pin-error");
    pin.classList.add("is-invalid");
    error.textContent = data.error;
    pin.value = "";
    if (data.locked) {
      pin.disabled = true;
      setState("请联系工作人员处理后刷新本页；评分已保存为草稿，不会丢失。", "danger");
      return;
    }
    setState("", "secondary");
    form.querySelector("button[type=submit]").disabled = false;
    pin.focus();
  }
  function keep(form, fields) {
    fields.confirmed_offline_at = new Date().toISOString();
    var lines = Array.prototype.map.call(document.querySelectorAll("main table tbody tr[data-name]"), function (tr) {
      return [tr.dataset.name, tr.dataset.value];  // this confirmation's marks, not a correction's earlier ones
    });
    var ok = Q.add({ token: fields.client_token, url: form.action, sheetUrl: form.dataset.sheetUrl,
                     key: form.dataset.storageKey, label: form.dataset.label, total: form.dataset.total,
                     lines: lines, fields: fields });
    setState(ok ? "未同步：评分已确认并保存在本机，联网后自动发送" : "本机存储已满，无法保存：请联网后再提交",
             ok ? "warning" : "danger");
    if (ok) Q.flush();
    else form.querySelector("button[type=submit]").disabled = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var locked = document.getElementById("sheet-locked");
    if (locked) localStorage.removeItem(locked.dataset.storageKey);  // the server's sheet is final now
    var sheet = document.getElementById("sheet-form");
    if (sheet) sheetForm(sheet);
    var confirm = document.getElementById("confirm-form");
    if (confirm) confirmForm(confirm);
  });
})();
