// On call and dispatch suggestions (issue #21) in real Chromium, at desktop
// and phone size: the duty manager's rota page (on call now, the week's
// rota, declaring extreme weather), the banner on the queue, and a case
// page's suggestions card whose top suggestion is assigned in one click.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

// Opens a routine case through the intake form (the demo runs without
// the live twin, so the queue may be empty); lands on its page.
async function intake(page) {
  await page.goto('/desk/intake');
  await page.locator('label[for="trapped-no"]').click();
  await page.getByLabel('Unit is stopped').check();
  await page.locator('#unit_q').fill('41000001');
  await page.locator('[data-unit-results] input[name="unit_id"]').first().check();
  await page.getByLabel('What is wrong').fill('Doors reopen repeatedly on floor 2');
  await page.getByLabel('Name').fill('Reception, Nordic Towers');
  await page.getByLabel('Call-back number').fill('+358 40 123 4567');
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/desk/cases/')), page.getByRole('button', { name: 'Open case' }).click()]);
}

function local(d) {
  return d.toISOString().slice(0, 16);
}

test('the rota page shows who is on call and takes a declaration', async () => {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await newPage(browser, viewport);
    await signIn(page, 'duty_manager');
    const res = await page.goto('/desk/rota');
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Rota and on call' }).waitFor({ timeout: 5000 });
    // The demo's rota has someone on call in Finland this week.
    assert.ok(await page.locator('[data-country="FI"] [data-on-duty]').count() >= 1);
    assert.ok(await page.locator('[data-shift]').count() >= 1, 'the week has rota entries');
    await assertNoHorizontalScroll(page);
    await shot(page, `on-call-rota-${size}`);
    if (size === 'desktop') {
      await page.locator('summary', { hasText: 'Declare extreme weather' }).click();
      await page.locator('#w-country').fill('FI');
      const now = new Date();
      await page.locator('#w-from').fill(local(new Date(now.getTime() - 3600e3)));
      await page.locator('#w-until').fill(local(new Date(now.getTime() + 6 * 3600e3)));
      await page.locator('#w-note').fill('Snow storm, roads slow in the south');
      await page.getByRole('button', { name: 'Declare extreme weather' }).click();
      await page.locator('.flash-ok').waitFor({ timeout: 5000 });
      assert.ok(await page.locator('[data-extreme-weather]').count() >= 1, 'banner after declaring');
    }
    await page.close();
  }
});

test('a case page suggests technicians and assigns the top one', async () => {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    const page = await newPage(browser, viewport);
    await signIn(page, 'operator');
    await page.goto('/desk');
    const banner = page.locator('[data-extreme-weather]').first();
    await banner.waitFor({ timeout: 5000 });
    assert.match(await banner.innerText(), /SLA targets are unchanged/);
    await intake(page);
    await page.locator('#suggestions').waitFor({ timeout: 5000 });
    assert.ok(await page.locator('#suggestions [data-suggestion]').count() >= 1);
    await assertNoHorizontalScroll(page);
    await shot(page, `on-call-suggestions-${size}`);
    if (size === 'desktop') {
      const top = page.getByRole('button', { name: 'Assign the top suggestion' });
      // The Finnish technician is on call, so the top one is available.
      assert.equal(await top.count(), 1);
      await top.click();
      await page.locator('.flash-ok').waitFor({ timeout: 5000 });
      assert.match(await page.locator('.flash-ok').innerText(), /dispatched/i);
    }
    await page.close();
  }
});
