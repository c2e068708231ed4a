// Shared helpers of the browser tests: launch Chromium, sign in as a demo
// role, take desktop and phone screenshots, collect page errors.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');

const BASE = process.env.HOISTWAY_URL || 'http://127.0.0.1:8080';
const PASSWORD = 'hoistway-demo';
const SHOTS = path.join(__dirname, 'screenshots');

// Demo logins by role (see crates/hoistway-demo/src/lib.rs).
const LOGINS = {
  provider_admin: 'provider.admin@hoistway.example',
  operator: 'operator@hoistway.example',
  duty_manager: 'duty.manager@hoistway.example',
  customer_admin: 'customer.admin@nordictowers.example',
  property_manager: 'property.manager@nordictowers.example',
  front_desk: 'front.desk@nordictowers.example',
  finance: 'finance@nordictowers.example',
  other_customer_admin: 'customer.admin@rhein-immo.example',
  // Remote call (resident tests): holds a grant on five floors of the first building.
  resident: 'resident@nordictowers.example',
  // Care center and field (desk tests).
  technician: 'technician@hoistway.example',
  technician_de: 'technician.de@hoistway.example',
};

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

// A fresh browser context (own cookies) with a page that records console
// errors and CSP violations, so a test can assert there were none.
async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, baseURL: BASE });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/EventSource|net::ERR_ABORTED/.test(m.text())) page.errors.push(m.text());
  });
  return page;
}

async function signIn(page, role) {
  const email = LOGINS[role] || role;
  await page.goto('/signin');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'Sign in' }).click()]);
  return page;
}

async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const vp = page.viewportSize();
  const tag = vp && vp.width <= 500 ? 'phone' : 'desktop';
  await page.screenshot({ path: path.join(SHOTS, `${name}-${tag}.png`), fullPage: true });
  // What a phone shows first, with the tab bar where the user sees it.
  if (tag === 'phone') await page.screenshot({ path: path.join(SHOTS, `${name}-${tag}-screen.png`) });
}

// Fails if the page scrolls sideways (a layout too wide for the viewport).
async function assertNoHorizontalScroll(page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `page is ${over}px wider than the viewport at ${page.url()}`);
}

// The unread count the top bar's bell announces ("Notifications, 3 unread").
async function bellCount(page) {
  const label = await page.locator('header [data-bell]').getAttribute('aria-label');
  const m = /(\d+) unread/.exec(label || '');
  if (m) return Number(m[1]);
  assert.match(label || '', /none unread/, `bell label: ${label}`);
  return 0;
}

module.exports = { BASE, PASSWORD, LOGINS, DESKTOP, PHONE, launch, newPage, signIn, shot, assertNoHorizontalScroll, bellCount };
