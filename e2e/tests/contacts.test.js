// Service contacts, the on-site playbook and unit service labels in real
// Chromium (issue #20): a customer admin finds the building's local
// contacts, opens and edits the playbook, marks it reviewed, prints it
// (the forms do not print), and prints the building's service labels,
// each with a QR code; on a phone nothing scrolls sideways. The provider
// admin keeps the directory.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

// The first building of the signed-in customer, from the equipment list.
async function firstBuilding(page) {
  await page.goto('/equipment');
  const unit = page.locator('table a[href^="/equipment/"]').first();
  await Promise.all([page.waitForURL(/\/equipment\/\d+$/), unit.click()]);
  await Promise.all([page.waitForURL(/\/buildings\/\d+$/), page.locator('p.lead a[href^="/buildings/"]').click()]);
  return new URL(page.url()).pathname;
}

for (const viewport of [DESKTOP, PHONE]) {
  const tag = viewport === PHONE ? 'phone' : 'desktop';

  test(`the playbook and labels print from the building page (${tag})`, async () => {
    const page = await newPage(browser, viewport);
    await signIn(page, 'customer_admin');
    const building = await firstBuilding(page);
    await page.getByRole('heading', { name: 'Service contacts' }).waitFor();

    await Promise.all([page.waitForURL(`${building}/playbook`), page.getByRole('link', { name: 'On-site playbook' }).click()]);
    await page.getByRole('heading', { name: 'If someone is trapped' }).waitFor();
    assert.ok(await page.getByText('Do not force the doors').isVisible());
    await assertNoHorizontalScroll(page);
    await shot(page, 'playbook');

    // Edit the access instructions; the page comes back with them.
    const words = `Meet the janitor at door B (${tag}).`;
    await page.getByRole('textbox', { name: 'Getting in' }).fill(words);
    await Promise.all([page.waitForURL(`${building}/playbook`), page.getByRole('button', { name: 'Save the playbook' }).click()]);
    await page.getByText('The playbook is saved.').waitFor();
    assert.ok(await page.getByText(words).first().isVisible());
    await Promise.all([page.waitForURL(`${building}/playbook`), page.getByRole('button', { name: 'Mark as reviewed today' }).click()]);
    await page.getByText('The playbook is marked as reviewed.').waitFor();

    // Printed: the text stays, the forms and navigation go.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('button', { name: 'Save the playbook' }).isVisible(), false);
    assert.equal(await page.locator('header.topbar').isVisible(), false);
    assert.ok(await page.getByRole('heading', { name: 'If someone is trapped' }).isVisible());
    await page.emulateMedia({ media: 'screen' });

    // The labels: one per unit, each with a QR code and its link in words.
    await page.goto(`${building}/labels`);
    const labels = page.locator('article.service-label');
    const n = await labels.count();
    assert.ok(n >= 1, 'the building has units');
    assert.equal(await page.locator('article.service-label svg.qr').count(), n);
    const url = await labels.first().locator('.label-url').textContent();
    assert.match(url.trim(), /^http:\/\/127\.0\.0\.1:\d+\/equipment\/\d+#new-request$/);
    await assertNoHorizontalScroll(page);
    await shot(page, 'labels');
    // The label's link opens the unit's request form.
    await page.goto(url.trim());
    await page.getByRole('heading', { name: 'Create a service request for this unit' }).waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the provider admin keeps the directory; a customer cannot', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, 'provider_admin');
  await page.goto('/admin/service-contacts');
  await page.getByRole('link', { name: 'Finland' }).click();
  await page.waitForURL('/admin/service-contacts/FI');
  await page.getByLabel('Phone').first().fill('+358 20 475 1');
  await Promise.all([page.waitForURL('/admin/service-contacts'), page.getByRole('button', { name: 'Save' }).click()]);
  await page.getByText('The contacts of Finland are saved.').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();

  const customer = await newPage(browser, DESKTOP);
  await signIn(customer, 'customer_admin');
  const res = await customer.goto('/admin/service-contacts');
  assert.equal(res.status(), 403);
  // ... but sees the new number on a Finnish building.
  const building = await firstBuilding(customer);
  assert.ok(building);
  assert.ok(await customer.locator('a[href="tel:+358204751"]').first().isVisible());
  await customer.context().close();
});
