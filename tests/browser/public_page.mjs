// The customer's page in headless Chromium, every request that leaves this machine
// refused: the invoice page opened from its email link (a phone-sized screenshot too),
// its PDF link followed, a quote accepted by clicking. Screenshots go to <out-dir>.
// Usage: node public_page.mjs <invoice-page-url> <quote-page-url> <out-dir>
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [invoiceUrl, quoteUrl, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const offMachine = [];
const blocked = [];
async function newPage(viewport) {
  const page = await browser.newPage({ viewport, javaScriptEnabled: false });
  await page.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    offMachine.push(route.request().url());
    return route.abort();
  });
  // A CSP violation (the stylesheet refused, say) shows in the console.
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) blocked.push(msg.text());
  });
  return page;
}
const expect = (cond, message) => { if (!cond) throw new Error(message); };

try {
  const page = await newPage({ width: 1280, height: 900 });
  const response = await page.goto(invoiceUrl);
  expect(response.status() === 200, `invoice page: ${response.status()}`);
  expect((await page.textContent('h1')).includes('INV-0001'), 'the invoice number');
  // The inline stylesheet applies (pinned by the CSP's hash): the total row is bold.
  const weight = await page.$eval('.totals tr.strong td', (td) => getComputedStyle(td).fontWeight);
  expect(Number(weight) >= 700, `styles applied (font-weight ${weight})`);
  await page.screenshot({ path: path.join(outDir, 'public-invoice.png'), fullPage: true });

  const href = await page.getAttribute('#download-pdf', 'href');
  expect(href && href.endsWith('/pdf'), `the PDF link: ${href}`);
  const pdf = await page.request.get(new URL(href, page.url()).href);
  const type = pdf.headers()['content-type'] || '';
  expect(pdf.status() === 200, `the PDF link: ${pdf.status()}`);
  expect(type.startsWith('application/pdf'), `a PDF, not ${type}`);
  const pdfBytes = await pdf.body();
  expect(pdfBytes.subarray(0, 5).toString() === '%PDF-', 'PDF bytes');
  writeFileSync(path.join(outDir, 'public-invoice.pdf'), pdfBytes);

  const phone = await newPage({ width: 390, height: 844 });
  await phone.goto(invoiceUrl);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  expect(!overflow, 'no horizontal scrolling on a phone');
  await phone.screenshot({ path: path.join(outDir, 'public-invoice-phone.png'), fullPage: true });

  const quote = await newPage({ width: 1280, height: 900 });
  await quote.goto(quoteUrl);
  await quote.fill('#name', 'Ann Buyer');
  await quote.fill('#comment', 'Looks good');
  await quote.screenshot({ path: path.join(outDir, 'public-quote.png'), fullPage: true });
  const [answered] = await Promise.all([quote.waitForNavigation(), quote.click('#accept')]);
  expect(answered && answered.status() === 200,
         `after accepting: ${answered && answered.status()} ${await quote.content()}`);
  const mark = await quote.textContent('#status');
  expect(mark.trim() === 'ACCEPTED', `the quote's mark after accepting: ${mark}`);
  expect((await quote.content()).includes('Ann Buyer'), 'the name shown');
  await quote.screenshot({ path: path.join(outDir, 'public-quote-accepted.png'), fullPage: true });

  expect(!offMachine.length, `requests left the machine: ${offMachine.join(', ')}`);
  expect(!blocked.length, `CSP refused: ${blocked.join(' | ')}`);
  console.log('public page checked');
} finally {
  await browser.close();
}
