// The provider admin's register in real Chromium: the Administration tab
// at desktop and phone size (screenshots), then one journey: a customer,
// a hospital building with its own business hours, a unit with the triage
// flags, a device credential shown once, an API application, an
// invitation. An operator does not get the tab.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function visit(page, path, heading, name) {
  const res = await page.goto(path);
  assert.equal(res.status(), 200, `${path} answered ${res.status()}`);
  await page.getByRole('heading', { level: 1, name: heading }).first().waitFor({ timeout: 5000 });
  await assertNoHorizontalScroll(page);
  await shot(page, name);
}

// Submits the form holding `button` and waits for the next page.
async function submit(page, form, button) {
  await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: button }).click()]);
}

for (const viewport of [DESKTOP, PHONE]) {
  const tag = viewport === PHONE ? 'phone' : 'desktop';

  test(`administration pages (${tag})`, async () => {
    const page = await newPage(browser, viewport);
    await signIn(page, 'provider_admin');
    await visit(page, '/admin', 'Administration', 'admin-customers');
    // Customers lead to their buildings, buildings to their units.
    await page.getByRole('link', { name: 'Nordic Towers Oy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nordic Towers Oy' }).waitFor();
    await assertNoHorizontalScroll(page);
    await shot(page, 'admin-customer');
    await page.getByRole('link', { name: 'Aurora Tower' }).click();
    await page.getByRole('heading', { level: 1, name: 'Aurora Tower' }).waitFor();
    await assertNoHorizontalScroll(page);
    await shot(page, 'admin-building');
    await page.locator('section[aria-labelledby="bu-h"] a').first().click();
    await page.getByRole('heading', { name: 'Device credentials' }).waitFor();
    await assertNoHorizontalScroll(page);
    await shot(page, 'admin-unit');
    await visit(page, '/admin/users', 'People', 'admin-people');
    await visit(page, '/admin/api-clients', 'API applications', 'admin-api-clients');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the provider admin sets up a customer from nothing', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, 'provider_admin');
  await page.getByRole('link', { name: 'Administration' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();

  // A customer.
  const newCustomer = page.locator('section[aria-labelledby="nc-h"]');
  await newCustomer.getByLabel('Name').fill('Harbour Estates');
  await newCustomer.getByLabel('Contact e-mail').fill('desk@harbour.example');
  await submit(page, newCustomer, 'Create customer');
  await page.getByRole('heading', { level: 1, name: 'Harbour Estates' }).waitFor();

  // A hospital building.
  const newBuilding = page.locator('section[aria-labelledby="nb-h"]');
  await newBuilding.getByLabel('Name').fill('Harbour Clinic');
  await newBuilding.getByLabel('Street address').fill('Satamakatu 1, Helsinki');
  await newBuilding.getByLabel('Country').fill('FI');
  await newBuilding.getByLabel('Time zone').fill('Europe/Helsinki');
  await newBuilding.getByLabel(/Hospital/).check();
  await submit(page, newBuilding, 'Create building');
  await page.getByRole('heading', { level: 1, name: 'Harbour Clinic' }).waitFor();
  assert.ok(await page.getByLabel(/Hospital/).isChecked(), 'the flag is kept');

  // Its own business hours: six days, 07:00–19:00, a closed date.
  const hours = page.locator('section[aria-labelledby="bh-h"]');
  await hours.getByLabel('Saturday').check();
  await hours.getByLabel('Opens').fill('07:00');
  await hours.getByLabel('Closes').fill('19:00');
  await hours.getByLabel('Closed dates').fill('2026-12-24');
  await submit(page, hours, 'Save business hours');
  assert.match(await page.locator('section[aria-labelledby="bh-h"]').innerText(), /Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, 07:00–19:00/);

  // A unit, then its triage flags.
  const newUnit = page.locator('section[aria-labelledby="nu-h"]');
  await newUnit.getByLabel('Equipment number').fill('ken:49900001');
  await newUnit.getByLabel(/Name people use/).fill('Lift A');
  await submit(page, newUnit, 'Create unit');
  await page.getByRole('heading', { level: 1, name: /Lift A/ }).waitFor();
  await page.getByLabel(/Accessible route/).check();
  await page.getByLabel(/High traffic/).check();
  await submit(page, page.locator('section[aria-labelledby="ud-h"]'), 'Save');
  assert.ok(await page.getByLabel(/High traffic/).isChecked());

  // A device credential: the token once, then never again.
  const devices = page.locator('section[aria-labelledby="dc-h"]');
  await devices.getByLabel(/Label/).fill('GW-0001');
  await submit(page, devices, 'Issue a credential');
  const token = (await page.locator('[data-secret^="Token"]').innerText()).trim();
  assert.match(token, /^hwd_/);
  await shot(page, 'admin-device-issued');
  await page.reload();
  assert.ok(!(await page.content()).includes(token), 'not shown again');

  // An API application for the new customer.
  await page.goto('/admin/api-clients');
  const app = page.locator('section[aria-labelledby="na-h"]');
  await app.getByLabel('Customer').selectOption({ label: 'Harbour Estates' });
  await app.getByLabel('Name').fill('BMS link');
  await submit(page, app, 'Create application');
  assert.ok((await page.locator('[data-secret="Client secret"]').innerText()).trim().length > 20);

  // An invitation: a customer role without a customer is refused by name.
  await page.goto('/admin/users');
  const invite = page.locator('section[aria-labelledby="pi-h"]');
  await invite.getByLabel('Name').fill('Pia Manager');
  await invite.getByLabel('E-mail').fill('pia@harbour.example');
  await invite.getByLabel('Role').selectOption('property_manager');
  await submit(page, invite, 'Send invitation');
  assert.match(await page.locator('.flash-error').innerText(), /customer_id/);
  const again = page.locator('section[aria-labelledby="pi-h"]');
  await again.getByLabel('Name').fill('Pia Manager');
  await again.getByLabel('E-mail').fill('pia@harbour.example');
  await again.getByLabel('Role').selectOption('property_manager');
  await again.getByLabel('Customer').selectOption({ label: 'Harbour Estates' });
  await submit(page, again, 'Send invitation');
  assert.match(await page.locator('.flash-ok').innerText(), /pia@harbour\.example/);
  await page.goto('/admin/users?q=pia');
  assert.match(await page.locator('tr[data-user="pia@harbour.example"]').innerText(), /Invitation sent/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an operator has no Administration tab and is refused there', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, 'operator');
  assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
  const res = await page.goto('/admin');
  assert.equal(res.status(), 403);
  await page.context().close();
});
