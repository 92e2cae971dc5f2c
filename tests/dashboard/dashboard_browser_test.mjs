// dashboard_browser_test.mjs — the dashboard in a real browser: Debian's chromium,
// headless, driven by playwright-core.
//
// calmond with the notebook's three cells replays the synthetic movie; the page must
// draw the image and the traces and keep updating them; a click on the image adds an
// ROI (set_rois through the page's WebSocket) whose trace must then appear. Saves a
// screenshot to $SCREENSHOT (default: dashboard.png in the test's temporary folder).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';

import { startDaemon, startReplay, stopAll, synthMovie, tempDir, waitFor } from './support.mjs';

let context = null;
after(async () => {
  if (context) await context.close();
  await stopAll();
});

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('the page shows the live image and traces, and a click adds an ROI with its trace', async () => {
  const movie = synthMovie(2000);
  const { ready } = await startDaemon(['--analysis', process.env.CALMON_ANALYSIS, '--http', '127.0.0.1:0']);
  // Looped, so the stream outlasts a slow browser start on a loaded machine; stopped by stopAll().
  startReplay(movie, ready, Number(process.env.REPLAY_RATE || 60), ['--loop-forever']);

  context = await chromium.launchPersistentContext(tempDir('calmon-dash-chromium-'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1240, height: 820 },
    timeout: 30000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(ready.http, { timeout: 15000 });

  const state = () => page.evaluate(() => ({
    images: window.calmon.stats.images,
    drawn: window.calmon.view.drawn,
    batches: window.calmon.stats.traceBatches,
    frames: window.calmon.store.frames.length,
    lastFrame: window.calmon.store.frames.at(-1) ?? -1,
    rois: window.calmon.rois().length,
    scale: window.calmon.view.scale,
  }));
  await waitFor(async () => { const s = await state(); return s.drawn > 0 && s.frames > 20 && s.rois === 6; },
                60000, 'the first image, traces and the six ROIs');
  const first = await state();
  await waitFor(async () => { const s = await state(); return s.images > first.images && s.lastFrame > first.lastFrame + 20; },
                30000, 'new images and frames');

  // Click pixel (40, 8) of the image: a new one-pixel ROI.
  const box = await page.locator('#image').boundingBox();
  await page.mouse.click(box.x + 40.5 * first.scale, box.y + 8.5 * first.scale);
  await waitFor(async () => (await state()).rois === 7, 20000, 'the seventh ROI');
  const roi = await page.evaluate(() => window.calmon.rois()[6]);
  assert.deepEqual(roi.region, { pixel: { x: 40, y: 8 } });
  await waitFor(() => page.evaluate(() => {
    const s = window.calmon.store.series[6];
    return s && s.f.filter(Number.isFinite).length > 20 && window.calmon.selected().has(6);
  }), 30000, "the new ROI's trace");

  const screenshot = process.env.SCREENSHOT || path.join(tempDir('calmon-dash-shot-'), 'dashboard.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
  assert.deepEqual(errors, []);
});
