// The main flow across roles, in several browser contexts at once: a
// front-desk user creates a service request in the customer portal → it
// appears live (no reload) in the operator's queue → the operator
// dispatches a technician with an ETA → the technician, on a phone,
// goes en route, on site, resolves and files the report with a quote →
// the property manager sees the report and accepts the quote.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('request → live queue → dispatch → technician report → customer accepts the quote', async () => {
  const op = await newPage(browser, DESKTOP);
  await signIn(op, 'operator');
  assert.equal(new URL(op.url()).pathname, '/desk');
  await op.locator('[data-live-indicator]').waitFor({ state: 'visible', timeout: 10000 });
  // A marker that a reload would wipe: the row must arrive without one.
  await op.evaluate(() => { window.__noReload = true; });

  const desk = await newPage(browser, DESKTOP);
  await signIn(desk, 'front_desk');
  await desk.goto('/requests/new');
  await desk.locator('#r-unit').selectOption({ index: 1 });
  const symptom = `Landing door on floor 2 does not close (e2e ${Date.now()})`;
  await desk.getByLabel('What is wrong?').fill(symptom);
  await Promise.all([
    desk.waitForURL((u) => /^\/requests\/SO-/.test(u.pathname)),
    desk.getByRole('button', { name: 'Send service request' }).click(),
  ]);
  const number = new URL(desk.url()).pathname.split('/').pop();

  const row = op.locator(`tr[data-case="${number}"]`);
  await row.waitFor({ timeout: 15000 });
  assert.equal(await op.evaluate(() => window.__noReload), true, 'the queue updated without a reload');
  assert.match(await row.innerText(), /Received/);
  await shot(op, 'flow-queue-live');

  await Promise.all([op.waitForURL(`**/desk/cases/${number}`), row.getByRole('link', { name: number }).click()]);
  const tech = await op.locator('#technician_id option', { hasText: 'FI, SE' }).first().getAttribute('value');
  await op.locator('#technician_id').selectOption(tech);
  await op.locator('#eta_minutes').selectOption('45');
  await Promise.all([op.waitForURL(`**/desk/cases/${number}`), op.getByRole('button', { name: 'Dispatch', exact: true }).click()]);
  await op.getByText('Technician dispatched.').waitFor();
  assert.equal(await op.locator(`[data-case-status="${number}"]`).first().getAttribute('data-status'), 'dispatched');

  // The front desk's request page follows live as the technician moves.
  const fdBadge = desk.locator(`[data-case-status="${number}"]`).first();
  await desk.reload();

  const phone = await newPage(browser, PHONE);
  await signIn(phone, 'technician');
  assert.equal(new URL(phone.url()).pathname, '/tech');
  await assertNoHorizontalScroll(phone);
  await Promise.all([phone.waitForURL(`**/tech/cases/${number}`), phone.locator(`a[href="/tech/cases/${number}"]`).click()]);
  for (const [button, status] of [['I am on my way', 'en_route'], ['I am on site', 'on_site'], ['Resolved', 'resolved']]) {
    await Promise.all([phone.waitForURL(`**/tech/cases/${number}`), phone.getByRole('button', { name: button, exact: true }).click()]);
    assert.equal(await phone.locator(`[data-case-status="${number}"]`).first().getAttribute('data-status'), status, button);
    await assertNoHorizontalScroll(phone);
  }
  await fdBadge.waitFor();
  await desk.waitForFunction((n) => document.querySelector(`[data-case-status="${n}"]`).getAttribute('data-status') === 'resolved', number, { timeout: 10000 });

  await phone.getByLabel('Findings').fill('Door lock contact worn; door did not reach locked position');
  await phone.getByLabel('Cause code').fill('door-lock');
  await phone.getByLabel('Work done').fill('Replaced lock contact\nTested 20 runs');
  await phone.locator('#part_0').fill('KM-713-001');
  await phone.locator('#qty_0').fill('2');
  await phone.getByLabel('What is still to do').fill('Replace the door operator belt');
  await phone.getByLabel('Needs another visit').check();
  // Above the contract's spending limit, so it waits for the customer.
  await phone.getByLabel('Amount').fill('12500.50');
  await phone.getByLabel('What the quote covers').fill('New door operator belt, fitted');
  await shot(phone, 'tech-report-form');
  await Promise.all([phone.waitForURL(`**/tech/cases/${number}`), phone.getByRole('button', { name: 'File the report' }).click()]);
  await phone.getByText('Service report filed.').waitFor();
  await shot(phone, 'tech-report-filed');

  const pm = await newPage(browser, DESKTOP);
  await signIn(pm, 'property_manager');
  await pm.goto(`/requests/${number}`);
  await pm.getByText('Door lock contact worn').first().waitFor();
  await pm.getByText('KM-713-001').first().waitFor();
  await Promise.all([pm.waitForURL(`**/requests/${number}**`), pm.getByRole('button', { name: 'Accept quote' }).click()]);
  await pm.getByText('Accepted').first().waitFor();
  await shot(pm, 'flow-quote-accepted');

  // The care center sees the customer's answer on the case page.
  await op.reload();
  await op.getByText('Accepted').first().waitFor();
  for (const p of [op, desk, phone, pm]) assert.deepEqual(p.errors, [], `page errors at ${p.url()}`);
});
