// The notification list in real Chromium (issue #19): the bell in the top
// bar shows the unread count on desktop and phone, opens the list, marking
// one read drops the count by one and "Mark all as read" clears it. The
// push switch says plainly that this browser could not subscribe: headless
// Chromium reaches no push service here.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, bellCount, DESKTOP, PHONE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

// One user per size: each run marks its user's notices read.
const cases = [
  { viewport: DESKTOP, tag: 'desktop', role: 'property_manager' },
  { viewport: PHONE, tag: 'phone', role: 'front_desk' },
];

for (const { viewport, tag, role } of cases) {
  test(`the bell counts and the list marks read (${tag}, ${role})`, async () => {
    const page = await newPage(browser, viewport);
    await page.context().grantPermissions(['notifications']);
    await signIn(page, role);
    const start = await bellCount(page);
    assert.ok(start >= 2, `the demo gives ${role} unread notifications, found ${start}`);
    const badge = page.locator('header [data-bell-count]');
    assert.equal((await badge.textContent()).trim(), String(start));
    assert.ok(await badge.isVisible(), 'the count is visible in the top bar');

    await Promise.all([page.waitForURL((u) => u.pathname === '/notifications'), page.locator('header [data-bell]').click()]);
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const items = page.locator('[data-notices] li');
    assert.ok(await items.count() >= start);
    // An entry about a request links to it (others link to their page:
    // a certificate renewal to the certificate list).
    const link = items.locator('a[href^="/requests/"]');
    assert.ok(await link.count() >= 1);
    await assertNoHorizontalScroll(page);
    await shot(page, 'notifications');

    // Mark the newest read: one fewer.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/notifications'),
      items.first().getByRole('button', { name: /^Mark as read/ }).click(),
    ]);
    await page.getByText('Marked as read.').waitFor();
    assert.equal(await bellCount(page), start - 1);

    // Then everything.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/notifications'),
      page.getByRole('button', { name: 'Mark all as read' }).click(),
    ]);
    await page.getByText(/notifications? marked as read\./).waitFor();
    assert.equal(await bellCount(page), 0);
    assert.equal(await page.locator('header [data-bell-count]').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Mark all as read' }).count(), 0);

    // The entry still opens its request.
    const href = await link.first().getAttribute('href');
    await Promise.all([page.waitForURL((u) => u.pathname === href), link.first().click()]);

    // Push on this device: the browser cannot reach a push service here,
    // and the page says so in words (never silently "on").
    await page.goto('/notifications');
    const panel = page.locator('[data-push-panel]');
    const on = panel.getByRole('button', { name: 'Turn on push on this device' });
    await on.waitFor({ timeout: 10000 });
    await on.click();
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-push-panel]').getAttribute('data-push-state');
      return s && s !== 'working' && s !== 'checking';
    }, null, { timeout: 20000 });
    const state = await panel.getAttribute('data-push-state');
    const said = (await panel.locator('[data-push-status]').textContent()).trim();
    assert.ok(['failed', 'denied', 'unsupported'].includes(state), `push state ${state}: ${said}`);
    assert.match(said, /could not subscribe|blocked|cannot receive/);
    await shot(page, 'notifications-push');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

// The bell is live: a request opened by someone else raises the count on
// the page already open, without a reload (app.js re-reads
// /notifications/unread when the event stream says a case changed).
test('the bell counts a new notification without a reload', async () => {
  const watcher = await newPage(browser, DESKTOP);
  await signIn(watcher, 'property_manager');
  await watcher.goto('/equipment');
  const href = await watcher.locator('table a[href^="/equipment/"]').first().getAttribute('href');
  await watcher.goto('/');
  await watcher.locator('header [data-live-indicator]').waitFor({ state: 'visible', timeout: 10000 });
  const start = await bellCount(watcher);
  let navigated = false;
  watcher.on('framenavigated', (f) => { if (f === watcher.mainFrame()) navigated = true; });

  const reporter = await newPage(browser, DESKTOP);
  await signIn(reporter, 'customer_admin');
  await reporter.goto(href);
  await reporter.getByLabel('What is wrong?').fill('Doors reopen twice before closing on floor 2.');
  await Promise.all([reporter.waitForURL(/\/requests\/SO-/), reporter.getByRole('button', { name: 'Send service request' }).click()]);

  await watcher.waitForFunction((n) => {
    const m = /(\d+) unread/.exec(document.querySelector('header [data-bell]').getAttribute('aria-label') || '');
    return m && Number(m[1]) > n;
  }, start, { timeout: 15000 });
  assert.equal(await bellCount(watcher), start + 1);
  assert.equal((await watcher.locator('header [data-bell-count]').textContent()).trim(), String(start + 1));
  assert.equal(navigated, false, 'the page was not reloaded');
  assert.deepEqual(watcher.errors, []);
  await watcher.context().close();
  await reporter.context().close();
});
