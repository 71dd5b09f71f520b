// Renders the interactive API docs in headless Chromium with every request that leaves
// this machine refused, and saves a screenshot. Usage: node docs.mjs <docs-url> <out-dir>
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [docsUrl, outDir] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const offMachine = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    offMachine.push(route.request().url());
    return route.abort();
  });
  await page.goto(docsUrl);
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 20000 });
  const title = await page.textContent('.swagger-ui .info .title');
  if (!title.includes('Koteshen API')) throw new Error(`unexpected title: ${title}`);
  await page.waitForSelector('.opblock-tag-section', { timeout: 20000 });
  const authorize = await page.$('.btn.authorize');
  if (!authorize) throw new Error('no Authorize button');
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, 'docs.png'), fullPage: false });
  if (offMachine.length) throw new Error(`requests left the machine: ${offMachine.join(', ')}`);
  console.log('docs rendered');
} finally {
  await browser.close();
}
