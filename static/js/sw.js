// The judge's service worker: served by the app at /judge/sw.js (scope /judge/), which puts its settings in
// self.JUDGE_SW = {version, assets} above this text (app/judging/views.py).
//
// It lets a judge with no signal (site visits) open the list and the sheets they opened before:
// - pages (the list, the full round lists and the sheets only): network first, so the judge sees the server's current state
//   whenever it can be reached; the last copy otherwise;
// - static assets: cache first. The version changes whenever the assets do, so a new worker installs
//   and fetches them again.
// Marks are never sent from here: POSTs go to the network as usual, and what could not be sent waits in the
// page's outbox (outbox.js, sent by queue.js).
"use strict";

var SETTINGS = self.JUDGE_SW || { version: "dev", assets: [] };
var ASSETS = "judge-assets-" + SETTINGS.version;
// Pages are kept per judge (a phone may be shared): "judge-pages-<user id>", not versioned (a deploy must not
// take away the pages a judge keeps offline). The user a page belongs to is the server's X-Judge-User header,
// never a page's claim; the current judge is the one the pages last said (message "user") or the last page
// fetched said, kept in USER so that it outlives the worker, and only their cache is ever served.
var PAGES = "judge-pages-";
var USER = "judge-sw-user";
// "我的评分", a round's full list (查看全部) and the score sheets; never sign-in, review or polls
var PAGE = /^\/judge\/(r\/\d+\/e\/\d+|rounds\/\d+)?$/;
var current = null;  // the current judge's id, read from USER after a restart

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (cache) { return cache.addAll(SETTINGS.assets); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // Also the one cache of pages of earlier versions ("judge-pages"): it cannot tell whose pages it holds.
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return (name.indexOf("judge-assets-") === 0 && name !== ASSETS) || name === "judge-pages";
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function currentUser() {
  if (current !== null) return Promise.resolve(current);
  return caches.open(USER).then(function (cache) { return cache.match("/judge/__user"); })
    .then(function (hit) { return hit ? hit.text() : ""; })
    .then(function (user) { current = user; return user; });
}
// A judge other than the last one is using the phone: the other judges' pages go, whatever happens next.
function setUser(user) {
  user = String(user || "");
  return currentUser().then(function (before) {
    current = user;
    var saved = before === user ? Promise.resolve() : caches.open(USER).then(function (cache) {
      return user ? cache.put("/judge/__user", new Response(user)) : cache.delete("/judge/__user");
    });
    return saved.then(function () { return caches.keys(); }).then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PAGES) === 0 && name !== PAGES + user;
      }).map(function (name) { return caches.delete(name); }));
    });
  });
}
function forgetAll() {
  current = "";
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(PAGES) === 0 || name === USER; })
      .map(function (name) { return caches.delete(name); }));
  });
}
// Keeps a page the server rendered for the judge it names, who is then the phone's current judge.
function keep(path, response) {
  var user = response.headers.get("X-Judge-User");
  if (!user) return Promise.resolve();
  return setUser(user).then(function () {
    return caches.open(PAGES + user).then(function (cache) { return cache.put(path, response); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(event, url.pathname));
  }
  // Anything else (the list's poll, /judge/session, materials): the network as usual.
});

function cacheFirst(request) {
  // ignoreSearch: the icon font is asked for with a ?hash query.
  return caches.match(request, { cacheName: ASSETS, ignoreSearch: true }).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(ASSETS).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function networkFirst(event, path) {
  return fetch(event.request).then(function (response) {
    if (keepable(response)) event.waitUntil(keep(path, response.clone()));
    return response;
  }).catch(function () {
    return currentUser().then(function (user) {
      if (!user) return null;
      return caches.open(PAGES + user).then(function (cache) { return cache.match(path, { ignoreVary: true }); });
    }).then(function (hit) { return hit || notKept(); });
  });
}

// Only the judge's own page as the server rendered it: not the login page after a redirect, not an error.
function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

function notKept() {
  var html = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>暂时无法打开</title></head>" +
    "<body style=\"font-family: sans-serif; padding: 1.5rem; line-height: 1.6\"><h1 style=\"font-size: 1.25rem\">" +
    "当前没有网络</h1><p>这个页面此前没有在本手机上打开过，离线时无法显示。</p>" +
    "<p>请返回“我的评分”，打开联网时打开过的评分表；联网后即可打开其他页面。</p>" +
    "<p><a href=\"/judge/\" style=\"display: inline-block; padding: .75rem 0\">返回“我的评分”</a></p></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// From the pages (queue.js): who the judge on this phone is now (every judge page says so when it loads),
// keep these pages now (the page that registered the worker, a sheet just stored), or forget them all
// (signing out).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "user") {
    event.waitUntil(setUser(data.user));
  } else if (data.type === "keep") {
    event.waitUntil(Promise.all((data.urls || []).filter(function (u) { return PAGE.test(u); }).map(function (u) {
      // X-Judge-Keep: the server leaves flashed messages for the page the judge opens next (app/templating.py)
      return fetch(u, { credentials: "same-origin", cache: "no-store", headers: { "X-Judge-Keep": "1" } })
        .then(function (response) { return keepable(response) ? keep(u, response) : undefined; })
        .catch(function () { return undefined; });
    })));
  } else if (data.type === "forget") {
    event.waitUntil(forgetAll());
  }
});
