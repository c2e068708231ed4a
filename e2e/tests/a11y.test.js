// Automated accessibility check (issue #19): every role signs in and axe-core
// runs on each page of that role, at desktop (1366×900) and phone (390×844)
// sizes. Pages are found by following the role's navigation (the tab bar,
// the setup tabs) plus one detail page of each kind reachable from there (a
// request, a unit, a building, a contract, an invoice, a desk case, a
// technician's case, the notifications, sign-in security). Any violation of
// impact "serious" or "critical" fails the test; every violation found is
// printed so a failure says what and where.
//
// The portal's CSP allows no inline script, so axe is injected into a
// context created with `bypassCSP: true` (the pages themselves are
// unchanged).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { launch, LOGINS, PASSWORD, BASE } = require('../lib');

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SIZES = [
  { tag: 'desktop', viewport: { width: 1366, height: 900 } },
  { tag: 'phone', viewport: { width: 390, height: 844 } },
];
// A11Y_ROLES=finance,resident checks only those roles (while fixing one).
const ROLES = process.env.A11Y_ROLES ? process.env.A11Y_ROLES.split(',') : [
  'customer_admin', 'property_manager', 'front_desk', 'finance',
  'operator', 'duty_manager', 'provider_admin', 'technician', 'resident',
];
// Links followed once per kind (the first match on the pages visited so far).
const KINDS = [
  ['setup tab', /^\/setup\/(notifications|portfolios|team)$/, 3],
  ['new request', /^\/requests\/new$/, 1],
  ['request', /^\/requests\/SO-[\w-]+$/, 1],
  ['unit', /^\/equipment\/\d+$/, 1],
  ['building', /^\/buildings\/\d+$/, 1],
  ['contract', /^\/contracts\/\d+$/, 1],
  ['invoice', /^\/documents\/invoices\/\d+$/, 1],
  ['desk page', /^\/desk\/(intake|escalations)$/, 2],
  ['desk case', /^\/desk\/cases\/[\w-]+$/, 1],
  ['tech case', /^\/tech\/cases\/[\w-]+$/, 1],
  ['notifications', /^\/notifications$/, 1],
  ['security', /^\/account\/security$/, 1],
  ['services list', /^\/services\?view=list/, 1],
  ['certificates', /^\/services\/certificates$/, 1],
  // The provider admin's register (/admin, its tabs and one record of each kind).
  ['admin tab', /^\/admin\/(users|api-clients)$/, 2],
  ['admin customer', /^\/admin\/customers\/\d+$/, 1],
  ['admin building', /^\/admin\/buildings\/\d+$/, 1],
  ['admin unit', /^\/admin\/units\/\d+$/, 1],
  // Service contacts (issue #20): the playbook, the label sheets, the directory.
  ['playbook and labels', /^\/buildings\/\d+\/(playbook|labels)$/, 2],
  ['unit label', /^\/equipment\/\d+\/label$/, 1],
  ['admin directory', /^\/admin\/service-contacts(\/[A-Z]{2})?$/, 2],
  // Privacy, offers and integrations (issue #20).
  ['privacy', /^\/account\/privacy$/, 1],
  ['offers', /^\/(desk\/)?offers$/, 2],
  ['integrations', /^\/setup\/integrations$/, 1],
  // Recurring faults, root-cause analyses, lifecycle (issue #21).
  ['recurring and lifecycle', /^\/(reports|desk)\/(recurring|root-causes|lifecycle)$/, 3],
];
const BAD = new Set(['serious', 'critical']);

let browser;
// Pages past a role's own tabs (details, notifications, security) render
// the same frame for every role: each kind is checked for the first role
// that reaches it, which keeps the run near a minute.
const taken = new Map();
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function context(viewport) {
  const ctx = await browser.newContext({ viewport, baseURL: BASE, bypassCSP: true });
  return ctx;
}

async function signIn(page, role) {
  await page.goto('/signin');
  await page.getByLabel('E-mail').fill(LOGINS[role]);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'Sign in' }).click()]);
}

// Same-origin paths of the links on the page.
async function links(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('a[href]'))
    .map((a) => a.getAttribute('href'))
    .filter((h) => h && h.startsWith('/') && !h.startsWith('//')));
}

// The role's pages: its tabs, then one page of each kind found on them.
async function pagesOf(page) {
  const start = new URL(page.url()).pathname;
  const tabs = await page.evaluate(() => Array.from(document.querySelectorAll('nav.tabs a[href]')).map((a) => a.getAttribute('href')));
  const list = [start, ...tabs.filter((h) => h !== start)];
  for (let i = 0; i < list.length; i++) {
    if (i > 0) await page.goto(list[i]);
    // Pages reached by a form rather than a link: a report; the desk's
    // resolved cases (a fresh demo's queue of open ones may be empty).
    for (const [from, to] of [['/reports', '/reports/view?kind=visits'], ['/desk', '/desk?status=resolved']]) {
      if (list[i] === from && !taken.has(to)) { taken.set(to, 1); list.push(to); }
    }
    for (const href of await links(page)) {
      if (list.includes(href)) continue;
      for (const [kind, re, max] of KINDS) {
        if (!re.test(href)) continue;
        const n = taken.get(kind) || 0;
        if (n >= max) continue;
        taken.set(kind, n + 1);
        list.push(href);
      }
    }
  }
  // A technician's list holds only open work (a fresh demo may have none):
  // one of their cases from the API then.
  if (list.includes('/tech') && !taken.has('tech case')) {
    const r = await page.request.get('/api/v1/cases?limit=1');
    const n = r.ok() ? ((await r.json()).items || [])[0] : null;
    if (n) { taken.set('tech case', 1); list.push(`/tech/cases/${n.number}`); }
  }
  return list;
}

async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: (n.failureSummary || '').split('\n').slice(0, 3).join(' | '), html: n.html.slice(0, 160) })),
    }));
  });
}

function describe(where, v) {
  const nodes = v.nodes.slice(0, 4).map((n) => `      ${n.target}\n        ${n.html}\n        ${n.summary}`).join('\n');
  const more = v.nodes.length > 4 ? `\n      … and ${v.nodes.length - 4} more` : '';
  return `  [${v.impact}] ${v.id}: ${v.help} (${where})\n${nodes}${more}`;
}

for (const role of ROLES) {
  test(`axe finds no serious or critical violation on ${role}'s pages`, async () => {
    const failures = [];
    const minor = [];
    let pages = null;
    let checked = 0;
    for (const { tag, viewport } of SIZES) {
      const ctx = await context(viewport);
      const page = await ctx.newPage();
      await signIn(page, role);
      if (!pages) pages = await pagesOf(page);
      for (const path of pages) {
        const res = await page.goto(path);
        assert.equal(res.status(), 200, `${role}: ${path} answered ${res.status()}`);
        // The live indicator shows once the event stream is open.
        await page.waitForLoadState('load');
        for (const v of await axe(page)) {
          (BAD.has(v.impact) ? failures : minor).push(describe(`${path}, ${tag}`, v));
        }
        checked++;
      }
      await ctx.close();
    }
    if (minor.length) console.log(`${role}: ${minor.length} minor/moderate finding(s):\n${minor.join('\n')}`);
    console.log(`${role}: ${checked} page views checked: ${pages.join(' ')}`);
    assert.equal(failures.length, 0, `${role}: serious or critical axe violations:\n${failures.join('\n')}`);
  });
}
