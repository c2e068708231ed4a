// Privacy and offers in real Chromium (issue #20): a property manager
// downloads their data from /account/privacy, objects to analytics and
// agrees to surveys; asks for an offer; the operator quotes it on
// /desk/offers; the property manager accepts. Screenshots at both sizes.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

test('a property manager downloads their data and sets their choices', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await newPage(browser, viewport);
    await signIn(page, 'property_manager');
    await page.goto('/account/security');
    await page.getByRole('link', { name: 'Privacy' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Your data and privacy' }).waitFor();
    await assertNoHorizontalScroll(page);
    await shot(page, 'privacy');
    if (viewport === DESKTOP) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download my data' }).click(),
      ]);
      const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
      assert.equal(data.profile.email, 'property.manager@nordictowers.example');
      assert.ok(Array.isArray(data.sign_ins) && data.sign_ins.length > 0);
      await submit(page, page.getByRole('button', { name: 'Send me surveys' }));
      assert.equal(await page.locator('[data-surveys="on"]').count(), 1);
      await submit(page, page.getByRole('button', { name: 'Object to analytics' }));
      assert.equal(await page.locator('[data-objection="on"]').count(), 1);
      await submit(page, page.getByRole('button', { name: 'Withdraw my objection' }));
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('an offer is asked for, quoted and accepted', async () => {
  const pm = await newPage(browser, PHONE);
  await signIn(pm, 'property_manager');
  await pm.goto('/requests');
  await pm.getByRole('link', { name: 'Offers' }).first().click();
  await pm.getByRole('heading', { level: 1, name: 'Offers' }).waitFor();
  const ask = pm.locator('#ask');
  await ask.getByLabel('What for').selectOption('door_upgrade');
  await ask.getByLabel('What do you need?').fill('New door operators for the lobby lifts');
  await submit(pm, ask.getByRole('button', { name: 'Ask for an offer' }));
  assert.match(await pm.locator('.flash-ok').innerText(), /request is sent/);
  await assertNoHorizontalScroll(pm);
  await shot(pm, 'offers-asked');

  const op = await newPage(browser, DESKTOP);
  await signIn(op, 'operator');
  await op.goto('/desk');
  await op.getByRole('link', { name: 'Offers' }).click();
  const item = op.locator('li[data-offer]', { hasText: 'New door operators for the lobby lifts' });
  await item.locator('summary').click();
  await item.getByLabel('Price', { exact: true }).fill('18500');
  await item.getByLabel('What the price covers').fill('Two door operators with light curtains, fitted in one day each');
  await submit(op, item.getByRole('button', { name: 'Send the quote' }));
  assert.match(await op.locator('.flash-ok').innerText(), /Quote sent/);
  await shot(op, 'desk-offers');

  await pm.goto('/offers');
  const mine = pm.locator('li[data-offer]', { hasText: 'New door operators for the lobby lifts' });
  assert.match(await mine.innerText(), /18\u202f500\.00/);
  pm.once('dialog', (d) => d.accept());
  await submit(pm, mine.getByRole('button', { name: 'Accept the quote' }));
  assert.match(await pm.locator('.flash-ok').innerText(), /accepted/);
  assert.deepEqual(pm.errors, []);
  assert.deepEqual(op.errors, []);
  await pm.context().close();
  await op.context().close();
});
