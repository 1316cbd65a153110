/**
 * nnwasm in headless Chromium (playwright-core driving Debian's /usr/bin/chromium): serves
 * bench/page.html with bench/server.mjs and waits for its result; one JSON line out.
 *   node bench/browser.mjs [--quick]
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { child, flag, log as logger } from './common.mjs';
import { startBenchServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const log = logger('chromium');

child(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (bash scripts/deps.sh --browser installs it)`);
  const server = await startBenchServer();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.text().startsWith('[page] ') && !m.text().startsWith('[page] {')) log(m.text().slice(7)); });
    page.on('pageerror', (err) => log(`page error: ${err.message}`));
    await page.goto(`${server.url}bench/page.html${flag('--quick') ? '?quick' : ''}`);
    await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 30 * 60_000, polling: 250 });
    const r = await page.evaluate(() => window.benchResult);
    if (r.error) throw new Error(`in the page: ${r.error}`);
    return { ...r, runtime: `chromium ${browser.version()}` };
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
  }
});
