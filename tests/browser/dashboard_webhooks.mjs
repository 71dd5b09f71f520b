// The dashboard's webhooks in headless Chromium, in two steps around the test's own
// delivery run: `add` signs in and adds an endpoint for customer.created (prints the
// secret's prefix it was shown), `log` signs in, opens the endpoint and reads its
// deliveries (prints the rows). Screenshots of each page.
//
// usage: node tests/browser/dashboard_webhooks.mjs <add|log> <base-url> <email> <password> <receiver-url> <screenshot-dir>
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [step, base, email, password, receiver, screenshotDir] = process.argv.slice(2);
if (!['add', 'log'].includes(step) || !base || !email || !password || !receiver || !screenshotDir) {
  console.error('usage: dashboard_webhooks.mjs <add|log> <base-url> <email> <password> <receiver-url> <screenshot-dir>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const profile = mkdtempSync(join(tmpdir(), 'koteshen-chromium-'));
mkdirSync(screenshotDir, { recursive: true });
const shot = (page, name) => page.screenshot({ path: join(screenshotDir, `dashboard-${name}.png`), fullPage: true });

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
  await page.goto(`${base}/dashboard/sign_in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit].primary')]);
  await page.click('nav >> text=Webhooks');
  await page.waitForURL(`${base}/dashboard/webhooks`);
  if (step === 'add') {
    await page.click('text=Add an endpoint');
    await page.fill('#url', receiver);
    await page.check('input[name=event][value="customer.created"]');
    await shot(page, 'webhook-new');
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit].primary')]);
    const secret = await page.inputValue('#signing_secret');
    await shot(page, 'webhook-created');
    console.log(JSON.stringify({ secret_prefix: secret.slice(0, 6) }));
  } else {
    await shot(page, 'webhooks');
    await page.click(`a:has-text("${receiver}")`);
    await page.waitForSelector('h2:has-text("Recent deliveries")');
    const rows = await page.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim())));
    const secretShown = (await page.locator('#signing_secret').count()) > 0;
    await shot(page, 'webhook-deliveries');
    console.log(JSON.stringify({ rows, secret_shown: secretShown }));
  }
} catch (err) {
  console.error(`browser test failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
