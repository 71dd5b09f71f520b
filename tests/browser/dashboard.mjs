// Drives the dashboard in headless Chromium as an account's owner would: signs in,
// registers an application, reads its secret once, runs the authorization-code flow with
// it (the consent page in the browser, the code exchanged with the secret), sees the grant
// under "Authorized applications", revokes it, and sees the token refused. A screenshot
// of every page goes to the screenshot folder. Prints what it saw as JSON.
//
// usage: node tests/browser/dashboard.mjs <base-url> <email> <password> <callback-url> <screenshot-dir>
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, email, password, callback, screenshotDir] = process.argv.slice(2);
if (!base || !email || !password || !callback || !screenshotDir) {
  console.error('usage: dashboard.mjs <base-url> <email> <password> <callback-url> <screenshot-dir>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'koteshen-chromium-'));
mkdirSync(screenshotDir, { recursive: true });
const shot = (page, name) => page.screenshot({ path: join(screenshotDir, `dashboard-${name}.png`), fullPage: true });
const expect = (condition, message) => {
  if (!condition) throw new Error(message);
};

const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  chromiumSandbox: false,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
const result = {};
const violations = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  // Console errors (a CSP violation is one), but not the browser's own favicon request.
  page.on('console', (message) => {
    const url = message.location()?.url ?? '';
    if (message.type() === 'error' && !url.endsWith('/favicon.ico')) {
      violations.push(`${message.text()} (${url})`);
    }
  });

  // Signed out, the dashboard sends to the sign-in page.
  await page.goto(`${base}/dashboard`);
  expect(page.url().endsWith('/dashboard/sign_in'), `landed on ${page.url()}`);
  await shot(page, 'sign-in');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit].primary')]);
  expect((await page.textContent('h1')).length > 0, 'the overview has a heading');
  await shot(page, 'overview');

  // Applications: register one.
  await page.click('nav >> text=Applications');
  await page.waitForURL(`${base}/dashboard/applications`);
  await shot(page, 'applications');
  await page.click('text=Register an application');
  await page.fill('#name', 'Browser Sync');
  await page.fill('#redirect_uris', callback);
  await page.check('input[name=kind][value=confidential]');
  await page.check('input[name=scope_read]');
  await page.check('input[name=scope_write]');
  await shot(page, 'application-new');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit].primary')]);
  const clientId = await page.inputValue('#client_id');
  const clientSecret = await page.inputValue('#client_secret');
  const authorizeUrl = await page.inputValue('#authorize_url');
  expect(clientId && clientSecret && authorizeUrl.includes(clientId), 'credentials shown');
  // The script (same origin, allowed by the CSP) added the copy buttons.
  result.copy_buttons = await page.locator('button.copy').count();
  await shot(page, 'application-credentials');

  // Shown once: the edit page and the list never show it again.
  await page.click('text=Edit the application');
  const editHtml = await page.content();
  result.secret_shown_again = editHtml.includes(clientSecret);
  await shot(page, 'application-edit');

  // The flow, as the credentials page says: the consent page, then the code exchanged.
  // The URL is built on PUBLIC_URL, which the test server does not listen on: its path
  // and query, on the server's address.
  const shown = new URL(authorizeUrl.replace('state=STATE', 'state=browser-state'));
  await page.goto(new URL(shown.pathname + shown.search, base).href);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await shot(page, 'consent');
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(callback)),
    page.click('button[value=allow]'),
  ]);
  const returned = new URL(page.url());
  expect(returned.searchParams.get('state') === 'browser-state', 'the state came back');
  const exchanged = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: returned.searchParams.get('code'),
      redirect_uri: callback,
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  expect(exchanged.status === 200, `the token request answered ${exchanged.status}`);
  const token = (await exchanged.json()).access_token;
  const me = () => fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  result.me_before = (await me()).status;

  // The grant is listed; revoking it refuses the token.
  await page.goto(`${base}/dashboard/authorized`);
  result.listed = (await page.content()).includes('Browser Sync');
  await shot(page, 'authorized');
  await page.click('button[aria-label="Revoke Browser Sync"]');
  await page.waitForSelector('.notice');
  result.notice = (await page.textContent('.notice')).trim();
  await shot(page, 'authorized-revoked');
  result.me_after = (await me()).status;

  // Signing out ends the session.
  await Promise.all([page.waitForLoadState('load'), page.click('.signout button')]);
  await page.goto(`${base}/dashboard`);
  result.after_sign_out = new URL(page.url()).pathname;
  result.console_errors = violations;
  console.log(JSON.stringify(result));
} catch (err) {
  console.error(`browser test failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
