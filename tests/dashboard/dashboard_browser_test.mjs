// dashboard_browser_test.mjs — the dashboard in a real browser: Debian's chromium,
// headless, driven by playwright-core.
//
// calmond with the notebook's three cells and a dashboard token replays the synthetic
// movie; the page, opened at the URL of the ready line (?token=...), must load its
// modules and WebSocket with the token, draw the image and the traces and keep updating
// them; a click on the image adds an ROI (add_rois through the page's WebSocket) whose
// trace must then appear, a rename and a delete keep every other ROI's history. The ROI
// set is downloaded as JSON (equal to the daemon's) and as RoiSet.zip, and uploads of
// calmon JSON, Suite2p's stat.npy with iscell.npy (written by numpy) and that RoiSet.zip
// each become the set; a file calmond cannot read is refused with a banner. A page
// opened only after two minutes of a replayed session shows them from 0 s, out of
// calmond's history, and the next session's plots start on their own. The traces' x axis is seconds (the movie declares its rate),
// and hovering a plot names the frame and its time. A status saying frames wait seconds to be published must
// raise the "falling behind" banner and show the lag. Saves a screenshot to
// $SCREENSHOT (default: dashboard.png in the test's temporary folder), and the second
// run's beside it as dashboard-motion.png. Without motion
// correction the motion plot stays hidden; a second run with a "motion" section and a
// moving synthetic movie must show it, with the shifts of every frame on the traces'
// time axis, failed frames marked, and the "reference" image selectable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { openBrowserPage, startDaemon, startReplay, stopAll, synthMovie, tempDir, waitFor } from './support.mjs';

let context = null;
after(async () => {
  if (context) await context.close();
  await stopAll();
});

async function openPage(url) {
  if (context) await context.close();  // a failed test's browser, which would keep node alive
  const opened = await openBrowserPage(url, { height: 820 });
  context = opened.context;
  return { page: opened.page, errors: opened.errors };
}

async function closePage() {
  if (context) await context.close();
  context = null;
  await stopAll();
}

// Three ROIs as Suite2p's stat.npy holds them, iscell.npy calling 0 and 2 cells.
const SUITE2P_FIXTURE = `
import sys, numpy as np
def roi(ys, xs, lam):
    ys, xs = np.array(ys, np.int32), np.array(xs, np.int32)
    return {"ypix": ys, "xpix": xs, "lam": np.array(lam, np.float32), "npix": ys.size,
            "med": [np.int64(np.median(ys)), np.int64(np.median(xs))], "overlap": np.zeros(ys.size, bool)}
stat = np.array([roi([10, 10, 11], [20, 21, 20], [1, 2, 1]), roi([30], [50], [1]),
                 roi([40, 41], [60, 60], [0.5, 1.5])], dtype=object)
np.save(sys.argv[1] + "/stat.npy", stat, allow_pickle=True)
np.save(sys.argv[1] + "/iscell.npy", np.array([[1, 0.9], [0, 0.2], [1, 0.8]]))
`;

// A region's pixels as "x,y" strings, sorted: the same ROI whichever form it takes.
function pixelsOf(region) {
  if (region.pixel) return [`${region.pixel.x ?? 0},${region.pixel.y ?? 0}`];
  const list = [];
  if (region.rect) {
    const { xmin = 0, xmax = 0, ymin = 0, ymax = 0 } = region.rect;
    for (let y = ymin; y < ymax; y++) for (let x = xmin; x < xmax; x++) list.push(`${x},${y}`);
  } else if (region.mask) {
    region.mask.x.forEach((x, i) => list.push(`${x ?? 0},${region.mask.y[i] ?? 0}`));
  }
  return list.sort();
}

test('the page shows the live image and traces, and a click adds an ROI with its trace', async () => {
  const movie = synthMovie(2000);
  const { ready } = await startDaemon(['--analysis', process.env.CALMON_ANALYSIS, '--http', '127.0.0.1:0',
                                       '--http-token', 'browser-test-token']);
  assert.match(ready.http, /\?token=browser-test-token$/);
  // Looped, so the stream outlasts a slow browser start on a loaded machine; stopped by stopAll().
  startReplay(movie, ready, Number(process.env.REPLAY_RATE || 60), ['--loop-forever']);

  const { page, errors } = await openPage(ready.http);

  const state = () => page.evaluate(() => ({
    images: window.calmon.stats.images,
    drawn: window.calmon.view.drawn,
    batches: window.calmon.stats.traceBatches,
    frames: window.calmon.store.frames.length,
    lastFrame: window.calmon.store.frames.at(-1) ?? -1,
    rois: window.calmon.rois().length,
    scale: window.calmon.view.scale,
    motionShown: !document.getElementById('motion-panel').hidden,
  }));
  await waitFor(async () => { const s = await state(); return s.drawn > 0 && s.frames > 20 && s.rois === 6; },
                60000, 'the first image, traces and the six ROIs');
  const first = await state();
  assert.equal(first.motionShown, false, 'the motion plot is hidden without motion correction');
  // The synthetic movie declares its frame interval, which calmon-replay passes on: the
  // traces are plotted over seconds, each frame at its index / the movie's rate (30 Hz).
  const axis = await page.evaluate(() => {
    const { unit, x } = window.calmon.store.axis();
    return { unit, x: x.slice(0, 5), frames: window.calmon.store.frames.slice(0, 5) };
  });
  assert.equal(axis.unit, 's');
  assert.deepEqual(axis.x, axis.frames.map((frame) => frame / 30));
  const hover = await page.evaluate(() => {
    const canvas = document.getElementById('plot-dff');
    const box = canvas.getBoundingClientRect();
    canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: box.right - 7, clientY: box.top + 20 }));
    return { title: canvas.title };
  });
  assert.match(hover.title, /^frame \d+ · \d+\.\d{3} s$/, 'the hover names a frame and its time');
  await waitFor(async () => { const s = await state(); return s.images > first.images && s.lastFrame > first.lastFrame + 20; },
                30000, 'new images and frames');

  // Click pixel (40, 8) of the image: a new one-pixel ROI, added with add_rois, so the
  // six ROIs there keep their history (kept by ROI id) and their baselines.
  const history = () => page.evaluate(() => {
    const key = window.calmon.keys()[0];
    const s = window.calmon.store.seriesOf(key);
    return { key, firstFrame: window.calmon.store.frames[0], f: s.f.slice(0, 10) };
  });
  const before = await history();
  const at = await page.evaluate(() => window.calmon.view.clientOf(40, 8));
  await page.mouse.click(at.x, at.y);
  await waitFor(async () => (await state()).rois === 7, 20000, 'the seventh ROI');
  const roi = await page.evaluate(() => window.calmon.rois()[6]);
  assert.deepEqual(roi.region, { pixel: { x: 40, y: 8 } });
  await waitFor(() => page.evaluate(() => {
    const key = window.calmon.keys()[6];
    const s = window.calmon.store.seriesOf(key);
    return s && s.f.filter(Number.isFinite).length > 20 && window.calmon.selected().has(key);
  }), 30000, "the new ROI's trace");
  const after = await history();
  assert.equal(after.key, before.key, 'the first ROI keeps its id');
  if (after.firstFrame === before.firstFrame) {  // (unless the history's oldest frames were trimmed meanwhile)
    assert.deepEqual(after.f, before.f, "the first ROI's history survives the edit");
  }

  // Renaming an ROI keeps its id, its history and every other ROI as they were.
  const renamed = await page.evaluate(() => {
    const key = window.calmon.keys()[1];
    return { key, frames: window.calmon.store.seriesOf(key).f.length };
  });
  await page.locator('#roi-list .roi').nth(1).locator('input[type=text]').fill('renamed');
  await page.locator('#roi-list .roi').nth(1).locator('input[type=text]').press('Enter');
  await waitFor(async () => page.evaluate(() => window.calmon.rois()[1].name === 'renamed'), 20000, 'the rename');
  const afterRename = await page.evaluate(() => ({ key: window.calmon.keys()[1],
                                                   frames: window.calmon.store.seriesOf(window.calmon.keys()[1]).f.length }));
  assert.equal(afterRename.key, renamed.key);
  assert.ok(afterRename.frames >= Math.min(renamed.frames, 1500), 'the renamed ROI keeps its history');

  // Deleting the new ROI leaves six.
  await page.locator('#roi-list .roi').nth(6).locator('button').click();
  await waitFor(async () => (await state()).rois === 6, 20000, 'six ROIs again');

  // Download the ROI set as calmon JSON: calmond's set, each ROI with its region.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#rois-download-json')]);
  assert.equal(download.suggestedFilename(), 'rois.json');
  const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const shown = await page.evaluate(() => window.calmon.rois().map((roi) => ({ name: roi.name, region: roi.region })));
  const named = ({ name, region }) => ({ name, pixels: pixelsOf(region) });  // the file leaves zeros out
  assert.deepEqual(saved.rois.map(named), shown.map(named));
  assert.ok(saved.rois.every((roi) => roi.baseline && roi.neuropil), 'each ROI with its own baseline and neuropil');

  // Load a file with two of them back: calmond makes it the ROI set.
  const two = { rois: saved.rois.slice(0, 2) };
  await page.setInputFiles('#rois-upload', { name: 'two.json', mimeType: 'application/json',
                                             buffer: Buffer.from(JSON.stringify(two)) });
  await waitFor(async () => (await state()).rois === 2, 20000, 'the two loaded ROIs');
  assert.deepEqual(await page.evaluate(() => window.calmon.rois().map((roi) => roi.name)), two.rois.map((r) => r.name));
  const twoPixels = await page.evaluate(() => window.calmon.rois().map((roi) => roi.region));

  // Download them as ImageJ's RoiSet.zip: a zip of one NAME.roi per ROI.
  const [zipDownload] = await Promise.all([page.waitForEvent('download'), page.click('#rois-download-zip')]);
  assert.equal(zipDownload.suggestedFilename(), 'RoiSet.zip');
  const zip = readFileSync(await zipDownload.path());
  assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  for (const roi of two.rois) assert.ok(zip.includes(`${roi.name}.roi`), `${roi.name}.roi in the zip`);

  // Suite2p's stat.npy with iscell.npy, made by numpy as Suite2p saves them: the cells
  // (ROIs 0 and 2) become the set, named by their index, weights lam normalised.
  const suite2p = tempDir('calmon-dash-suite2p-');
  const made = spawnSync(process.env.PYTHON, ['-c', SUITE2P_FIXTURE, suite2p], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  await page.setInputFiles('#rois-upload', ['stat.npy', 'iscell.npy'].map((name) => path.join(suite2p, name)));
  await waitFor(async () => page.evaluate(() => window.calmon.rois().map((roi) => roi.name).join() === 's2p_0,s2p_2'),
                20000, "Suite2p's two cells");
  assert.match(await page.locator('#banner').textContent(),
               /^2 ROIs from stat\.npy, iscell\.npy: a new ROI set, so every baseline starts over$/);
  const cell = await page.evaluate(() => window.calmon.rois()[0].region.mask);
  assert.deepEqual({ x: cell.x, y: cell.y, weight: cell.weight },
                   { x: [20, 21, 20], y: [10, 10, 11], weight: [0.25, 0.5, 0.25] });

  // The RoiSet.zip loaded back: the two ROIs, by name, on the same pixels.
  await page.setInputFiles('#rois-upload', { name: 'RoiSet.zip', mimeType: 'application/zip', buffer: zip });
  await waitFor(async () => page.evaluate((names) => window.calmon.rois().map((roi) => roi.name).join() === names,
                                          two.rois.map((r) => r.name).join()), 20000, 'the RoiSet.zip loaded back');
  const back = await page.evaluate(() => window.calmon.rois().map((roi) => roi.region));
  assert.deepEqual(back.map(pixelsOf), twoPixels.map(pixelsOf));

  // A file calmond cannot read is refused with a banner; the set stays.
  await page.setInputFiles('#rois-upload', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await waitFor(() => page.evaluate(() => /loading ROIs failed: notes.txt: unknown ROI file format/.test(
    document.getElementById('banner').textContent)), 20000, 'the refusal banner');
  assert.equal((await state()).rois, 2);

  const screenshot = process.env.SCREENSHOT || path.join(tempDir('calmon-dash-shot-', { keep: true }), 'dashboard.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);

  // Overload: a status (as calmond publishes it) with a p99 lag of 2.5 s raises the
  // banner and puts the lag in the status line; a status with a small lag clears it.
  const overload = await page.evaluate(() => {
    const shown = () => ({ banner: document.getElementById('banner').hidden ? null
                                                                             : document.getElementById('banner').textContent,
                           status: document.getElementById('status').textContent });
    const status = { ...window.calmon.stats.lastStatus, streaming: true };
    window.calmon.receive({ type: 'status', browsers: 1, data: { ...status, lag_p50_ms: 800, lag_p99_ms: 2500 } });
    const behind = shown();
    window.calmon.receive({ type: 'status', browsers: 1, data: { ...status, lag_p50_ms: 3, lag_p99_ms: 8 } });
    const caughtUp = shown();
    // Without acquisition times there is no lag, but an ingest queue growing at every status says it too.
    for (const frames of [5, 12, 20, 30]) {
      window.calmon.receive({ type: 'status', browsers: 1, data: { ...status, lag_p50_ms: 0, lag_p99_ms: 0,
        ingest_queue_frames: String(frames), ingest_queue_bytes: String(frames * 524288) } });
    }
    return { behind, caughtUp, queue: shown() };
  });
  assert.equal(overload.behind.banner,
               'calmond is falling behind: frames wait 2.5 s before their traces are published');
  assert.match(overload.behind.status, /lag p50 800 ms, p99 2500 ms/);
  assert.equal(overload.caughtUp.banner, null);
  assert.match(overload.caughtUp.status, /lag p50 3 ms, p99 8 ms/);
  assert.equal(overload.queue.banner,
               'calmond is falling behind: 30 frames (15.0 MiB) are queued and the queue keeps growing');
  assert.doesNotMatch(overload.queue.status, /lag/, 'no lag shown when frames carry no acquisition time');
  assert.match(overload.queue.status, /queued 30 frames/);
  assert.deepEqual(errors, []);
  await closePage();
});

test('with motion correction the page plots each frame\'s shift, marks failed frames, offers the reference', async () => {
  const movie = synthMovie(600, ['--motion']);
  const analysis = JSON.parse(readFileSync(process.env.CALMON_ANALYSIS, 'utf8'));
  analysis.motion = { reference_frames: 50 };
  const config = path.join(tempDir('calmon-dash-motion-'), 'analysis.json');
  writeFileSync(config, JSON.stringify(analysis));
  const { ready } = await startDaemon(['--analysis', config, '--http', '127.0.0.1:0']);
  startReplay(movie, ready, Number(process.env.REPLAY_RATE || 60), ['--loop-forever']);
  const { page, errors } = await openPage(ready.http);

  const state = () => page.evaluate(() => {
    const { store } = window.calmon;
    return {
      shown: !document.getElementById('motion-panel').hidden,
      plots: window.calmon.stats.motionPlots,
      frames: store.frames.length,
      lengths: [store.motion.dy.length, store.motion.dx.length, store.motion.failed.length],
      moved: store.motion.dy.filter((v) => Number.isFinite(v) && v !== 0).length,
      options: [...document.getElementById('image-name').options].map((o) => o.value),
      status: document.getElementById('status').textContent,
    };
  });
  await waitFor(async () => { const s = await state(); return s.shown && s.moved > 20 && s.options.includes('reference'); },
                90000, 'the motion plot with moved frames, and the reference image');
  const s = await state();
  assert.deepEqual(errors, []);
  assert.deepEqual(s.lengths, [s.frames, s.frames, s.frames], 'a shift per frame on the traces\' time axis');
  assert.ok(s.plots > 0);
  await waitFor(async () => /motion \|dy\| ≤ [0-9.]+, \|dx\| ≤ [0-9.]+ px, [0-9]+ failed/.test((await state()).status),
                20000, 'the motion summary in the status line');

  // A frame whose registration failed (as calmond publishes it: zeros left out) is marked.
  const marked = await page.evaluate(() => {
    const { store } = window.calmon;
    const next = store.frames.at(-1) + 1;
    const f = Array(store.rois).fill(1);
    window.calmon.receive({ type: 'traces', dropped: 0, updates: [{
      frame_index: String(next), roi_set_version: store.version, f, fneu: f, fcorr: f, f0: f, dff: f,
      motion: { peak: 0.01, failed: 3 } }] });
    return { failed: store.failedFrames(), next, dy: store.motion.dy.at(-1) };
  });
  assert.ok(marked.failed.includes(marked.next), `frame ${marked.next} among the failed: ${marked.failed}`);
  assert.equal(marked.dy, 0);

  await page.selectOption('#image-name', 'reference');
  assert.equal(await page.evaluate(() => window.calmon.view.name), 'reference');
  const screenshot = (process.env.SCREENSHOT || path.join(tempDir('calmon-dash-shot-', { keep: true }), 'dashboard.png'))
    .replace(/\.png$/, '-motion.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
  assert.deepEqual(errors, []);
  await closePage();
});

test("with calmond: a page opened two minutes into a session shows them from 0 s, and the next session is not joined to it", async () => {
  const movie = synthMovie(3600);  // two minutes at 30 Hz
  const { ready } = await startDaemon(['--analysis', process.env.CALMON_ANALYSIS, '--http', '127.0.0.1:0']);
  const first = startReplay(movie, ready, 3000);
  await waitFor(() => first.child.exitCode !== null, 60000, 'the first replay to end');
  assert.equal(first.child.exitCode, 0, first.stderr);

  // Opened only now: everything the page shows of session 1 came from calmond's history.
  const { page, errors } = await openPage(ready.http);
  await waitFor(() => page.evaluate(() => window.calmon.stats.histories > 0 && window.calmon.keys().length === 6),
                20000, "calmond's history of session 1");
  await page.selectOption('#window', 'all');
  const history = () => page.evaluate(() => {
    const { store } = window.calmon;
    const points = store.points(window.calmon.keys()[0], 'dff');
    const firstMinute = points.y.filter((_, i) => points.x[i] < 60);
    return { session: store.session, x0: points.x[0], xLast: points.x.at(-1),
             firstMinute: firstMinute.length, finite: firstMinute.filter(Number.isFinite).length };
  });
  await waitFor(async () => (await history()).xLast > 119, 10000, 'the whole session in the window');
  const one = await history();
  assert.equal(one.session, '1');
  assert.equal(one.x0, 0, 'from the first frame of the session');
  // To its last bucket (a point sits at its bucket's first frame: ~6 frames a point here).
  assert.ok(one.xLast > 119.5 && one.xLast <= 3599 / 30, `to its last frames: ${one.xLast}`);
  assert.ok(one.firstMinute > 100 && one.finite > 100, `the first minute drawn: ${JSON.stringify(one)}`);

  // The same movie again is session 2: its plots start at 0 s on their own.
  const second = startReplay(movie, ready, 300);
  await waitFor(() => page.evaluate(() => window.calmon.store.session === '2'), 30000, 'session 2 on the page');
  await waitFor(async () => (await history()).xLast > 1, 20000, 'frames of session 2');
  const two = await history();
  assert.equal(two.x0, 0);
  assert.ok(two.xLast < 119, `session 2 is not spliced onto session 1: ${JSON.stringify(two)}`);
  await waitFor(() => page.evaluate(() => [...document.getElementById('session').options].some((o) => o.value === '1')),
                10000, 'session 1 still viewable in the menu');
  second.child.kill('SIGTERM');
  assert.deepEqual(errors, []);
  await closePage();
});
