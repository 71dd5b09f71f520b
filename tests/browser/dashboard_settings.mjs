// The dashboard's business settings in headless Chromium: the sign-up page (the test
// opens sign-up), sign in, open Settings, save a refused IBAN (the error shown, what was
// typed kept), fix it and save, upload a logo and see it shown, the account page.
// A screenshot of each page. Prints what it saw as JSON.
//
// usage: node tests/browser/dashboard_settings.mjs <base-url> <email> <password> <logo-file> <screenshot-dir>
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, email, password, logoFile, screenshotDir] = process.argv.slice(2);
if (!base || !email || !password || !logoFile || !screenshotDir) {
  console.error('usage: dashboard_settings.mjs <base-url> <email> <password> <logo-file> <screenshot-dir>');
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
const result = {};
const violations = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  // Console errors (a CSP violation is one), but not the favicon, nor the refused
  // form's 422 the test asks for.
  page.on('console', (message) => {
    const url = message.location()?.url ?? '';
    const refused = message.text().includes('status of 422');
    if (message.type() === 'error' && !url.endsWith('/favicon.ico') && !refused) {
      violations.push(`${message.text()} (${url})`);
    }
  });
  await page.goto(`${base}/dashboard/sign_up`);
  result.sign_up_heading = (await page.textContent('h1')).trim();
  await shot(page, 'sign-up');

  await page.goto(`${base}/dashboard/sign_in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('button[type=submit].primary')]);
  await page.click('nav >> text=Settings');
  await page.waitForURL(`${base}/dashboard/settings`);
  await shot(page, 'settings');

  // A refused IBAN: the error, the field marked, what was typed kept.
  await page.fill('#name', 'Flixtechs');
  await page.fill('#address-city', 'East London');
  await page.fill('#address-country_code', 'ZA');
  await page.fill('#time_zone', 'Africa/Johannesburg');
  await page.fill('#payment_instructions-iban', 'DE00 0000 0000 0000 0000 00');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit].primary')]);
  result.error = (await page.textContent('.error')).replace(/\s+/g, ' ').trim();
  result.invalid = await page.getAttribute('#payment_instructions-iban', 'aria-invalid');
  result.kept_city = await page.inputValue('#address-city');
  await shot(page, 'settings-refused');

  await page.fill('#payment_instructions-iban', 'DE89 3704 0044 0532 0130 00');
  await Promise.all([page.waitForURL(/saved=profile/), page.click('button[type=submit].primary')]);
  result.saved = (await page.textContent('.notice')).trim();
  result.saved_name = await page.inputValue('#name');

  await page.setInputFiles('#logo', logoFile);
  await Promise.all([page.waitForURL(/saved=logo/), page.click('button:has-text("Upload")')]);
  result.logo_notice = (await page.textContent('.notice')).trim();
  result.logo_width = await page.$eval('img.logo', (img) => img.naturalWidth);
  await shot(page, 'settings-saved');

  await page.click('nav >> text=Account');
  await page.waitForURL(`${base}/dashboard/account`);
  await shot(page, 'account');
  result.console_errors = violations;
  console.log(JSON.stringify(result));
} catch (err) {
  const page = context.pages()[0];
  const shown = page ? `${page.url()}: ${await page.locator('main').textContent().catch(() => '')}` : '';
  console.error(`browser test failed: ${err.message}\n${shown.replace(/\s+/g, ' ')}`);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
