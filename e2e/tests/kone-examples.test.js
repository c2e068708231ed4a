// The 15 KONE API v2 example clients against a real `hoistway demo`.
//
// The scripts in e2e/kone/ are RE-CREATIONS of the public Node examples of
// konecorp/kone-api-examples (ws@8.3.0, axios@0.24.0) written from the
// contract kone-api-v2.md, not the upstream files. Each one runs as its own
// process, configured only by environment variables (§2, the "typical
// plain-text harness" of §2.2: token, resources and WebSocket over plain
// http/ws, the fixed https://${API_HOSTNAME} URLs over TLS with the dev CA in
// NODE_EXTRA_CA_CERTS). Every script must exit 0 by itself within the time
// limit (the WebSocket ones when the server's idle timeout closes the socket)
// and print what shows that its main step worked.
//
// Needs (set by e2e/run.sh): HOISTWAY_URL (or HOISTWAY_KONE_URL), the plain
// server; HOISTWAY_TLS_HOST, host:port of its HTTPS listener; HOISTWAY_DEV_CA,
// the CA that signed it; HOISTWAY_SERVER_LOG (or HOISTWAY_KONE_LOG), the
// server's stdout, where `hoistway demo` prints its KONE client.
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const EXAMPLES = path.join(__dirname, '..', 'kone', 'examples');
const BASE = process.env.HOISTWAY_KONE_URL || process.env.HOISTWAY_URL || 'http://127.0.0.1:8080';
const TLS_HOST = process.env.HOISTWAY_TLS_HOST;
const DEV_CA = process.env.HOISTWAY_DEV_CA;
const SERVER_LOG = process.env.HOISTWAY_KONE_LOG || process.env.HOISTWAY_SERVER_LOG;
const TIMEOUT_MS = 20000;

let client; // { CLIENT_ID, CLIENT_SECRET, BUILDING_ID, GROUP_ID, KEN }
let escalatorKen; // the demo KEN is a lift; the escalator demo needs an escalator

// The KONE client `hoistway demo` prints at start-up.
async function readDemoClient() {
  assert.ok(SERVER_LOG, 'HOISTWAY_SERVER_LOG (the demo server log) is not set; run through e2e/run.sh');
  const re = /CLIENT_ID=(\S+) CLIENT_SECRET=(\S+) BUILDING_ID=(\S+) GROUP_ID=(\S+) KEN=(\S+)/;
  for (let i = 0; i < 100; i++) {
    const m = re.exec(fs.readFileSync(SERVER_LOG, 'utf8'));
    if (m) return { CLIENT_ID: m[1], CLIENT_SECRET: m[2], BUILDING_ID: m[3], GROUP_ID: m[4], KEN: m[5] };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no KONE client line in ${SERVER_LOG}`);
}

// The environment of §2/§2.2, without the parent's proxies or KONE settings.
function koneEnv(overrides = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(https?_proxy|no_proxy|all_proxy|NODE_EXTRA_CA_CERTS|NODE_TLS_REJECT_UNAUTHORIZED|NODE_OPTIONS)$/i.test(k)) continue;
    if (/^(API_|WEBSOCKET_|CLIENT_|BUILDING_ID|GROUP_ID|KEN$)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    API_HOSTNAME: TLS_HOST,
    NODE_EXTRA_CA_CERTS: DEV_CA,
    API_AUTH_TOKEN_ENDPOINT: `${BASE}/api/v2/oauth2/token`,
    API_RESOURCES_ENDPOINT: `${BASE}/api/v2/application/self/resources`,
    WEBSOCKET_ENDPOINT: `${BASE.replace(/^http/, 'ws')}/stream-v2`,
    ...client,
  });
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

// Runs one example as its own process; kills it after timeoutMs.
function runExample(name, overrides = {}, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve) => {
    const started = Date.now();
    const env = koneEnv(overrides);
    const child = spawn(process.execPath, [path.join(EXAMPLES, `${name}.js`)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ name, ken: env.KEN, code, signal, timedOut, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function transcript(r) {
  return `\n--- ${r.name}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' TIMED OUT' : ''} after ${r.ms} ms\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`;
}

// Exit 0 by itself, in time, with nothing alarming on stderr.
function assertCleanExit(r) {
  assert.ok(!r.timedOut, `${r.name} did not exit by itself within ${TIMEOUT_MS} ms${transcript(r)}`);
  assert.equal(r.code, 0, `${r.name} exited ${r.code}${transcript(r)}`);
  assert.doesNotMatch(r.stderr, /Error|Failed to fetch|WebSocket closed|Unhandled/, `${r.name} printed errors${transcript(r)}`);
  assert.match(r.stdout, /^Access token: \{.*"access_token":"[A-Za-z0-9._-]+"/m, `${r.name}: no access token${transcript(r)}`);
}

// The printed incoming WebSocket messages (util.inspect text, one block per
// frame: from `Incoming WebSocket message` up to its `timing` line).
function frames(stdout) {
  const out = [];
  const re = /^Incoming WebSocket message ([\s\S]*?)\ntiming /gm;
  let m;
  while ((m = re.exec(stdout))) out.push(m[1]);
  return out;
}

// The JSON value printed on the lines after a label line (the scripts print
// bodies with JSON.stringify(x, undefined, 2)); undefined if none parses.
function jsonAfter(stdout, label) {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l === label);
  assert.ok(at >= 0, `no line ${JSON.stringify(label)} in:\n${stdout}`);
  let text = '';
  for (let i = at + 1; i < lines.length; i++) {
    text += lines[i] + '\n';
    try {
      return JSON.parse(text);
    } catch (_) {
      /* more lines */
    }
  }
  return undefined;
}

const bare = (ken) => String(ken).replace(/^ken:/, '');

function checkWsOpened(r) {
  assert.match(r.stdout, /^web socket ocnnection opened ws:\/\/\S+\/stream-v2$/m, `${r.name}: no WS open${transcript(r)}`);
}

// ---- per-script checks (each throws when the main step did not work) ----

function checkElevatorCall2(r) {
  checkWsOpened(r);
  const fs_ = frames(r.stdout);
  assert.ok(fs_.some((f) => /statusCode: 201/.test(f)), `no 201 ack for the lift call${transcript(r)}`);
  const result = fs_.find((f) => /callType: 'action'/.test(f));
  assert.ok(result, `no lift-call result${transcript(r)}`);
  assert.match(result, /success: true/, `lift call 5000→3000 (terminal 2, action 3) did not succeed${transcript(r)}`);
  assert.match(result, /session_id: [1-9]\d*/, `lift-call result without session_id${transcript(r)}`);
}

function liftCallSessionId(r) {
  const result = frames(r.stdout).find((f) => /callType: 'action'/.test(f));
  assert.ok(result, `no lift-call result${transcript(r)}`);
  assert.match(result, /success: true/, `lift call 3000→5000 did not succeed${transcript(r)}`);
  const m = /session_id: ([1-9]\d*)/.exec(result);
  assert.ok(m, `lift-call result without session_id${transcript(r)}`);
  // R3: only this frame may carry a session_id.
  const others = frames(r.stdout).filter((f) => f !== result && /session_id:/.test(f));
  assert.deepEqual(others, [], `frames other than the lift-call result carry session_id (R3)${transcript(r)}`);
  return m[1];
}

function checkCancelCall(r) {
  checkWsOpened(r);
  liftCallSessionId(r);
  const n = r.stdout.split('\n').filter((l) => l === 'Making delete call request').length;
  assert.equal(n, 1, `'Making delete call request' printed ${n} times${transcript(r)}`);
  const after = frames(r.stdout.slice(r.stdout.indexOf('Making delete call request')));
  assert.ok(after.some((f) => /statusCode: 202/.test(f)), `no 202 ack for the delete${transcript(r)}`);
  assert.ok(!after.some((f) => /statusCode: [45]\d\d/.test(f)), `the delete was rejected${transcript(r)}`);
}

function checkCallAndMonitoring(r) {
  checkWsOpened(r);
  const sid = liftCallSessionId(r);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('Making monitoring request'));
  assert.deepEqual(lines, [`Making monitoring request ${sid}`], `monitoring request not made exactly once${transcript(r)}`);
  const after = frames(r.stdout.slice(r.stdout.indexOf('Making monitoring request')));
  assert.ok(after.some((f) => /statusCode: 201/.test(f)), `no 201 ack for the monitor request${transcript(r)}`);
  const events = after.filter((f) => /callType: 'monitor'/.test(f));
  const states = new RegExp(`subtopic: 'call_state/${sid}/(being_allocated|being_served|served_soon|served)'`);
  assert.ok(events.some((f) => states.test(f)), `no call_state/${sid}/… monitoring event arrived${transcript(r)}`);
  assert.ok(!events.some((f) => /subtopic: '[^']*\+/.test(f)), `an event names a pattern, not a topic${transcript(r)}`);
}

function checkSiteMonitoring(r) {
  checkWsOpened(r);
  const fs_ = frames(r.stdout);
  assert.ok(fs_.some((f) => /statusCode: 201/.test(f)), `no 201 ack for the monitor request${transcript(r)}`);
  const events = fs_.filter((f) => /callType: 'monitor'/.test(f));
  assert.ok(events.some((f) => /subtopic: 'lift_\d+\/position'/.test(f)), `no lift_<n>/position event${transcript(r)}`);
  assert.ok(!events.some((f) => /subtopic: '[^']*\+/.test(f)), `an event names a pattern, not a topic${transcript(r)}`);
}

function checkPing(r) {
  checkWsOpened(r);
  const fs_ = frames(r.stdout);
  const result = fs_.find((f) => /callType: 'ping'/.test(f));
  assert.ok(result, `no ping result${transcript(r)}`);
  const m = /request_id: (\d+)/.exec(result);
  assert.ok(m, `ping result without data.request_id${transcript(r)}`);
  assert.ok(fs_.some((f) => new RegExp(`requestId: ${m[1]}\\b`).test(f) && /statusCode: 201/.test(f)), `no 201 ack echoing request_id ${m[1]}${transcript(r)}`);
}

function printedJson(r, label) {
  const line = r.stdout.split('\n').find((l) => l.startsWith(label + ' ') && !l.endsWith(' undefined'));
  assert.ok(line, `${r.name}: ${label} never printed with a value${transcript(r)}`);
  return JSON.parse(line.slice(label.length + 1));
}

function checkConfig(r) {
  checkWsOpened(r);
  const groups = printedJson(r, 'groups');
  assert.ok(Array.isArray(groups) && groups.length > 0, `config data.groups empty${transcript(r)}`);
  assert.ok(groups[0].lifts && groups[0].lifts.length > 0, `config group without lifts${transcript(r)}`);
  const destinations = printedJson(r, 'destinations');
  const areas = destinations.map((d) => d.area_id);
  for (const a of [3000, 5000]) assert.ok(areas.includes(a), `config destinations lack area ${a}: ${areas}${transcript(r)}`);
}

function checkActions(r) {
  checkWsOpened(r);
  const callTypes = printedJson(r, 'call_types');
  const ids = callTypes.map((c) => c.action_id);
  for (const a of [2, 3]) assert.ok(ids.includes(a), `actions call_types lack action_id ${a}: ${ids}${transcript(r)}`);
}

function checkSessions(r) {
  const out = r.stdout;
  const order = [
    'First WebSocket connection is open',
    'sessionId found, closing the connection',
    'Second WebSocket connection open',
    'Sending resume-session with sessionId',
  ];
  let at = 0;
  for (const s of order) {
    const i = out.indexOf(s, at);
    assert.ok(i >= 0, `'${s}' missing or out of order${transcript(r)}`);
    at = i;
  }
  const okResume = frames(out.slice(at)).find((f) => /type: 'ok'/.test(f));
  assert.ok(okResume, `no ok answer to resume-session${transcript(r)}`);
  assert.match(okResume, /statusCode: 201/);
  assert.doesNotMatch(okResume, /sessionId:/, `resume answer carries data.sessionId (R4)${transcript(r)}`);
}

function checkServiceInfo(r) {
  assert.match(r.stdout, /^Resources: \[object Object\]$/m, `no resources${transcript(r)}`);
  const m = /^List of accessible equipments: (\[[\s\S]*?\])$/m.exec(r.stdout);
  assert.ok(m && /'\w+'/.test(m[1]), `resources list empty${transcript(r)}`);
  const list = jsonAfter(r.stdout, 'Service orders list:');
  assert.ok(Array.isArray(list) && list.length > 0, `service orders list empty${transcript(r)}`);
  const wo = list[0].workOrderNumber;
  assert.match(String(wo), /^[A-Za-z0-9_-]+$/, `[0].workOrderNumber not path-safe: ${wo}${transcript(r)}`);
  const detail = jsonAfter(r.stdout, `Service order ${wo}:`);
  assert.ok(detail && typeof detail === 'object', `no service order detail${transcript(r)}`);
  assert.equal(detail.workOrderNumber, wo, `detail is another work order${transcript(r)}`);
}

// An equipment-status answer: a 2xx JSON array with one object for the KEN
// that has `field`.
function checkEquipment(label, field) {
  return (r) => {
    const body = jsonAfter(r.stdout, label);
    assert.ok(Array.isArray(body) && body.length === 1, `${label} not a one-element array: ${JSON.stringify(body)}${transcript(r)}`);
    assert.equal(bare(body[0].equipmentId), bare(r.ken), `${label} for another equipment${transcript(r)}`);
    assert.ok(body[0][field] !== undefined, `${label} lacks ${field}${transcript(r)}`);
  };
}

// Per-script environment beyond koneEnv() (functions: evaluated at run time).
const EXTRA_ENV = {
  'get-escalator-event-demo': () => ({ KEN: escalatorKen }),
};

const SCRIPTS = {
  'elevator-call-2-demo': checkElevatorCall2,
  'elevator-cancel-call-demo': checkCancelCall,
  'call-and-monitoring-demo': checkCallAndMonitoring,
  'monitoring-siteapi-demo': checkSiteMonitoring,
  'ping-demo': checkPing,
  'config-demo': checkConfig,
  'actions-demo': checkActions,
  'websocket-sessions-basic': checkSessions,
  'operational-apis-demo': checkServiceInfo,
  'service-info-2-restapi-demo': checkServiceInfo,
  'get-equipment-availability-demo': checkEquipment('Equipment availability:', 'state'),
  'get-equipment-status-demo': checkEquipment('Equipment status:', 'entrapment'),
  'get-elevator-movement-event-demo': checkEquipment('Elevator movement event:', 'movementEventType'),
  'get-elevator-door-button-event-demo': (r) => {
    checkEquipment('Elevator door event:', 'doorSideCode')(r);
    checkEquipment('Elevator button event:', 'landingCallType')(r);
  },
  'get-escalator-event-demo': checkEquipment('Escalator direction event:', 'currentDirectionCode'),
};

before(async () => {
  assert.ok(TLS_HOST, 'HOISTWAY_TLS_HOST (host:port of the HTTPS listener) is not set; run through e2e/run.sh');
  assert.ok(DEV_CA && fs.existsSync(DEV_CA), `HOISTWAY_DEV_CA (${DEV_CA}) is not a file; run through e2e/run.sh`);
  client = await readDemoClient();
  escalatorKen = await findEscalatorKen();
});

// An escalator of the demo building, from the application's resources (§4.3):
// the KEN variable is the only way to point the escalator demo at one.
async function findEscalatorKen() {
  const auth = Buffer.from(`${client.CLIENT_ID}:${client.CLIENT_SECRET}`).toString('base64');
  const tokenRes = await fetch(`${BASE}/api/v2/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=',
  });
  assert.equal(tokenRes.status, 200, 'token for the resources look-up');
  const { access_token: token } = await tokenRes.json();
  const res = await fetch(`${BASE}/api/v2/application/self/resources`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, 'resources look-up');
  const body = await res.json();
  const building = (body.buildings || []).find((b) => b.id === client.BUILDING_ID);
  const kens = new Set((building && building.apiKens) || []);
  const esc = (body.equipments || []).find((e) => kens.has(e.id) && /escalator/i.test(`${e.desc} ${e.name}`));
  assert.ok(esc, `no escalator in building ${client.BUILDING_ID}: ${JSON.stringify(body.equipments)}`);
  return `ken:${esc.id}`;
}

test('the re-created example set is complete (15 scripts)', () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
  assert.deepEqual(files, Object.keys(SCRIPTS).sort());
});

for (const [name, check] of Object.entries(SCRIPTS)) {
  test(`KONE example ${name} exits 0 by itself and does its main step`, async () => {
    const r = await runExample(name, EXTRA_ENV[name] ? EXTRA_ENV[name]() : {});
    assertCleanExit(r);
    check(r);
  });
}

// ---- the harness itself must be able to fail ----

test('harness: wrong credentials exit 1 with the token error', async () => {
  const r = await runExample('ping-demo', { CLIENT_SECRET: 'not-the-secret' });
  assert.equal(r.code, 1, transcript(r));
  assert.match(r.stderr, /Error fetching the access token: 401/, transcript(r));
  assert.throws(() => assertCleanExit(r));
});

test('harness: an untrusted certificate exits 0 but fails the check', async () => {
  const r = await runExample('get-equipment-status-demo', { NODE_EXTRA_CA_CERTS: undefined });
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stderr, /Failed to fetch status information: .*certificate/, transcript(r));
  assert.match(r.stdout, /^undefined$/m, transcript(r));
  assert.throws(() => assertCleanExit(r));
  assert.throws(() => SCRIPTS['get-equipment-status-demo'](r));
});

test('harness: a WebSocket that never answers the upgrade is a timeout', async () => {
  // Accepts TCP, never answers: the script hangs (§7.1) and must be reported.
  const sockets = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const r = await runExample('ping-demo', { WEBSOCKET_ENDPOINT: `ws://127.0.0.1:${server.address().port}/stream-v2` }, 3000);
    assert.equal(r.timedOut, true, transcript(r));
    assert.throws(() => assertCleanExit(r));
  } finally {
    sockets.forEach((s) => s.destroy());
    server.close();
  }
});

test('harness: without its main step a script fails its check', async () => {
  // The cancel demo's check on a ping run (no lift call, no delete).
  const r = await runExample('ping-demo');
  assertCleanExit(r);
  assert.throws(() => checkCancelCall(r));
  assert.throws(() => checkSiteMonitoring(r));
  assert.throws(() => checkSessions(r));
});

test('harness: the escalator demo on a lift KEN fails its check', async () => {
  // The server answers 4xx for a lift on the escalator endpoint; the script
  // still exits 0 (§5), so only the output check can catch it.
  const r = await runExample('get-escalator-event-demo', { KEN: client.KEN });
  assert.equal(r.code, 0, transcript(r));
  assert.match(r.stderr, /Failed to fetch button information/, transcript(r));
  assert.throws(() => assertCleanExit(r));
  assert.throws(() => SCRIPTS['get-escalator-event-demo'](r));
});
