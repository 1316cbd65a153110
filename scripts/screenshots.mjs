#!/usr/bin/env node
/**
 * Screenshots of the demo for the docs: starts the demo server on a free port and headless
 * Chromium (/usr/bin/chromium via playwright-core), then writes
 *   docs/screenshot-idle.png      the page just loaded, the pretrained model ready
 *   docs/screenshot-training.png  a spiral run half way, its chart and decision boundary
 *   docs/screenshot-digit.png     an MNIST test digit (a 2) drawn with the mouse and recognised
 * at a 1200×800 viewport.   node scripts/screenshots.mjs
 */
import { dirname, join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  drawStrokes, launch, newPage, oneOfEachDigit, skeletonStrokes, tid, waitReady,
} from '../tests/browser/helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = (name) => join(root, 'docs', name);
const written = [];

async function save(page, name) {
  const path = out(name);
  await page.screenshot({ path, animations: 'disabled' });
  written.push(`${path} (${((await stat(path)).size / 1024).toFixed(0)} KB)`);
}

const env = await launch({ viewport: { width: 1200, height: 800 } });
try {
  const { page, errors } = await newPage(env.context);

  // 1. idle: just loaded, the pretrained model ready
  await page.goto(env.url);
  await waitReady(page);
  await page.waitForTimeout(200);
  await save(page, 'screenshot-idle.png');

  // 2. a spiral run half way: progress, log, chart and boundary on screen
  await page.selectOption(tid('dataset'), 'spiral');   // its defaults: 300 epochs in slow motion
  await page.evaluate((sel) => {
    const r = document.querySelector(sel).getBoundingClientRect();
    window.scrollTo(0, Math.max(0, r.bottom + window.scrollY - window.innerHeight + 24));
  }, tid('boundary'));
  await page.click(tid('train-start'));
  await page.waitForFunction((sel) => document.querySelector(`${sel} progress`)?.value >= 0.5,
    tid('train-progress'), { timeout: 120_000, polling: 50 });
  await save(page, 'screenshot-training.png');
  await page.click(tid('train-stop'));

  // 3. a digit drawn with the mouse and recognised (the first MNIST test image of a 2), on a
  //    freshly loaded page
  await page.goto(env.url);
  await waitReady(page);
  const digit = (await oneOfEachDigit())[2];
  await drawStrokes(page, tid('draw-canvas'), skeletonStrokes(digit.pixels));
  await page.waitForFunction((sel) => /^\d$/.test(document.querySelector(sel).textContent.trim()),
    tid('prediction'));
  await page.waitForTimeout(200);   // the bars' transition
  const predicted = (await page.locator(tid('prediction')).textContent()).trim();
  await save(page, 'screenshot-digit.png');

  console.log(`nnwasm: wrote\n  ${written.join('\n  ')}`);
  console.log(`nnwasm: the digit drawn was a ${digit.digit} (MNIST test image ${digit.index}); the page read ${predicted}`);
  if (errors.length) {
    console.error(`nnwasm: the page reported errors:\n  ${errors.join('\n  ')}`);
    process.exitCode = 1;
  }
} finally {
  await env.close();
}
