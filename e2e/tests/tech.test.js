// The technician's planned visit on a phone (390×844), in real Chromium:
// the care center gives the technician a visit today (through the API),
// the technician signs in, finds it under today's planned visits, opens
// it (unit · building, address with a map link), starts it, records the
// checklist (one item N/A with a note, the rest OK), completes it with
// the visit report, and sees the unit's history. Screenshots go where the
// other tests write theirs (e2e/screenshots, via lib.shot).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { BASE, PASSWORD, LOGINS, DESKTOP, PHONE, launch, newPage, signIn, shot, assertNoHorizontalScroll } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function api(method, path, token, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

async function login(role) {
  const r = await api('POST', '/api/v1/auth/login', null, { email: LOGINS[role], password: PASSWORD });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.token;
}

// A planned preventive visit in a European building (its local today is
// never before UTC's), moved to now and given to the demo technician.
async function visitToday() {
  const admin = await login('provider_admin');
  const techs = await api('GET', '/api/v1/technicians', admin);
  const tech = techs.json.find((t) => t.email === LOGINS.technician).user_id;
  const from = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  const list = await api('GET', `/api/v1/visits?status=planned&kind=preventive&from=${from}&limit=200`, admin);
  assert.equal(list.status, 200, JSON.stringify(list.json));
  const v = list.json.items.find((x) => x.timezone.startsWith('Europe/'));
  assert.ok(v, 'a planned visit in Europe');
  const moved = await api('PATCH', `/api/v1/visits/${v.id}`, admin, { planned_for: new Date().toISOString(), technician_id: tech });
  assert.equal(moved.status, 200, JSON.stringify(moved.json));
  return moved.json;
}

test('a technician works today\'s planned visit on the phone (390×844)', async () => {
  const visit = await visitToday();
  const page = await newPage(browser, PHONE);
  await signIn(page, 'technician');
  assert.equal(new URL(page.url()).pathname, '/tech');
  await page.getByRole('heading', { name: /Today's planned visits/ }).waitFor();
  const link = page.locator(`a[href="/tech/visits/${visit.id}"]`);
  await link.waitFor();
  await assertNoHorizontalScroll(page);
  await shot(page, 'tech-today');

  await Promise.all([page.waitForURL(`**/tech/visits/${visit.id}`), link.click()]);
  const h1 = await page.getByRole('heading', { level: 1 }).innerText();
  assert.ok(h1.endsWith(` · ${visit.building_name}`), h1);
  assert.match(await page.locator('[data-map-link]').getAttribute('href'), /^https:\/\/www\.openstreetmap\.org\//);
  await page.getByRole('heading', { name: 'History of this unit' }).waitFor();
  await assertNoHorizontalScroll(page);
  await shot(page, 'tech-visit');

  await Promise.all([page.waitForURL(`**/tech/visits/${visit.id}`), page.getByRole('button', { name: 'Start the visit' }).click()]);
  await page.getByText('Visit started.').waitFor();
  const items = page.locator('fieldset.check-item');
  const n = await items.count();
  assert.ok(n >= 2, `checklist items: ${n}`);
  // Big choices: tap the label, the radio is checked.
  await items.nth(0).locator('label.outcome-n_a').click();
  await items.nth(0).getByLabel('Note').fill('No pit ladder on this unit');
  for (let i = 1; i < n; i++) await items.nth(i).locator('label.outcome-pass').click();
  assert.equal(await items.nth(1).locator('input[value="pass"]').isChecked(), true);
  await assertNoHorizontalScroll(page);
  await shot(page, 'tech-checklist');
  await Promise.all([page.waitForURL(`**/tech/visits/${visit.id}`), page.getByRole('button', { name: 'Save the checklist' }).click()]);
  await page.getByText(`${n} items recorded.`).waitFor();
  assert.equal(await page.locator('[data-checklist-progress]').innerText(), `${n} of ${n} recorded`);

  // The API reads what the page recorded.
  const token = await login('technician');
  const read = await api('GET', `/api/v1/visits/${visit.id}/checklist`, token);
  assert.equal(read.json[0].outcome, 'n_a');
  assert.equal(read.json[0].note, 'No pit ladder on this unit');
  assert.ok(read.json.slice(1).every((e) => e.outcome === 'pass'));

  await page.getByLabel('What was found and done').fill('Doors adjusted, guide rails cleaned and lubricated');
  await page.getByLabel('Minutes on site').fill('50');
  await page.locator('#vpart_0').fill('KM-713-001');
  await page.locator('#vqty_0').fill('1');
  await Promise.all([page.waitForURL(`**/tech/visits/${visit.id}`), page.getByRole('button', { name: 'Complete and file the report' }).click()]);
  await page.getByText('Visit completed and report filed.').waitFor();
  await page.getByRole('heading', { name: 'Visit report' }).waitFor();
  assert.match(await page.locator('.order-head').innerText(), /Completed/);
  await assertNoHorizontalScroll(page);
  await shot(page, 'tech-visit-done');
  const done = await api('GET', `/api/v1/visits/${visit.id}`, token);
  assert.equal(done.json.status, 'completed');
  assert.deepEqual(page.errors, []);

  // The same pages are fine on a desktop.
  const desk = await newPage(browser, DESKTOP);
  await signIn(desk, 'technician');
  await desk.locator(`a[href="/tech/visits/${visit.id}"]`).waitFor();
  await assertNoHorizontalScroll(desk);
  await shot(desk, 'tech-today');
  await desk.goto(`/tech/visits/${visit.id}`);
  await desk.getByRole('heading', { name: 'Visit report' }).waitFor();
  await assertNoHorizontalScroll(desk);
  await shot(desk, 'tech-visit-done');
  assert.deepEqual(desk.errors, []);
});
