// The residents' remote-call app in real Chromium at phone size, against
// the demo's lift twin: the demo resident signs in, sees the floors of
// their grant, calls a lift and follows the guidance to "served", starts
// the next call from the floor they arrived at, places another call and
// cancels it. The page is installable (manifest, service worker).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE, BASE } = require('../lib');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

// Records every state the page shows (data-rc-state), in order.
async function recordStates(page) {
  await page.evaluate(() => {
    const root = document.querySelector('[data-rc]');
    window.rcStates = [];
    new MutationObserver(() => {
      const s = root.getAttribute('data-rc-state');
      if (s && window.rcStates[window.rcStates.length - 1] !== s) window.rcStates.push(s);
    }).observe(root, { attributes: true, attributeFilter: ['data-rc-state'] });
  });
}

async function stateIs(page, want, timeout) {
  await page.waitForFunction((w) => document.querySelector('[data-rc]').getAttribute('data-rc-state') === w, want, { timeout });
}

test('the resident calls a lift, follows it to the floor and cancels the next call (phone)', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'resident');
  assert.equal(new URL(page.url()).pathname, '/');
  await page.getByRole('heading', { level: 1, name: 'Call a lift' }).waitFor();
  await page.getByRole('heading', { name: 'Your calls are not stored' }).waitFor();
  assert.equal(await page.getByText('mobile app').count(), 0, 'the placeholder is gone');
  await assertNoHorizontalScroll(page);

  // The grant's five floors: the entrance is the start, the others are destinations.
  const from = page.getByLabel('You are at');
  assert.equal(await from.locator('option:checked').textContent(), 'Lobby');
  const floors = page.locator('.rc-floor:visible');
  assert.deepEqual(await floors.allTextContents(), ['Floor 4', 'Floor 3', 'Floor 2', 'Floor 1']);
  assert.equal(await page.locator('.rc-dir[data-direction="down"]').isVisible(), false, 'nothing below the lobby');
  await shot(page, 'resident-start');

  // Installable: a manifest and a service worker that controls the app.
  const manifest = await (await page.request.get('/manifest.webmanifest')).json();
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, '/');
  assert.ok(await page.evaluate(async () => !!(await navigator.serviceWorker.ready).active), 'service worker active');

  // Call to floor 4 and follow the guidance until served.
  await recordStates(page);
  await page.getByRole('button', { name: 'Floor 4' }).click();
  const live = page.locator('[data-rc-live]');
  await live.waitFor();
  await page.waitForFunction(() => /^Lift \S+/.test(document.querySelector('[data-rc-lift]').textContent), null, { timeout: 30000 });
  const lift = (await page.locator('[data-rc-lift]').textContent()).replace('Lift ', '');
  await page.waitForFunction(() => (window.rcStates || []).some((s) => s.startsWith('approved:')), null, { timeout: 30000 });
  await shot(page, 'resident-call');
  await stateIs(page, 'served:exit', 180000);
  const said = await page.locator('[data-rc-say]').textContent();
  assert.equal(said, 'You are at Floor 4. Step out.');
  const seen = await page.evaluate(() => window.rcStates);
  const order = ['approved:wait', 'approved:enter', 'approved:ride', 'served:exit'];
  const steps = seen.filter((s) => order.includes(s));
  assert.deepEqual(steps, order.filter((s) => steps.includes(s)), `guidance in order: ${seen}`);
  assert.ok(steps.includes('approved:wait') || steps.includes('approved:enter'), `told where to board: ${seen}`);
  assert.ok(steps.includes('approved:ride'), `told to ride: ${seen}`);
  assert.equal(await page.locator('[data-rc-lift]').textContent(), `Lift ${lift}`);
  assert.deepEqual(await page.locator('.rc-steps li.done').allTextContents(), ['Wait', 'Enter', 'Ride']);
  assert.equal(await page.getByRole('button', { name: 'Cancel call' }).isVisible(), false);
  await assertNoHorizontalScroll(page);
  await shot(page, 'resident-served');

  // The next call starts where this one ended (remembered in the browser).
  await page.getByRole('button', { name: 'Call another lift' }).click();
  assert.equal(await from.locator('option:checked').textContent(), 'Floor 4');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Call a lift' }).waitFor();
  assert.equal(await from.locator('option:checked').textContent(), 'Floor 4', 'remembered across visits');

  // Another call, cancelled before the lift arrives.
  await from.selectOption({ label: 'Floor 2' });
  assert.deepEqual(await floors.allTextContents(), ['Floor 4', 'Floor 3', 'Floor 1', 'Lobby']);
  await recordStates(page);
  await page.getByRole('button', { name: 'Floor 1' }).click();
  await live.waitFor();
  await page.getByRole('button', { name: 'Cancel call' }).click();
  await stateIs(page, 'cancelled', 15000);
  assert.equal(await page.locator('[data-rc-say]').textContent(), 'You cancelled the call.');
  await page.getByRole('button', { name: 'Call another lift' }).waitFor();
  await shot(page, 'resident-cancelled');

  // A call the page never offers (a floor outside the grant), crafted by
  // hand with the page's own token, is refused by the server in words.
  const refused = await page.evaluate(async () => {
    const root = document.querySelector('[data-rc]');
    const panel = document.querySelector('.rc-panel');
    const r = await fetch(`/api/v1/buildings/${panel.dataset.building}/calls`, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': root.dataset.csrf },
      body: JSON.stringify({ from_area: 1000, to_area: 9000 }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(refused.status, 201);
  assert.equal(refused.body.reason, 'access_denied');
  assert.deepEqual(page.errors, []);
});

test('a landing call brings a lift to the floor the resident is on (phone)', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'resident');
  await page.getByRole('heading', { level: 1, name: 'Call a lift' }).waitFor();
  await recordStates(page);
  await page.getByRole('button', { name: 'Going up' }).click();
  await page.locator('[data-rc-live]').waitFor();
  assert.equal(await page.locator('[data-rc-steps]').isVisible(), false, 'no ride steps for a landing call');
  await stateIs(page, 'served', 120000);
  const lift = (await page.locator('[data-rc-lift]').textContent()).replace('Lift ', '');
  assert.equal(await page.locator('[data-rc-say]').textContent(), `Lift ${lift} is here at Lobby.`);
  const seen = await page.evaluate(() => window.rcStates);
  assert.equal(seen[seen.length - 1], 'served', `${seen}`);
  await shot(page, 'resident-landing');
  assert.deepEqual(page.errors, []);
});

test('the call page fits a desktop too', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, 'resident');
  await page.getByRole('heading', { level: 1, name: 'Call a lift' }).waitFor();
  await assertNoHorizontalScroll(page);
  await shot(page, 'resident-start');
  assert.deepEqual(page.errors, []);
});

test('a refusal by the building is said in plain words (phone)', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'resident');
  await page.getByRole('heading', { level: 1, name: 'Call a lift' }).waitFor();
  // The building's answer for a call it cannot serve, as the API gives it.
  await page.route('**/api/v1/buildings/*/calls', (route) => route.fulfill({
    status: 201, contentType: 'application/json',
    body: JSON.stringify({ id: null, state: 'cancelled', reason: 'not_served', kind: 'destination' }),
  }));
  await page.getByRole('button', { name: 'Floor 2' }).click();
  const alert = page.locator('[data-rc-error]');
  await alert.waitFor();
  assert.equal(await alert.textContent(), 'No lift goes between those two floors.');
  assert.equal(await page.locator('[data-rc-live]').isVisible(), false, 'no call to follow');
  assert.ok(await page.getByRole('button', { name: 'Floor 2' }).isEnabled(), 'the resident can try again');
  await assertNoHorizontalScroll(page);
  await shot(page, 'resident-refused');
  assert.deepEqual(page.errors, []);
});

test('a resident signed out mid-way is told so, not shown an error code', async () => {
  const page = await newPage(browser, PHONE);
  await signIn(page, 'resident');
  await page.getByRole('heading', { level: 1, name: 'Call a lift' }).waitFor();
  await page.context().clearCookies();
  await page.getByRole('button', { name: 'Floor 3' }).click();
  const alert = page.locator('[data-rc-error]');
  await alert.waitFor();
  assert.equal(await alert.textContent(), 'You have been signed out. Sign in again to call a lift.');
  assert.equal(new URL(BASE).host, new URL(page.url()).host);
});
