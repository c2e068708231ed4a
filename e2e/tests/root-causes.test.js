// Recurring faults, root-cause analyses and lifecycle planning in real
// Chromium (issue #21): the customer admin finds the demo's flagged lift
// and its analysis in progress from the Reports tab, reads the plan, and
// downloads the lifecycle budget as CSV for a ten-year horizon; the
// operator adds an action to the plan and marks it done, which the
// customer then sees in the progress. No page scrolls sideways on a phone.
'use strict';
const fs = require('node:fs');
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

for (const viewport of [DESKTOP, PHONE]) {
  const tag = viewport === PHONE ? 'phone' : 'desktop';
  test(`the customer follows the recurring faults and plans the budget (${tag})`, async () => {
    const page = await newPage(browser, viewport);
    await signIn(page, 'customer_admin');
    await page.goto('/reports');
    await Promise.all([page.waitForURL('/reports/recurring'), page.getByRole('link', { name: 'Recurring faults' }).first().click()]);
    await page.getByRole('heading', { name: 'Flagged units' }).waitFor();
    assert.ok(await page.locator('[data-flagged-unit]').count() >= 1, 'the demo flags a lift');
    assert.ok(await page.locator('#ranking tbody tr').count() >= 1, 'the ranking has the lift');
    await assertNoHorizontalScroll(page);
    await shot(page, 'recurring');
    await Promise.all([
      page.waitForURL(/\/reports\/root-causes\/\d+$/),
      page.getByRole('link', { name: /Analysis open/ }).first().click(),
    ]);
    await page.getByRole('heading', { name: 'Corrective action plan' }).waitFor();
    assert.ok(await page.getByText(/1 of 3 actions done/).first().isVisible());
    assert.equal(await page.getByRole('button', { name: 'Mark done' }).count(), 0, 'customers only read');
    await assertNoHorizontalScroll(page);
    await shot(page, 'root-cause');

    await page.goto('/reports/lifecycle');
    await page.getByLabel('Horizon').selectOption('10');
    await Promise.all([page.waitForURL(/years=10/), page.getByRole('button', { name: 'Show' }).click()]);
    const years = await page.locator('#budget tbody tr').count();
    assert.ok(years >= 10 && years % 10 === 0, `${years} budget rows`);
    assert.ok(await page.locator('#candidates tbody tr').count() >= 1, 'candidates with reasons');
    await assertNoHorizontalScroll(page);
    await shot(page, 'lifecycle');
    if (viewport === DESKTOP) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download CSV' }).click(),
      ]);
      const csv = fs.readFileSync(await download.path(), 'utf8');
      assert.match(csv.split('\n')[0], /^row,unit_id,equipment_number,/);
      assert.equal(csv.split('\n').filter((l) => l.startsWith('budget,')).length, years);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the operator adds an action and marks it done; the customer sees the progress', async () => {
  const op = await newPage(browser, DESKTOP);
  await signIn(op, 'operator');
  await op.goto('/desk/root-causes');
  await Promise.all([op.waitForURL(/\/desk\/root-causes\/\d+$/), op.locator('[data-root-cause] a').first().click()]);
  const id = new URL(op.url()).pathname.split('/').pop();
  await op.locator('summary', { hasText: 'Add action' }).click();
  await op.getByLabel('Action', { exact: true }).fill('Check the door operator after the upgrade');
  await op.getByLabel('Due').fill('2030-01-15');
  await op.getByLabel('Cost').fill('450');
  await Promise.all([op.waitForURL(`/desk/root-causes/${id}`), op.getByRole('button', { name: 'Add action' }).click()]);
  await op.getByText('Action added to the plan.').waitFor();
  const row = op.locator('#plan tr', { hasText: 'Check the door operator after the upgrade' });
  await Promise.all([op.waitForURL(`/desk/root-causes/${id}`), row.getByRole('button', { name: 'Mark done' }).click()]);
  await op.getByText(/Action marked done/).waitFor();
  assert.deepEqual(op.errors, []);
  await op.context().close();

  const cust = await newPage(browser, DESKTOP);
  await signIn(cust, 'customer_admin');
  await cust.goto(`/reports/root-causes/${id}`);
  assert.ok(await cust.getByText(/2 of 4 actions done/).first().isVisible());
  await cust.context().close();
});
