// Hoistway service worker: caches this build's static assets so the app
// shell loads fast and installs on a phone, and shows Web Push messages
// (opening the page a message is about when it is clicked). It never
// caches pages or API answers: those belong to one signed-in user and must
// not outlive them or reach another user of the same device.
'use strict';
var CACHE = 'hoistway-assets-__VERSION__';
var ASSETS = __ASSETS__;
var ICON = '__ICON__';

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

// A push from the server: {title, body, link, tag}, decrypted by the browser.
self.addEventListener('push', function (event) {
  var d = {};
  try { d = event.data ? event.data.json() : {}; } catch (e) { d = {}; }
  event.waitUntil(self.registration.showNotification(d.title || 'Hoistway', {
    body: d.body || '',
    tag: d.tag || undefined,
    icon: ICON,
    data: { link: d.link || '/notifications' }
  }));
});

// A click opens the linked page (only on this site), reusing an open tab.
self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var link = (event.notification.data && event.notification.data.link) || '/notifications';
  var url = new URL(link, self.location.origin);
  if (url.origin !== self.location.origin) url = new URL('/notifications', self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (list[i].url === url.href && 'focus' in list[i]) return list[i].focus();
      }
      return self.clients.openWindow(url.href);
    })
  );
});
