// Drives the OAuth authorization page in headless Chromium as a person would: opens it,
// checks it names the app, signs in, allows, and follows the 303 to the client's
// redirect URI (the test serves it). Prints {"code","state"} as JSON.
//
// usage: node tests/browser/login.mjs <authorize-url> <email> <password> <screenshot-dir>
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [authorizeUrl, email, password, screenshotDir] = process.argv.slice(2);
if (!authorizeUrl || !email || !password || !screenshotDir) {
  console.error('usage: login.mjs <authorize-url> <email> <password> <screenshot-dir>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri');
const profile = mkdtempSync(join(tmpdir(), 'koteshen-chromium-'));
mkdirSync(screenshotDir, { recursive: true });

const fail = (message) => {
  console.error(message);
  process.exitCode = 1;
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
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const response = await page.goto(authorizeUrl);
  if (response.status() !== 200) throw new Error(`the page answered ${response.status()}`);
  const heading = await page.textContent('h1');
  if (!heading.includes('Authorize')) throw new Error(`unexpected heading: ${heading}`);
  const scopes = await page.locator('li').allTextContents();
  if (scopes.length === 0) throw new Error('the page names no scopes');

  // A wrong password first: the form comes back with a message.
  await page.fill('#email', email);
  await page.fill('#password', 'not the password');
  await page.click('button[value=allow]');
  await page.waitForSelector('.error');
  const message = await page.textContent('.error');
  if (!message.includes('incorrect')) throw new Error(`unexpected message: ${message}`);

  await page.fill('#password', password);
  await page.screenshot({ path: join(screenshotDir, 'oauth-consent.png'), fullPage: true });
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(redirectUri)),
    page.click('button[value=allow]'),
  ]);
  const callback = new URL(page.url());
  console.log(JSON.stringify({
    code: callback.searchParams.get('code'),
    state: callback.searchParams.get('state'),
  }));
} catch (err) {
  fail(`browser test failed: ${err.message}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
