// Hoistway remote call: the script of a resident's page (resident.rs).
// Places a call through the REST call API with the session cookie and the
// X-CSRF-Token header, follows it over its server-sent events until it is
// served or cancelled, and cancels it on request. The server checks role,
// building and floors; this script only offers what the page listed.
// The only thing kept on the phone is the floor last used, per building,
// in this browser's localStorage (the call itself is never stored).
(function () {
  'use strict';
  var root = document.querySelector('[data-rc]');
  if (!root) return;
  var csrf = root.getAttribute('data-csrf') || '';
  var T = {};
  try { T = JSON.parse(root.getAttribute('data-texts') || '{}'); } catch (e) { T = {}; }
  var reasons = T.reasons || {};
  var live = root.querySelector('[data-rc-live]');
  var pick = root.querySelector('[data-rc-pick]');
  var say = root.querySelector('[data-rc-say]');
  var liftEl = root.querySelector('[data-rc-lift]');
  var steps = root.querySelector('[data-rc-steps]');
  var cancelBtn = root.querySelector('[data-rc-cancel]');
  var againBtn = root.querySelector('[data-rc-again]');
  var errorEl = root.querySelector('[data-rc-error]');
  var buildingSel = document.getElementById('rc-building');
  var panels = root.querySelectorAll('.rc-panel');
  var KEY = 'hoistway.remote-call.';
  var cancelLabel = cancelBtn ? cancelBtn.textContent : '';
  // The call being followed: panel, building, id, kind, floors, stream.
  var current = null;

  function store(k, v) { try { window.localStorage.setItem(KEY + k, String(v)); } catch (e) { /* private mode */ } }
  function recall(k) { try { return window.localStorage.getItem(KEY + k); } catch (e) { return null; } }
  function fill(tpl, vars) {
    return String(tpl || '').replace(/\{(\w+)\}/g, function (m, k) { return vars[k] != null ? String(vars[k]) : m; });
  }
  function showError(text) {
    errorEl.textContent = text || '';
    errorEl.hidden = !text;
  }

  function activePanel() {
    for (var i = 0; i < panels.length; i++) if (!panels[i].hidden) return panels[i];
    return panels[0];
  }
  function floorName(p, n) {
    var f = {};
    try { f = JSON.parse(p.getAttribute('data-floors') || '{}'); } catch (e) { f = {}; }
    return f[String(n)] || String(n);
  }
  function fromSelect(p) { return p.querySelector('.rc-from'); }
  function fromOption(p) {
    var sel = fromSelect(p);
    return sel.options[sel.selectedIndex] || null;
  }

  // Destinations on the start floor and impossible directions are hidden.
  function refreshButtons(p) {
    var opt = fromOption(p);
    var floor = opt ? Number(opt.getAttribute('data-floor')) : NaN;
    var floors = p.querySelectorAll('.rc-floor');
    for (var i = 0; i < floors.length; i++) floors[i].hidden = Number(floors[i].getAttribute('data-floor')) === floor;
    var up = p.querySelector('.rc-dir[data-direction="up"]');
    var down = p.querySelector('.rc-dir[data-direction="down"]');
    if (up) up.hidden = floor >= Number(p.getAttribute('data-highest'));
    if (down) down.hidden = floor <= Number(p.getAttribute('data-lowest'));
  }

  // The start floor: the one last used here, else the entrance.
  function startFloor(p) {
    var sel = fromSelect(p);
    var remembered = recall('from.' + p.getAttribute('data-building'));
    var want = remembered || p.getAttribute('data-entrance');
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === want) { sel.selectedIndex = i; break; }
    }
    refreshButtons(p);
  }

  function choose(building) {
    for (var i = 0; i < panels.length; i++) panels[i].hidden = panels[i].getAttribute('data-building') !== String(building);
    store('building', building);
    startFloor(activePanel());
  }

  function setBusy(busy) {
    var btns = root.querySelectorAll('.rc-floor, .rc-dir');
    for (var i = 0; i < btns.length; i++) btns[i].disabled = busy;
    root.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  function send(method, url, body) {
    var headers = { Accept: 'application/json', 'X-CSRF-Token': csrf };
    if (body) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: method, credentials: 'same-origin', headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
      });
  }

  function place(p, body, call) {
    var building = p.getAttribute('data-building');
    showError('');
    setBusy(true);
    if (say) say.textContent = T.placing || '';
    send('POST', '/api/v1/buildings/' + encodeURIComponent(building) + '/calls', body)
      .then(function (res) {
        setBusy(false);
        if (res.status === 401) return showError(T.signed_out);
        if (res.status !== 201) return showError(T.failed);
        var c = res.body || {};
        if (c.state === 'cancelled') return showError(reasons[c.reason] || T.ended);
        store('from.' + building, call.fromArea);
        follow(p, building, c, call);
      })
      .catch(function () { setBusy(false); showError(T.failed); });
  }

  function follow(p, building, c, call) {
    current = { p: p, building: building, id: c.id, kind: c.kind, call: call, ended: false, es: null, rank: 0 };
    pick.hidden = true;
    live.hidden = false;
    steps.hidden = c.kind !== 'destination';
    liftEl.textContent = '';
    cancelBtn.hidden = false;
    cancelBtn.disabled = false;
    cancelBtn.textContent = cancelLabel;
    againBtn.hidden = true;
    render(c);
    // The picker is hidden now: the call sits right under the heading.
    window.scrollTo(0, 0);
    if (!window.EventSource || !c.events || current.ended) return;
    var me = current;
    var es = new EventSource(c.events);
    me.es = es;
    es.addEventListener('call', function (ev) {
      if (current !== me || me.ended) return;
      var d;
      try { d = JSON.parse(ev.data); } catch (e) { return; }
      render(d);
    });
    es.addEventListener('error', function () {
      // EventSource reconnects by itself; a closed one will not.
      if (current === me && !me.ended && es.readyState === 2) showError(T.lost);
    });
  }

  // Steps before the current one are done; the current one is marked.
  function markStep(step) {
    var order = ['wait', 'enter', 'ride', 'exit'];
    var at = order.indexOf(step);
    var items = steps.querySelectorAll('li');
    for (var i = 0; i < items.length; i++) {
      var idx = order.indexOf(items[i].getAttribute('data-step'));
      items[i].className = at < 0 ? '' : idx < at ? 'done' : idx === at ? 'now' : '';
      if (at >= 0 && idx === at) items[i].setAttribute('aria-current', 'step');
      else items[i].removeAttribute('aria-current');
    }
  }

  // How far a call has got: the stream replays every step from the start
  // (and again after a reconnect), so an older step never overwrites a
  // newer one the page already shows.
  var RANK = { wait_for_car: 1, enter_car: 2, stay_in_car: 3, exit_car: 4 };
  function rank(c) {
    if (c.state === 'served' || c.state === 'cancelled') return 5;
    if (c.guidance && RANK[c.guidance.action]) return RANK[c.guidance.action];
    return c.state === 'approved' ? 1 : 0;
  }

  // One state of the call (the POST answer or an event) into words.
  function render(c) {
    var me = current;
    var r = rank(c);
    if (r < (me.rank || 0)) return;
    me.rank = r;
    var p = me.p;
    var g = c.guidance || null;
    var lift = c.lift || (g && g.lift) || null;
    if (lift) liftEl.textContent = fill(T.lift, { lift: lift });
    var step = null;
    var text = T.calling;
    if (c.state === 'cancelled') {
      text = reasons[c.reason] || T.ended;
    } else if (c.state === 'served' && me.kind === 'destination') {
      step = 'exit';
      text = fill(T.exit, { floor: floorName(p, g && g.floor != null ? g.floor : me.call.toFloor) });
    } else if (c.state === 'served') {
      text = fill(T.landing_here, { lift: lift, floor: floorName(p, me.call.fromFloor) });
    } else if (g && g.action === 'wait_for_car') {
      step = 'wait';
      text = fill(T.wait, { lift: g.lift, floor: floorName(p, g.floor) });
    } else if (g && g.action === 'enter_car') {
      step = 'enter';
      text = fill(T.enter, { lift: g.lift, floor: floorName(p, g.floor) });
    } else if (g && g.action === 'stay_in_car') {
      step = 'ride';
      text = fill(T.ride, { lift: g.lift, floor: floorName(p, me.call.toFloor) });
      cancelBtn.hidden = true;
    } else if (g && g.action === 'exit_car') {
      step = 'exit';
      text = fill(T.exit, { floor: floorName(p, g.floor) });
    } else if (lift && me.kind === 'landing') {
      text = fill(T.landing_coming, { lift: lift, floor: floorName(p, me.call.fromFloor) });
    }
    say.textContent = text;
    root.setAttribute('data-rc-state', c.state + (step ? ':' + step : ''));
    if (me.kind === 'destination') markStep(step);
    if (c.state === 'served' || c.state === 'cancelled') end(c);
  }

  function end(c) {
    var me = current;
    if (me.ended) return;
    me.ended = true;
    if (me.es) me.es.close();
    // Arrived: the next ride starts where this one ended.
    if (c.state === 'served' && me.kind === 'destination') store('from.' + me.building, me.call.toArea);
    if (c.state === 'cancelled') steps.hidden = true;
    cancelBtn.hidden = true;
    againBtn.hidden = false;
    againBtn.focus();
  }

  if (cancelBtn) cancelBtn.addEventListener('click', function () {
    var me = current;
    if (!me || me.ended) return;
    cancelBtn.disabled = true;
    cancelBtn.textContent = T.cancelling;
    send('DELETE', '/api/v1/buildings/' + encodeURIComponent(me.building) + '/calls/' + encodeURIComponent(me.id))
      .then(function (res) {
        cancelBtn.textContent = cancelLabel;
        if (current !== me || me.ended) return;
        if (res.status === 200) return render({ state: 'cancelled', reason: 'by_caller' });
        cancelBtn.disabled = false;
        if (res.status === 409 || res.status === 404) { cancelBtn.hidden = true; return showError(T.too_late); }
        showError(res.status === 401 ? T.signed_out : T.failed);
      })
      .catch(function () { cancelBtn.textContent = cancelLabel; cancelBtn.disabled = false; showError(T.failed); });
  });

  if (againBtn) againBtn.addEventListener('click', function () {
    if (current && current.es) current.es.close();
    current = null;
    showError('');
    live.hidden = true;
    pick.hidden = false;
    startFloor(activePanel());
  });

  root.addEventListener('click', function (ev) {
    var btn = ev.target.closest && ev.target.closest('.rc-floor, .rc-dir');
    if (!btn || btn.disabled || current) return;
    var p = btn.closest('.rc-panel');
    var from = fromOption(p);
    if (!from) return;
    var call = { fromArea: Number(from.value), fromFloor: Number(from.getAttribute('data-floor')) };
    if (btn.classList.contains('rc-floor')) {
      call.toArea = Number(btn.getAttribute('data-area'));
      call.toFloor = Number(btn.getAttribute('data-floor'));
      place(p, { from_area: call.fromArea, to_area: call.toArea }, call);
    } else {
      place(p, { area: call.fromArea, direction: btn.getAttribute('data-direction') }, call);
    }
  });

  root.addEventListener('change', function (ev) {
    if (ev.target.classList && ev.target.classList.contains('rc-from')) refreshButtons(ev.target.closest('.rc-panel'));
  });

  if (buildingSel) {
    var last = recall('building');
    for (var i = 0; i < buildingSel.options.length; i++) if (buildingSel.options[i].value === last) buildingSel.selectedIndex = i;
    buildingSel.addEventListener('change', function () { choose(buildingSel.value); });
    choose(buildingSel.value);
  } else if (panels.length) {
    startFloor(panels[0]);
  }
  window.addEventListener('pagehide', function () { if (current && current.es) current.es.close(); });
})();
