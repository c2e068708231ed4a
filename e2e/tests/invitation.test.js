// Invitation and first sign-in, as the invited person meets it: a customer
// admin invites a colleague from the Team tab, the colleague gets the
// letter by e-mail (the demo sends to e2e/smtp-sink.js), opens its link on a
// phone, chooses a password and is signed in to the portal. The link works
// once; the new password works on the sign-in page.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { launch, newPage, signIn, shot, assertNoHorizontalScroll, DESKTOP, PHONE } = require('../lib');

const MAILBOX = process.env.HOISTWAY_MAILBOX;
let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

// The first letter to `address` in the SMTP sink's mailbox (waits for the
// delivery job, which runs every second).
async function letterTo(address, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const files = fs.existsSync(MAILBOX) ? fs.readdirSync(MAILBOX).filter((f) => f.endsWith('.json')).sort() : [];
    for (const f of files) {
      const mail = JSON.parse(fs.readFileSync(path.join(MAILBOX, f), 'utf8'));
      if (mail.to.includes(address)) return mail;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no e-mail to ${address} within ${timeoutMs} ms`);
}

test('an invited colleague sets a password from the e-mail and signs in', async () => {
  assert.ok(MAILBOX, 'HOISTWAY_MAILBOX is set by e2e/run.sh');
  const address = `mia.${Date.now()}@nordictowers.example`;

  // The customer admin invites from the Team tab.
  const admin = await newPage(browser, DESKTOP);
  await signIn(admin, 'customer_admin');
  await admin.goto('/setup/team');
  const form = admin.locator('section[aria-labelledby="add-h"]');
  await form.getByLabel('Name').fill('Mia Facility');
  await form.getByLabel('E-mail').fill(address);
  await form.getByLabel('Role').selectOption('front_desk');
  await Promise.all([admin.waitForNavigation(), form.getByRole('button', { name: 'Send invitation' }).click()]);
  assert.match(await admin.locator('.flash-ok').innerText(), new RegExp(address.replace(/\./g, '\\.')));

  // The letter arrives with a one-time link to this server.
  const mail = await letterTo(address);
  assert.equal(mail.subject, 'You are invited to Hoistway');
  assert.match(mail.text, /invited you to Hoistway/);
  const link = /(https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+)/.exec(mail.text);
  assert.ok(link, `a link in the letter: ${mail.text}`);
  const url = new URL(link[1]);
  assert.equal(url.origin, new URL(admin.url()).origin, 'the link points at the server that sent it');

  // The colleague opens it on a phone, with no session.
  const phone = await newPage(browser, PHONE);
  const res = await phone.goto(url.pathname);
  assert.equal(res.status(), 200);
  await phone.getByRole('heading', { level: 1, name: 'Choose your password' }).waitFor();
  assert.match(await phone.locator('.lead').innerText(), /Mia Facility/);
  await assertNoHorizontalScroll(phone);
  await shot(phone, 'invite-choose-password');

  // Two different passwords are refused and nothing is used up.
  await phone.getByLabel('New password').fill('first-choice-123');
  await phone.getByLabel('The same password again').fill('second-choice-123');
  await Promise.all([phone.waitForNavigation(), phone.getByRole('button', { name: 'Save and sign in' }).click()]);
  assert.equal(await phone.locator('.flash-error').count(), 1);
  // That refusal is a 400, which Chromium logs; nothing else may be.
  phone.errors = phone.errors.filter((e) => !/status of 400/.test(e));

  await phone.getByLabel('New password').fill('mia-chosen-password');
  await phone.getByLabel('The same password again').fill('mia-chosen-password');
  await Promise.all([
    phone.waitForURL((u) => !u.pathname.startsWith('/invite')),
    phone.getByRole('button', { name: 'Save and sign in' }).click(),
  ]);
  // Signed in to the portal as the new front desk user: My settings is theirs.
  await shot(phone, 'invite-first-sign-in');
  await phone.goto('/setup');
  assert.equal(await phone.locator('#m-name').inputValue(), 'Mia Facility');
  assert.equal(await phone.locator('#m-email').inputValue(), address);
  assert.deepEqual(phone.errors, []);

  // The link has done its work.
  const again = await (await newPage(browser, PHONE)).goto(url.pathname);
  assert.equal(again.status(), 404);

  // The Team tab shows the colleague as active, and the password signs in.
  await admin.goto('/setup/team');
  assert.ok((await admin.locator('body').innerText()).includes('Mia Facility'));
  const later = await newPage(browser, DESKTOP);
  await later.goto('/signin');
  await later.getByLabel('E-mail').fill(address);
  await later.getByLabel('Password').fill('mia-chosen-password');
  await Promise.all([later.waitForURL((u) => !u.pathname.startsWith('/signin')), later.getByRole('button', { name: 'Sign in' }).click()]);
  await later.goto('/setup');
  assert.equal(await later.locator('#m-email').inputValue(), address);
  await admin.context().close();
  await phone.context().close();
  await later.context().close();
});
