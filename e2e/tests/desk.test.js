// The care-center console and the technician view in real Chromium:
// every page at desktop and phone size (screenshots), the intake's
// checklist driving the triage preview as it is filled in, CSRF refusal
// on a desk form, a customer refused at /desk, and two-step sign-in
// (enrol with the QR page's key, sign in with a code computed here).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE, LOGINS, PASSWORD } = require('../lib');
const { totp, nextStep } = require('./totp');

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

// Opens an emergency through the intake form; returns the case number.
async function intake(page) {
  await page.goto('/desk/intake');
  await page.locator('label[for="trapped-yes"]').click();
  await page.getByLabel('How many people are trapped?').fill('2');
  await page.locator('label[for="car_near_landing-no"]').click();
  await page.getByLabel('Unit is stopped').check();
  // The unit search answers as the operator types.
  await page.locator('#unit_q').fill('41000001');
  await page.locator('[data-unit-results] input[name="unit_id"]').first().check();
  // The rules' priority shows while the form is filled in.
  await page.locator('[data-triage-priority] [data-priority="emergency"]').waitFor({ timeout: 5000 });
  assert.match(await page.locator('[data-triage-why]').innerText(), /trapped/i);
  await page.getByLabel('What is wrong').fill('Car stopped between floors 4 and 5, two people inside');
  await page.getByLabel('Name').fill('Reception, Nordic Towers');
  await page.getByLabel('Call-back number').fill('+358 40 123 4567');
  await shot(page, 'desk-intake-filled');
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/desk/cases/')), page.getByRole('button', { name: 'Open case' }).click()]);
  return new URL(page.url()).pathname.split('/').pop();
}

for (const viewport of [DESKTOP, PHONE]) {
  const tag = viewport === PHONE ? 'phone' : 'desktop';

  test(`care center pages (${tag})`, async () => {
    const page = await newPage(browser, viewport);
    await signIn(page, 'duty_manager');
    await visit(page, '/desk', 'Care center', 'desk-queue');
    // Countdowns tick client-side from the due instant.
    const first = page.locator('[data-due]').first();
    if (await first.count()) {
      const before = await first.innerText();
      await page.waitForTimeout(1500);
      assert.match(await first.innerText(), /in |Overdue /);
      assert.ok(before.length > 0);
    }
    await visit(page, '/desk/intake', 'Phone intake', 'desk-intake');
    const number = await intake(page);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    assert.match(await page.locator('h1').first().innerText(), /Emergency/);
    await assertNoHorizontalScroll(page);
    await shot(page, 'desk-case');
    // A duty manager overrides the priority with a reason.
    await page.locator('#priority').selectOption('urgent');
    await page.locator('#override-reason').fill('Both passengers released by the caretaker');
    await Promise.all([page.waitForURL(`**/desk/cases/${number}`), page.getByRole('button', { name: 'Override' }).click()]);
    await page.getByText('Priority changed.').waitFor();
    await page.getByText('Both passengers released by the caretaker').first().waitFor();
    // The duty manager's escalation board, reached from the queue.
    await page.goto('/desk');
    await Promise.all([page.waitForURL('**/desk/escalations'), page.getByRole('link', { name: 'Escalations' }).first().click()]);
    await visit(page, '/desk/escalations', 'Escalation board', 'desk-escalations');
    await visit(page, '/account/security', 'Sign-in security', 'account-security');
    assert.deepEqual(page.errors, []);
  });

  test(`technician pages (${tag})`, async () => {
    const op = await newPage(browser, DESKTOP);
    await signIn(op, 'operator');
    const number = await intake(op);
    const tech = await op.locator('#technician_id option', { hasText: 'FI, SE' }).first().getAttribute('value');
    await op.locator('#technician_id').selectOption(tech);
    await Promise.all([op.waitForURL(`**/desk/cases/${number}`), op.getByRole('button', { name: 'Dispatch', exact: true }).click()]);

    const page = await newPage(browser, viewport);
    await signIn(page, 'technician');
    await visit(page, '/tech', 'My work', 'tech-orders');
    await page.locator(`a[href="/tech/cases/${number}"]`).waitFor();
    await page.goto(`/tech/cases/${number}`);
    await assertNoHorizontalScroll(page);
    await shot(page, 'tech-order');
    // Remote commands on a connected unit: a refusal shows its reason.
    const diag = page.getByRole('button', { name: 'Run remote diagnostics' });
    if (await diag.count()) {
      await Promise.all([page.waitForURL(`**/tech/cases/${number}`), diag.click()]);
      await page.locator('.flash').first().waitFor();
      assert.match(await page.locator('.flash').first().innerText(), /refused|sent/i);
      await shot(page, 'tech-remote');
    }
    assert.deepEqual(page.errors, []);
  });
}

test('a desk form without its CSRF token is refused; a customer cannot open the desk', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, 'operator');
  await page.goto('/desk/intake');
  await page.evaluate(() => document.querySelector('form[data-triage-form] input[name="_csrf"]').remove());
  await page.locator('#unit_q').fill('41000001');
  await page.locator('[data-unit-results] input[name="unit_id"]').first().check();
  await page.getByLabel('What is wrong').fill('should not be opened');
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/desk/intake') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Open case' }).click()]);
  assert.equal(res.status(), 403);
  await page.getByRole('heading', { name: 'Form expired' }).waitFor();

  const customer = await newPage(browser, DESKTOP);
  await signIn(customer, 'customer_admin');
  const r = await customer.goto('/desk');
  assert.equal(r.status(), 403);
});

test('two-step sign-in: enrol with the QR key, sign in with a code, then turn it off', async () => {
  const page = await newPage(browser, DESKTOP);
  await signIn(page, 'duty_manager');
  await page.goto('/account/security');
  await Promise.all([page.waitForURL('**/account/security'), page.getByRole('button', { name: 'Set up two-step sign-in' }).click()]);
  await page.locator('svg.qr').waitFor();
  const secret = await page.locator('[data-totp-secret]').getAttribute('data-totp-secret');
  await shot(page, 'account-security-enrol');
  const enrolledAt = Date.now();
  await page.locator('#code').fill(totp(secret, enrolledAt));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.locator('[data-recovery-codes] li').first().waitFor();
  const codes = await page.locator('[data-recovery-codes] code').allInnerTexts();
  assert.equal(codes.length, 10);
  await shot(page, 'account-security-codes');

  // Sign in again: the password alone is not enough.
  const phone = await newPage(browser, PHONE);
  await phone.goto('/signin');
  await phone.getByLabel('E-mail').fill(LOGINS.duty_manager);
  await phone.getByLabel('Password').fill(PASSWORD);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await phone.getByRole('heading', { name: 'Enter your verification code' }).waitFor();
  await shot(phone, 'signin-code');
  await phone.locator('#code').fill('000000');
  await phone.getByRole('button', { name: 'Verify' }).click();
  await phone.getByText('That code is not right').waitFor();
  await nextStep(enrolledAt); // the enrolment's code is used up
  await phone.locator('#code').fill(totp(secret));
  await Promise.all([phone.waitForURL('**/desk'), phone.getByRole('button', { name: 'Verify' }).click()]);

  // Turn it off again with a recovery code (other tests sign in as this role).
  await page.goto('/account/security');
  page.once('dialog', (d) => d.accept());
  await page.locator('#disable-code').fill(codes[0]);
  await Promise.all([page.waitForURL('**/account/security'), page.getByRole('button', { name: 'Turn off' }).click()]);
  await page.getByText('Two-step sign-in is off.').waitFor();
});
