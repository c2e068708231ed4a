// Hoistway service worker: caches this build's static assets so the app
// shell loads fast and installs on a phone. It never caches pages or API
// answers: those belong to one signed-in user and must not outlive them or
// reach another user of the same device.
'use strict';
var CACHE = 'hoistway-assets-__VERSION__';
var ASSETS = __ASSETS__;

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  // Only same-origin versioned assets; everything else goes to the network.
  if (url.origin !== self.location.origin || url.pathname.indexOf('/assets/') !== 0) return;
  event.respondWith(
    caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.ok) {
          var copy = res.clone();
          caches.open(CACHE).then(function (c) { c.put(req, copy); });
        }
        return res;
      });
    })
  );
});
