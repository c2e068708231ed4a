// The customer portal in real Chromium: each customer role signs in and
// walks its tabs (desktop and phone), a service request is created from a
// unit page, CSRF refusal, and one customer cannot open another's unit.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE, BASE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

// Visits `path`, checks the heading and that nothing failed, screenshots it.
async function visit(page, path, heading, name) {
  const res = await page.goto(path);
  assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: heading }).first().waitFor({ timeout: 5000 }), `${path}: heading ${heading}`);
  await assertNoHorizontalScroll(page);
  await shot(page, name);
}

for (const viewport of [DESKTOP, PHONE]) {
  const tag = viewport === PHONE ? 'phone' : 'desktop';

  test(`customer admin walks every tab (${tag})`, async () => {
    const page = await newPage(browser, viewport);
    await page.goto('/signin');
    await shot(page, 'signin');
    await signIn(page, 'customer_admin');
    assert.equal(new URL(page.url()).pathname, '/');
    await visit(page, '/', 'Overview', 'home');
    // Every unit-state tile leads to the filtered equipment list.
    const tiles = page.locator('a.tile[href^="/equipment?status="]');
    assert.equal(await tiles.count(), 4);
    await visit(page, '/equipment', 'Equipment', 'equipment');
    const first = page.locator('table a[href^="/equipment/"]').first();
    const href = await first.getAttribute('href');
    await first.click();
    await page.waitForURL((u) => u.pathname === href);
    await assertNoHorizontalScroll(page);
    await page.getByRole('heading', { name: 'Create a service request for this unit' }).waitFor();
    await shot(page, 'unit');
    // The unit's building has a page of its own, and so has a contract.
    await Promise.all([page.waitForURL(/\/buildings\/\d+$/), page.locator('p.lead a[href^="/buildings/"]').click()]);
    await page.getByRole('heading', { name: 'Service contracts' }).waitFor();
    await assertNoHorizontalScroll(page);
    await shot(page, 'building');
    await Promise.all([page.waitForURL(/\/contracts\/\d+$/), page.locator('a[href^="/contracts/"]').first().click()]);
    await page.getByRole('heading', { name: 'Invoices of this contract' }).waitFor();
    await assertNoHorizontalScroll(page);
    await shot(page, 'contract');
    await visit(page, '/requests', 'Service requests', 'requests');
    await visit(page, '/services', 'Services', 'services-calendar');
    await visit(page, '/services?view=list', 'Services', 'services-list');
    await visit(page, '/reports', 'Reports', 'reports');
    await page.getByLabel('Service visits').check();
    await Promise.all([page.waitForURL(/\/reports\/view/), page.getByRole('button', { name: 'Create report' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Service visits' }).waitFor();
    await shot(page, 'report-visits');
    await visit(page, '/documents', 'Documents', 'documents');
    await visit(page, '/setup', '1-2-3 Setup', 'setup-me');
    await visit(page, '/setup/notifications', '1-2-3 Setup', 'setup-notifications');
    await visit(page, '/setup/portfolios', '1-2-3 Setup', 'setup-portfolios');
    await visit(page, '/setup/team', '1-2-3 Setup', 'setup-team');
    assert.deepEqual(page.errors, [], 'no script errors or CSP violations');
    await page.context().close();
  });
}

test('a service request created on a unit page shows up with its status', async () => {
  const page = await newPage(browser);
  await signIn(page, 'property_manager');
  await page.goto('/equipment');
  const link = page.locator('table a[href^="/equipment/"]').first();
  await link.click();
  await page.getByLabel('What is wrong?').fill('Car stops 5 cm below floor 3, doors reopen repeatedly.');
  await Promise.all([page.waitForURL(/\/requests\/SO-/), page.getByRole('button', { name: 'Send service request' }).click()]);
  await page.getByText(/Service request SO-\d{4}-\d+ received/).waitFor();
  const number = new URL(page.url()).pathname.split('/').pop();
  await shot(page, 'request-detail');
  await page.goto('/');
  await page.locator(`[data-case-status="${number}"]`).first().waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('front desk and finance see only their tabs', async () => {
  const fd = await newPage(browser, PHONE);
  await signIn(fd, 'front_desk');
  const tabs = await fd.locator('nav.tabs a').allInnerTexts();
  assert.deepEqual(tabs.map((s) => s.trim()), ['Home', 'Requests', 'Setup']);
  await shot(fd, 'front-desk-home');
  assert.equal((await fd.goto('/documents')).status(), 403);
  assert.equal((await fd.goto('/equipment')).status(), 403);
  await fd.goto('/requests/new');
  await shot(fd, 'request-new');
  await fd.context().close();

  const fin = await newPage(browser);
  await signIn(fin, 'finance');
  assert.equal(new URL(fin.url()).pathname, '/documents');
  await fin.getByRole('heading', { name: 'Invoices' }).waitFor();
  await fin.goto('/documents?status=overdue');
  await shot(fin, 'finance-documents');
  assert.equal((await fin.goto('/equipment')).status(), 403);
  await fin.context().close();
});

test('a form posted without its CSRF token is refused', async () => {
  const page = await newPage(browser);
  await signIn(page, 'customer_admin');
  await page.goto('/setup');
  await page.evaluate(() => { document.querySelector('form[action="/setup/me"] input[name="_csrf"]').value = 'forged'; });
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/setup/me')), page.getByRole('button', { name: 'Save' }).click()]);
  assert.equal(res.status(), 403);
  await page.getByRole('heading', { name: 'Form expired' }).waitFor();
  await page.context().close();
});

test("one customer cannot open another customer's unit page", async () => {
  const own = await newPage(browser);
  await signIn(own, 'customer_admin');
  await own.goto('/equipment');
  const href = await own.locator('table a[href^="/equipment/"]').first().getAttribute('href');
  await own.context().close();

  const other = await newPage(browser);
  await signIn(other, 'other_customer_admin');
  const res = await other.goto(href);
  assert.equal(res.status(), 404);
  await other.getByRole('heading', { name: 'Not found' }).waitFor();
  const missing = await other.goto('/equipment/99999999');
  assert.equal(missing.status(), 404);
  assert.equal(await other.content().then((h) => h.includes('Not found')), true);
  await other.context().close();
});

test('the app installs: manifest and service worker answer', async () => {
  const page = await newPage(browser);
  const m = await page.request.get(`${BASE}/manifest.webmanifest`);
  assert.equal(m.status(), 200);
  const manifest = await m.json();
  assert.equal(manifest.display, 'standalone');
  const sw = await page.request.get(`${BASE}/sw.js`);
  assert.equal(sw.status(), 200);
  await page.context().close();
});
