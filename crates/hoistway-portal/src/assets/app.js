// Hoistway portal: progressive enhancement only; every page works without
// this file. It keeps status badges current from the server-sent events of
// /api/v1/events, refreshes live unit status, confirms destructive
// buttons, registers the service worker and turns Web Push on or off.
(function () {
  'use strict';
  var body = document.body;
  if (!body) return;

  var labels = {};
  try { labels = JSON.parse(body.getAttribute('data-labels') || '{}'); } catch (e) { labels = {}; }

  var tones = {
    new: 'badge-warn', on_hold: 'badge-warn',
    dispatched: 'badge-info', en_route: 'badge-info', on_site: 'badge-info',
    resolved: 'badge-ok', closed: 'badge-ok', cancelled: 'badge-muted'
  };

  function setCaseStatus(number, status) {
    var els = document.querySelectorAll('[data-case-status]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.getAttribute('data-case-status') !== number) continue;
      if (el.getAttribute('data-status') === status) continue;
      el.setAttribute('data-status', status);
      el.className = 'badge ' + (tones[status] || 'badge-muted') + ' flash-update';
      el.textContent = labels[status] || status;
    }
  }

  // Unit status badges (data-unit-status="ID") are refreshed from the API.
  function refreshUnit(id) {
    fetch('/api/v1/units/' + encodeURIComponent(id) + '/status', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        var els = document.querySelectorAll('[data-unit-live="' + id + '"]');
        for (var i = 0; i < els.length; i++) {
          var el = els[i];
          var field = el.getAttribute('data-field');
          if (field === 'floor') el.textContent = s.current_floor == null ? '–' : String(s.current_floor);
          if (field === 'seen' && s.last_seen) el.textContent = new Date(s.last_seen).toLocaleString();
        }
      })
      .catch(function () {});
  }

  // The bell's unread count: re-read from /notifications/unread when a
  // live event may have added a notification (a case changed, a personal
  // notice arrived, the stream resynced or reconnected), when the tab
  // comes back into view, and every minute (notices without a live event,
  // e.g. invoices).
  var bellEl = document.querySelector('[data-bell]');
  var bellTimer = null;
  function setBell(n, label) {
    if (!bellEl) return;
    bellEl.setAttribute('aria-label', label);
    bellEl.setAttribute('title', label);
    var count = bellEl.querySelector('[data-bell-count]');
    if (n > 0) {
      if (!count) {
        count = document.createElement('span');
        count.className = 'bell-count';
        count.setAttribute('aria-hidden', 'true');
        count.setAttribute('data-bell-count', '');
        bellEl.appendChild(count);
      }
      var text = n > 99 ? '99+' : String(n);
      if (count.textContent !== text) count.textContent = text;
    } else if (count) {
      count.parentNode.removeChild(count);
    }
  }
  function refreshBell() {
    if (!bellEl) return;
    fetch('/notifications/unread', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && typeof d.unread === 'number') setBell(d.unread, d.label || ''); })
      .catch(function () {});
  }
  function bellSoon() { clearTimeout(bellTimer); bellTimer = setTimeout(refreshBell, 400); }
  if (bellEl) {
    setInterval(function () { if (!document.hidden) refreshBell(); }, 60000);
    document.addEventListener('visibilitychange', function () { if (!document.hidden) bellSoon(); });
  }

  var indicator = document.querySelector('[data-live-indicator]');
  if (window.EventSource && body.getAttribute('data-live') === 'on') {
    var es = new EventSource('/api/v1/events');
    var opened = false;
    es.addEventListener('open', function () {
      if (indicator) indicator.hidden = false;
      // A reconnect may have missed notices.
      if (opened) bellSoon();
      opened = true;
    });
    es.addEventListener('error', function () { if (indicator) indicator.hidden = true; });
    es.addEventListener('notification', bellSoon);
    es.addEventListener('resync', bellSoon);
    ['case_created', 'case_status', 'case_assigned', 'case_eta', 'case_report', 'case_priority', 'case_quote', 'case_escalation_request', 'case_escalation_ack', 'case_callback_request', 'case_callback_done'].forEach(function (kind) {
      es.addEventListener(kind, function (ev) {
        var d = {};
        try { d = JSON.parse(ev.data); } catch (e) { return; }
        bellSoon();
        if (d.number && d.status) setCaseStatus(d.number, d.status);
        if (window.hoistwayDesk) window.hoistwayDesk.onCase(kind, d);
        if (d.unit_id != null) refreshUnit(String(d.unit_id));
        var list = document.querySelector('[data-live-list="cases"]');
        if (kind === 'case_created' && list) {
          var note = document.querySelector('[data-live-new]');
          if (note) note.hidden = false;
        }
      });
    });
    window.addEventListener('pagehide', function () { es.close(); });
  }

  var units = document.querySelectorAll('[data-unit-live][data-field]');
  if (units.length) {
    var ids = {};
    for (var i = 0; i < units.length; i++) ids[units[i].getAttribute('data-unit-live')] = true;
    setInterval(function () { Object.keys(ids).forEach(refreshUnit); }, 30000);
  }

  // Confirmation for destructive buttons (data-confirm="question").
  document.addEventListener('submit', function (ev) {
    var btn = ev.submitter || (ev.target && ev.target.querySelector('[data-confirm]'));
    var q = btn && btn.getAttribute && btn.getAttribute('data-confirm');
    if (q && !window.confirm(q)) ev.preventDefault();
  });

  // Filter panels start closed on phones unless a filter is set.
  if (window.matchMedia && window.matchMedia('(max-width: 720px)').matches) {
    var boxes = document.querySelectorAll('details.filter-box[data-active="0"]');
    for (var b = 0; b < boxes.length; b++) boxes[b].open = false;
  }

  // Auto-submit filter selects (the Apply button stays for keyboard users).
  var autos = document.querySelectorAll('form[data-autosubmit] select');
  for (var j = 0; j < autos.length; j++) {
    autos[j].addEventListener('change', function (ev) { ev.target.form.submit(); });
  }

  var swReady = null;
  if ('serviceWorker' in navigator && window.isSecureContext) {
    swReady = navigator.serviceWorker.register('/sw.js').then(function () { return navigator.serviceWorker.ready; });
    swReady.catch(function () {});
  }

  // ===== Web Push: the switch on /notifications and the settings page =====
  // The browser subscribes at its push service with the server's VAPID key
  // and the subscription is stored for the signed-in user; the page says
  // in plain words what happened (headless or offline browsers cannot
  // reach a push service and are told so).
  // The session's CSRF token, from the hidden field every signed-in page's
  // forms carry (the sign-out form at least).
  function csrfToken() {
    var f = document.querySelector('input[name="_csrf"]');
    return f ? f.value : '';
  }
  function sendSubscription(method, payload) {
    return fetch('/api/v1/me/push-subscriptions', {
      method: method, credentials: 'same-origin', keepalive: true,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify(payload)
    });
  }
  function keyBytes(b64) {
    var s = (b64 + '===='.slice((b64.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    var raw = window.atob(s);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  var pushPanel = document.querySelector('[data-push-panel]');
  if (pushPanel) {
    var pushStatus = pushPanel.querySelector('[data-push-status]');
    var onBtn = pushPanel.querySelector('[data-push-on]');
    var offBtn = pushPanel.querySelector('[data-push-off]');
    var say = function (what) {
      pushStatus.textContent = pushPanel.getAttribute('data-msg-' + what) || '';
      pushPanel.setAttribute('data-push-state', what);
    };
    var show = function (subscribed) {
      onBtn.hidden = subscribed; offBtn.hidden = !subscribed;
      onBtn.disabled = false; offBtn.disabled = false;
    };
    var vapidKey = pushPanel.getAttribute('data-vapid-key');
    if (!swReady || !('PushManager' in window) || !('Notification' in window) || !vapidKey) {
      say('unsupported');
    } else {
      say('checking');
      swReady.then(function (reg) { return reg.pushManager.getSubscription(); })
        .then(function (sub) { say(sub ? 'on' : 'off'); show(!!sub); })
        .catch(function () { say('unsupported'); });
      onBtn.addEventListener('click', function () {
        onBtn.disabled = true;
        say('working');
        Notification.requestPermission().then(function (perm) {
          if (perm !== 'granted') { say('denied'); show(false); return null; }
          return swReady.then(function (reg) {
            return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapidKey) });
          }).then(function (sub) {
            return sendSubscription('POST', sub.toJSON()).then(function (r) {
              if (r.ok) { say('on'); show(true); return; }
              // Not stored: drop the browser's side too, so both agree.
              return sub.unsubscribe().then(function () { say('not-saved'); show(false); });
            });
          }, function () { say('failed'); show(false); });
        }).catch(function () { say('failed'); show(false); });
      });
      offBtn.addEventListener('click', function () {
        offBtn.disabled = true;
        swReady.then(function (reg) { return reg.pushManager.getSubscription(); })
          .then(function (sub) {
            if (!sub) return null;
            return sendSubscription('DELETE', { endpoint: sub.endpoint })
              .catch(function () {})
              .then(function () { return sub.unsubscribe(); });
          })
          .then(function () { say('off'); show(false); }, function () { say('off'); show(false); });
      });
    }
  }

  // Signing out ends this browser's push subscription first: the next
  // person on this device must not receive the previous one's messages.
  var signout = document.querySelector('form.signout');
  if (signout && swReady && 'PushManager' in window) {
    signout.addEventListener('submit', function (ev) {
      if (signout.getAttribute('data-push-checked') === '1') return;
      ev.preventDefault();
      var go = function () { signout.setAttribute('data-push-checked', '1'); signout.submit(); };
      var timer = setTimeout(go, 1500);
      swReady.then(function (reg) { return reg.pushManager.getSubscription(); })
        .then(function (sub) {
          if (!sub) return null;
          return sendSubscription('DELETE', { endpoint: sub.endpoint })
            .catch(function () {})
            .then(function () { return sub.unsubscribe(); });
        })
        .then(function () { clearTimeout(timer); go(); }, function () { clearTimeout(timer); go(); });
    });
  }

  // ===== Care center and technician view (desk) =====
  // Countdowns: <time data-due="RFC 3339" data-in="in {}" data-over="Overdue {}">.
  function spanText(secs) {
    var s = Math.abs(secs);
    if (s >= 86400) return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
    if (s >= 3600) { var m = Math.floor((s % 3600) / 60); return Math.floor(s / 3600) + ' h ' + (m < 10 ? '0' : '') + m + ' min'; }
    if (s >= 60) return Math.floor(s / 60) + ' min';
    return s + ' s';
  }
  function tick() {
    var els = document.querySelectorAll('[data-due]');
    var now = Date.now();
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var due = Date.parse(el.getAttribute('data-due'));
      if (isNaN(due)) continue;
      var left = Math.round((due - now) / 1000);
      var tpl = left < 0 ? el.getAttribute('data-over') : el.getAttribute('data-in');
      el.textContent = (tpl || '{}').replace('{}', spanText(left));
      el.className = 'countdown' + (left < 0 ? ' countdown-over' : left < 1800 ? ' countdown-soon' : '');
    }
  }
  if (document.querySelector('[data-due]')) { tick(); setInterval(tick, 1000); }

  // The queue's rows are re-fetched (same filters) when a case changes.
  var rowsEl = document.querySelector('[data-queue-rows]');
  var pending = null;
  function refreshRows() {
    if (!rowsEl) return;
    fetch(rowsEl.getAttribute('data-queue-rows') + window.location.search, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html != null) { rowsEl.innerHTML = html; tick(); } })
      .catch(function () {});
  }
  window.hoistwayDesk = {
    onCase: function () {
      if (!rowsEl) return;
      clearTimeout(pending);
      pending = setTimeout(refreshRows, 250);
    }
  };

  // Intake: show the priority the triage rules would give as the form is filled in.
  var triageForm = document.querySelector('form[data-triage-form]');
  if (triageForm && window.URLSearchParams && window.FormData) {
    var panel = document.querySelector('[data-triage-panel]');
    var prio = document.querySelector('[data-triage-priority]');
    var why = document.querySelector('[data-triage-why]');
    var tonesP = { emergency: 'badge-bad', urgent: 'badge-warn', routine: 'badge-muted' };
    var timer = null;
    var preview = function () {
      var params = new URLSearchParams(new FormData(triageForm));
      params.delete('_csrf');
      fetch(triageForm.getAttribute('data-triage-form') + '?' + params.toString(), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d || !prio) return;
          var b = document.createElement('span');
          b.className = 'badge ' + (tonesP[d.priority] || 'badge-muted');
          b.textContent = d.label;
          b.setAttribute('data-priority', d.priority || '');
          prio.replaceChildren(b);
          if (why) why.textContent = d.rationale || '';
          if (panel) panel.className = 'card triage' + (d.priority ? ' triage-' + d.priority : '');
        })
        .catch(function () {});
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(preview, 150); };
    // The unit search answers as the operator types (the Find button
    // does the same without script).
    var unitQ = triageForm.querySelector('#unit_q');
    var results = triageForm.querySelector('[data-unit-results]');
    var searchTimer = null;
    if (unitQ && results) {
      unitQ.addEventListener('input', function () {
        clearTimeout(searchTimer);
        searchTimer = setTimeout(function () {
          var params = new URLSearchParams();
          params.set('unit_q', unitQ.value);
          var chosen = triageForm.querySelector('input[name="unit_id"]:checked');
          if (chosen) params.set('unit_id', chosen.value);
          fetch(results.getAttribute('data-unit-results') + '?' + params.toString(), { credentials: 'same-origin' })
            .then(function (r) { return r.ok ? r.text() : null; })
            .then(function (html) { if (html !== null) results.innerHTML = html; })
            .catch(function () {});
        }, 200);
      });
      // Enter in the search field searches; it must not open the case.
      unitQ.addEventListener('keydown', function (e) { if (e.key === 'Enter') e.preventDefault(); });
    }
    triageForm.addEventListener('input', schedule);
    triageForm.addEventListener('change', schedule);
    preview();
  }
})();

// Print buttons of the printable pages (service labels, on-site playbook):
// no inline script is allowed, so the button only names its wish.
(function () {
  document.querySelectorAll('[data-print]').forEach(function (b) {
    b.addEventListener('click', function () { window.print(); });
  });
})();
