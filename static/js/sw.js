// The judge's service worker: served by the app at /judge/sw.js (scope /judge/), which puts its settings in
// self.JUDGE_SW = {version, assets} above this text (app/judging/views.py).
//
// It lets a judge with no signal (site visits) open the list and the sheets they opened before:
// - pages (the list and the sheets only): network first, so the judge sees the server's current state
//   whenever it can be reached; the last copy otherwise;
// - static assets: cache first. The version changes whenever the assets do, so a new worker installs
//   and fetches them again.
// Marks are never sent from here: POSTs go to the network as usual, and what could not be sent waits in the
// page's outbox (queue.js).
"use strict";

var SETTINGS = self.JUDGE_SW || { version: "dev", assets: [] };
var ASSETS = "judge-assets-" + SETTINGS.version;
var PAGES = "judge-pages";  // not versioned: a deploy must not take away the pages a judge keeps offline
var PAGE = /^\/judge\/(r\/\d+\/e\/\d+)?$/;  // "我的评分" and the score sheets; never sign-in, review or polls

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (cache) { return cache.addAll(SETTINGS.assets); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("judge-assets-") === 0 && name !== ASSETS; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

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
    if (keepable(response)) {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.put(path, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES)
      .then(function (cache) { return cache.match(path, { ignoreVary: true }); })
      .then(function (hit) { return hit || notKept(); });
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

// From the pages (queue.js): keep these pages now (the page that registered the worker, a sheet just
// stored), or forget them all (signing out of a shared phone).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep") {
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return Promise.all((data.urls || []).filter(function (u) { return PAGE.test(u); }).map(function (u) {
        return fetch(u, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          if (keepable(response)) return cache.put(u, response);
          return undefined;
        }).catch(function () { return undefined; });
      }));
    }));
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
  }
});
