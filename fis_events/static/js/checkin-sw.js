// Service worker of the door pages (served as /ingresso/sw.js, scope /ingresso/).
// The scanner page: network first, the cached copy when the network is gone.
// Its CSS and scripts (/static/, /vendor/, the decoding worker /ingresso/decoder.js): cache
// first, refreshed each time the page asks for them to be precached. The API is never touched here:
// scans, sync, search and the offline list always go to the network, and the page decides
// (and queues) when they fail.
"use strict";

var CACHE = "fis-checkin-v1";
var PAGE_TIMEOUT_MS = 4000;

function sameOrigin(url) {
  return url.origin === self.location.origin;
}

function isStatic(url) {
  return sameOrigin(url) && (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/vendor/") === 0
                             || url.pathname === "/ingresso/decoder.js");
}

function isScannerPage(url) {
  return sameOrigin(url) && /^\/ingresso\/eventi\/\d+\/?$/.test(url.pathname);
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("fis-checkin-") === 0 && key !== CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

async function cacheFirst(request) {
  var cache = await caches.open(CACHE);
  var hit = await cache.match(request, { ignoreVary: true });
  if (hit) {
    return hit;
  }
  var response = await fetch(request);
  if (response.ok && response.type === "basic") {
    cache.put(request, response.clone());
  }
  return response;
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request) {
  var cache = await caches.open(CACHE);
  var network = fetch(request);
  try {
    var response = await withTimeout(network, PAGE_TIMEOUT_MS);
    if (response.ok && !response.redirected) {
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    var hit = await cache.match(request.url, { ignoreVary: true });
    if (hit) {
      return hit;
    }
    return network; // slow rather than gone: wait for it after all
  }
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (!sameOrigin(url) || url.pathname.indexOf("/api/") === 0) {
    return;
  }
  if (isStatic(url)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && isScannerPage(url)) {
    event.respondWith(networkFirst(request));
  }
});

// The page lists itself and its files once it is open (the first visit is not controlled yet);
// they are fetched afresh, so a new version is picked up on the next visit.
async function precache(urls) {
  var cache = await caches.open(CACHE);
  var stored = 0;
  await Promise.all(urls.map(async function (address) {
    var url;
    try {
      url = new URL(address);
    } catch (e) {
      return;
    }
    if (!isStatic(url) && !isScannerPage(url)) {
      return;
    }
    try {
      var response = await fetch(url.href, { credentials: "same-origin", cache: "no-cache" });
      if (response.ok && !response.redirected) {
        await cache.put(url.href, response);
        stored += 1;
      }
    } catch (e) { /* offline now: try again on the next visit */ }
  }));
  return stored;
}

self.addEventListener("message", function (event) {
  var data = event.data;
  if (!data || data.type !== "precache" || !Array.isArray(data.urls)) {
    return;
  }
  event.waitUntil(precache(data.urls.slice(0, 50)).then(function (stored) {
    if (event.ports && event.ports[0]) {
      event.ports[0].postMessage({ cached: stored });
    }
  }));
});
