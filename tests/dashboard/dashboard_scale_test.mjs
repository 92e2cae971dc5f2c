// dashboard_scale_test.mjs — the dashboard at a real session's scale, in Debian's
// chromium (headless, playwright-core): a 512×512 synthetic movie and 500 ROIs, one on
// each of the movie's first 500 cells (their ellipses from calmon-synth's truth).
//
// The page is opened first, then the movie replayed once at 30 frames/s while
// calmon-record, a ZeroMQ subscriber, records what calmond publishes. During the replay
// the page's redraws and the frames it shows per second are measured and printed (a
// figure, never asserted). Then: the trace plots' x axis is in seconds with round ticks,
// and hovering a plot names the frame, its time and a selected ROI's value; a click on
// the raster selects the ROI of its row;
// the image zooms (buttons, wheel about the pointer) and pans (middle button) and the
// hover still names the pixel under the pointer; names are drawn only where they do not
// overlap; a click on an ROI selects it (shift-click adds one) and adds none; the filter
// finds an ROI by name and Enter selects it; the cost of a redraw with all 500 selected is
// printed; the visible traces saved as CSV and .npy
// hold calmon-record's numbers for the same frames (python/numpy compares them); the
// figure saves as PNG and SVG; a new session (TraceUpdate.session) is never joined to the
// old one and calmond's history (a "history" message) lands before the live frames.
// A second test runs a two-minute session (frames stamped at 2 Hz) at the same scale
// before any page is open: the page opened then shows every ROI from 0 s out of calmond's
// history, and the next session starts plots of its own.
// Screenshots at 512×512 with 500 ROIs, fitted, zoomed, with eight ROIs stacked over
// the correlation image in viridis, and opened late, are saved beside $SCREENSHOT
// (dashboard-512.png, dashboard-512-zoomed.png, dashboard-512-stacked.png, dashboard-512-late.png).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';

import { openBrowserPage, startDaemon, startReplay, stopAll, synthMovie, tempDir, waitFor } from './support.mjs';

let context = null;
const extra = [];
after(async () => {
  if (context) await context.close();
  for (const child of extra) if (child.exitCode === null) child.kill('SIGKILL');
  await stopAll();
});

// Fewer frames under a sanitizer (tools/sanitize sets the slowdown), where a 512×512 frame
// with 500 ROIs takes calmond many times longer.
const FRAMES = Number(process.env.CALMON_TEST_SLOWDOWN || 1) > 1 ? 120 : 300;

// Where screenshots go: beside $SCREENSHOT, else in a folder kept after the test.
function screenshotPath() {
  return process.env.SCREENSHOT || path.join(tempDir('calmon-dash-shot-', { keep: true }), 'dashboard.png');
}

// One ROI per cell: the pixels of its ellipse (calmon-synth's truth), named cell001...
function roisOf(truth, count) {
  return truth.cells.slice(0, count).map((cell, i) => {
    const { x: cx, y: cy } = cell.center;
    const a = (cell.angle_deg * Math.PI) / 180;
    const xs = [];
    const ys = [];
    for (let y = cell.bounds.ymin; y < cell.bounds.ymax; y += 1) {
      for (let x = cell.bounds.xmin; x < cell.bounds.xmax; x += 1) {
        const u = ((x - cx) * Math.cos(a) + (y - cy) * Math.sin(a)) / cell.radius_x;
        const v = (-(x - cx) * Math.sin(a) + (y - cy) * Math.cos(a)) / cell.radius_y;
        if (u * u + v * v <= 1 && x >= 0 && y >= 0 && x < 512 && y < 512) { xs.push(x); ys.push(y); }
      }
    }
    if (xs.length === 0) { xs.push(cx); ys.push(cy); }
    return { name: `cell${String(i + 1).padStart(3, '0')}`, region: { mask: { x: xs, y: ys } } };
  });
}

// The CSV and .npy the page saved against calmon-record's files, for the same frames.
const COMPARE = `
import csv, json, sys, numpy as np
csv_path, npy_path, rec = sys.argv[1:4]
rows = list(csv.reader(open(csv_path)))
header, body = rows[0], np.array([[float(v) for v in r] for r in rows[1:]])
table = np.load(npy_path)
assert table.dtype == np.float64 and table.shape == body.shape, (table.shape, body.shape)
assert np.array_equal(table, body, equal_nan=True), "the .npy holds the CSV's numbers"
meta = json.load(open(rec + "/metadata.json"))
names = [r["name"] for r in json.load(open(rec + "/rois.json"))["rois"]]
files = {"f": "F", "fneu": "Fneu", "fcorr": "Fcorr", "f0": "F0_live", "dff": "dff_live"}
rows_of = (body[:, 0] - meta.get("first_frame_index", 0)).astype(int)
times = np.load(rec + "/time.npy")
assert np.array_equal(body[:, 1], times[rows_of]), "time_s is each frame's time"
checked = 0
for c, name in enumerate(header[2:], start=2):
    roi, trace = name.rsplit(":", 1)
    recorded = np.load(rec + "/" + files[trace] + ".npy")[:, names.index(roi)][rows_of]
    assert np.array_equal(body[:, c].astype(np.float32), recorded.astype(np.float32), equal_nan=True), name
    assert np.array_equal(body[:, c], recorded.astype(np.float64), equal_nan=True), name
    checked += 1
print(f"{checked} columns of {len(body)} frames equal calmon-record's")
`;

test('512×512, 500 ROIs: zoom, pan, hover, select, filter, seconds, exports equal to a subscriber, sessions', async () => {
  const movie = synthMovie(FRAMES, ['--width', '512', '--height', '512', '--quiet']);
  const truth = JSON.parse(readFileSync(path.join(path.dirname(movie), 'truth', 'cells.json'), 'utf8'));
  const dir = tempDir('calmon-dash-scale-');
  const config = path.join(dir, 'analysis.json');
  writeFileSync(config, JSON.stringify({ neuropil: { ring: { inner_gap: 2, min_pixels: 40 }, r: 0.7 },
                                         baseline: { moving: { window: 101 } }, rois: roisOf(truth, 500),
                                         correlation_image: true }));
  const { ready } = await startDaemon(['--analysis', config, '--http', '127.0.0.1:0']);

  // calmon-record subscribes first: the numbers the page's exports must equal.
  const rec = path.join(dir, 'rec');
  const recorder = spawn(process.env.CALMON_RECORD, [rec, '--from', ready.publish, '--quiet'],
                         { stdio: ['ignore', 'pipe', 'pipe'] });
  extra.push(recorder);
  let recorderErr = '';
  recorder.stderr.on('data', (chunk) => { recorderErr += chunk; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`calmon-record not ready: ${recorderErr}`)), 20000);
    createInterface({ input: recorder.stdout }).on('line', (line) => {
      if (line.includes('ready')) { clearTimeout(timer); resolve(); }
    });
  });
  const recorded = new Promise((resolve) => recorder.once('exit', resolve));

  const opened = await openBrowserPage(ready.http);
  context = opened.context;
  const { page, errors } = opened;
  await waitFor(() => page.evaluate(() => window.calmon.rois().length === 500 && window.calmon.stats.connected),
                30000, 'the page with its 500 ROIs');

  // The replay, once; the page's pace measured meanwhile (printed, not asserted).
  const sample = () => page.evaluate(() => ({ t: performance.now(), renders: window.calmon.stats.renders,
                                              batches: window.calmon.stats.traceBatches,
                                              animationFrames: window.calmon.stats.animationFrames,
                                              renderMs: [...window.calmon.stats.renderMs].sort((a, b) => a - b),
                                              updates: window.calmon.store.updates,
                                              daemonRate: Number(window.calmon.stats.lastStatus?.frame_rate_hz ?? 0) }));
  startReplay(movie, ready, 30);
  await waitFor(async () => (await sample()).updates > 20, 30000, 'the first frames on the page');
  const start = await sample();
  await waitFor(async () => (await sample()).updates >= FRAMES - 20, 60000, 'most of the frames');
  const end = await sample();
  const seconds = (end.t - start.t) / 1000;
  console.log(`page at 512×512 with 500 ROIs: ${((end.renders - start.renders) / seconds).toFixed(1)} redraws/s, ` +
              `${((end.updates - start.updates) / seconds).toFixed(1)} frames/s shown ` +
              `in ${((end.batches - start.batches) / seconds).toFixed(1)} batches/s ` +
              `(${((end.animationFrames - start.animationFrames) / seconds).toFixed(1)} animation frames/s) ` +
              `(calmond received ${end.daemonRate.toFixed(1)} frames/s); ` +
              `a redraw: median ${end.renderMs[end.renderMs.length >> 1].toFixed(1)} ms`);
  await waitFor(() => page.evaluate((n) => window.calmon.store.frames.length === n, FRAMES), 30000, 'every frame');
  assert.equal(await recorded, 0, `calmon-record: ${recorderErr}`);
  await waitFor(() => page.evaluate(() => window.calmon.view.images.has('correlation')), 20000, 'the images');

  // Seconds on the x axis, with round ticks.
  const axis = await page.evaluate(() => {
    const { store } = window.calmon;
    const canvas = document.getElementById('plot-dff');
    return { unit: store.axis().unit, last: store.lastX(), first: store.times[0], high: canvas.xScale.high,
             low: canvas.xScale.low, frames: store.frames.slice(0, 3), times: store.times.slice(0, 3) };
  });
  assert.equal(axis.unit, 's');
  assert.deepEqual(axis.times, axis.frames.map((t) => t / 30), "the movie's frame times (calmon-replay's clock)");
  assert.equal(axis.high, axis.last);
  assert.equal(axis.low, axis.first, 'a session shorter than the window fills the plot');

  // Hovering the ΔF/F₀ plot names the frame, its time, and the nearest selected ROI's value there.
  const plot = await page.locator('#plot-dff').boundingBox();
  await page.mouse.move(plot.x + plot.width / 2, plot.y + plot.height / 2);
  const hovered = await page.locator('#plot-hover').textContent();
  const match = hovered.match(/^frame (\d+) · (\d+\.\d{3}) s · (cell\d{3}) ΔF\/F₀ (-?[0-9.e-]+)$/);
  assert.ok(match, hovered);
  const [, hoverFrame, hoverTime, hoverRoi, hoverValue] = match;
  assert.equal(Number(hoverTime), Number((Number(hoverFrame) / 30).toFixed(3)));
  const truthValue = await page.evaluate(([frame, name]) => {
    const { store } = window.calmon;
    const key = window.calmon.keys()[window.calmon.rois().findIndex((r) => r.name === name)];
    return store.seriesOf(key).dff[store.frames.indexOf(frame)];
  }, [Number(hoverFrame), hoverRoi]);
  assert.equal(Number(hoverValue), Number(truthValue.toPrecision(4)));

  // A click on a raster row selects its ROI.
  const raster = await page.locator('#raster').boundingBox();
  await page.mouse.click(raster.x + raster.width / 2, raster.y + raster.height * 0.37);
  const fromRaster = await page.evaluate((fraction) => {
    const canvas = document.getElementById('raster');
    const rows = window.calmon.rois().length;
    const top = 2;
    const rowHeight = (canvas.height - 18) / rows;  // 2 pixels above the rows, 16 below (the time axis)
    const row = Math.floor((fraction * canvas.height - top) / rowHeight);
    const names = window.calmon.rois().filter((r, i) => window.calmon.selected().has(window.calmon.keys()[i]))
      .map((r) => r.name);
    return { names, row };
  }, 0.37);
  assert.equal(fromRaster.names.length, 1);
  // Rows are half a pixel tall here and the pointer's position whole pixels: the row or its neighbour.
  const pickedRow = Number(fromRaster.names[0].slice(4)) - 1;
  assert.ok(Math.abs(pickedRow - fromRaster.row) <= 1, `${fromRaster.names[0]} for row ${fromRaster.row} (rows by name)`);

  // Fitted: 1 screen pixel per image pixel; names only where they fit, none overlapping.
  const fitted = await page.evaluate(() => ({ zoom: window.calmon.view.zoom, labels: window.calmon.view.labels }));
  assert.equal(fitted.zoom, 1);
  assert.ok(fitted.labels.length > 10 && fitted.labels.length < 500, `${fitted.labels.length} names`);
  const overlapping = (list) => list.some((a, i) => list.slice(i + 1).some((b) =>
    a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1));
  assert.equal(overlapping(fitted.labels), false);
  const shots = screenshotPath();
  await page.screenshot({ path: shots.replace(/\.png$/, '-512.png'), fullPage: true });

  // Zoom with the buttons, then the wheel about the pointer; pan with the middle button.
  // The hover names the pixel under the pointer all along.
  const hoverAt = async (x, y) => {
    const at = await page.evaluate(([px, py]) => window.calmon.view.clientOf(px, py), [x, y]);
    await page.mouse.move(at.x, at.y);
    return page.locator('#hover').textContent();
  };
  for (let i = 0; i < 3; i += 1) await page.click('#zoom-in');
  assert.equal(await page.evaluate(() => window.calmon.view.zoom), 4);
  assert.match(await hoverAt(300, 200), /^x 300 {2}y 200 {2}latest /);
  const before = await page.evaluate(() => ({ ...window.calmon.view.offset }));
  const at = await page.evaluate(() => window.calmon.view.clientOf(256, 256));
  await page.mouse.move(at.x, at.y);
  await page.mouse.down({ button: 'middle' });
  await page.mouse.move(at.x - 60, at.y - 40, { steps: 4 });
  await page.mouse.up({ button: 'middle' });
  const panned = await page.evaluate(() => ({ ...window.calmon.view.offset }));
  assert.deepEqual(panned, { x: before.x - 60, y: before.y - 40 });
  assert.match(await hoverAt(290, 210), /^x 290 {2}y 210 {2}latest /);
  const under = await page.evaluate(() => window.calmon.view.clientOf(280, 220));
  await page.mouse.move(under.x, under.y);
  await page.mouse.wheel(0, -100);
  await waitFor(() => page.evaluate(() => window.calmon.view.zoom === 5), 5000, 'the wheel zooming in');
  await page.mouse.move(under.x + 1, under.y);
  await page.mouse.move(under.x, under.y);
  assert.match(await page.locator('#hover').textContent(), /^x 280 {2}y 220 {2}/, 'the pixel under the wheel stays');
  const zoomed = await page.evaluate(() => ({ visible: window.calmon.view.visible(), labels: window.calmon.view.labels }));
  assert.ok(zoomed.visible.x1 - zoomed.visible.x0 < 120, JSON.stringify(zoomed.visible));
  assert.equal(overlapping(zoomed.labels), false);

  // A click on an ROI selects it, adding none; shift-click adds another to the selection.
  const cellPixel = (name) => page.evaluate((n) => {
    const roi = window.calmon.rois().find((r) => r.name === n);
    return { x: roi.region.mask.x[Math.floor(roi.region.mask.x.length / 2)], y: roi.region.mask.y[Math.floor(roi.region.mask.y.length / 2)] };
  }, name);
  const visibleCells = await page.evaluate(() => {
    const v = window.calmon.view.visible();
    return window.calmon.rois().filter((r) => r.region.mask.x.every((x, k) => x > v.x0 + 2 && x < v.x1 - 2 &&
      r.region.mask.y[k] > v.y0 + 2 && r.region.mask.y[k] < v.y1 - 2)).map((r) => r.name);
  });
  assert.ok(visibleCells.length >= 2, `cells in view: ${visibleCells}`);
  const [one, two] = visibleCells;
  const p1 = await cellPixel(one);
  const c1 = await page.evaluate(([x, y]) => window.calmon.view.clientOf(x, y), [p1.x, p1.y]);
  await page.mouse.click(c1.x, c1.y);
  const p2 = await cellPixel(two);
  const c2 = await page.evaluate(([x, y]) => window.calmon.view.clientOf(x, y), [p2.x, p2.y]);
  await page.keyboard.down('Shift');
  await page.mouse.click(c2.x, c2.y);
  await page.keyboard.up('Shift');
  const chosen = await page.evaluate(() => ({
    names: window.calmon.rois().filter((r, i) => window.calmon.selected().has(window.calmon.keys()[i])).map((r) => r.name),
    count: window.calmon.rois().length }));
  assert.deepEqual(chosen.names.sort(), [one, two].sort());
  assert.equal(chosen.count, 500, 'no ROI added');
  await page.screenshot({ path: shots.replace(/\.png$/, '-512-zoomed.png'), fullPage: true });

  // The filter finds an ROI by name; Enter (the list focused) selects it alone; ↓ and Space add the next.
  await page.fill('#roi-filter', 'cell32');
  // The rows in the list's order (by their place, not the page's order of elements).
  const rowsShown = () => page.locator('#roi-list .roi').evaluateAll((rows) =>
    rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((r) => r.dataset.name));
  const listed = await rowsShown();
  assert.deepEqual(listed, ['cell320', 'cell321', 'cell322', 'cell323', 'cell324', 'cell325', 'cell326',
                            'cell327', 'cell328', 'cell329']);
  await page.fill('#roi-filter', 'cell321');
  assert.deepEqual(await rowsShown(), ['cell321']);
  await page.focus('#roi-list');
  await page.keyboard.press('Enter');
  await page.fill('#roi-filter', 'cell3');
  await page.focus('#roi-list');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(' ');
  const picked = await page.evaluate(() => window.calmon.rois().filter((r, i) =>
    window.calmon.selected().has(window.calmon.keys()[i])).map((r) => r.name).sort());
  assert.ok(picked.includes('cell321') && picked.length === 2, `selected: ${picked}`);
  await page.fill('#roi-filter', '');

  // The whole session in the window; the visible traces as CSV and .npy, as recorded.
  await page.selectOption('#window', 'all');
  const save = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    return file;
  };
  const csvFile = await save('#export-csv');
  const npyFile = await save('#export-npy');
  assert.match(path.basename(csvFile), /^calmon-traces-.*\.csv$/);
  const compared = spawnSync(process.env.PYTHON, ['-c', COMPARE, csvFile, npyFile, rec], { encoding: 'utf8' });
  assert.equal(compared.status, 0, compared.stderr);
  assert.equal(compared.stdout.trim(), `10 columns of ${FRAMES} frames equal calmon-record's`);
  const png = readFileSync(await save('#export-png'));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const svgFile = await save('#export-svg');
  const svg = readFileSync(svgFile, 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok((svg.match(/<polyline /g) ?? []).length >= 4, 'a line per trace');
  const parsed = spawnSync(process.env.PYTHON, ['-c', `
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
plots = root.findall(ns + "svg")
titles = sorted({t.text for t in root.iter(ns + "title")})
print(len(plots), ",".join(titles))`, svgFile], { encoding: 'utf8' });
  assert.equal(parsed.status, 0, parsed.stderr);
  const selectedNames = await page.evaluate(() => window.calmon.rois().filter((r, i) =>
    window.calmon.selected().has(window.calmon.keys()[i])).map((r) => r.name).sort().join(','));
  assert.equal(parsed.stdout.trim(), `3 ${selectedNames}`, 'three plots, each line named after its ROI');

  // What a redraw costs with every ROI selected: printed, not asserted.
  await page.click('#roi-all');
  assert.equal(await page.evaluate(() => window.calmon.selected().size), 500);
  const cost = await page.evaluate(async () => {
    const { stats } = window.calmon;
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const before = stats.renders;
    for (let i = 0; i < 30; i += 1) {
      window.calmon.redraw();
      await frame();
    }
    const ms = stats.renderMs.slice(-(stats.renders - before)).sort((a, b) => a - b);
    return { median: ms[Math.floor(ms.length / 2)], max: ms.at(-1), count: ms.length };
  });
  console.log(`a redraw with all 500 ROIs selected (${FRAMES} frames): median ${cost.median.toFixed(1)} ms, ` +
              `max ${cost.max.toFixed(1)} ms over ${cost.count} redraws`);
  await page.click('#roi-none');
  assert.equal(await page.evaluate(() => window.calmon.selected().size), 0);

  // Eight ROIs picked with the keyboard, stacked; the correlation image in viridis; the raster by activity.
  await page.fill('#roi-filter', 'cell00');
  await page.focus('#roi-list');
  await page.keyboard.press('Enter');
  for (let i = 0; i < 7; i += 1) {
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
  }
  assert.deepEqual(await page.evaluate(() => window.calmon.rois().filter((r, i) =>
    window.calmon.selected().has(window.calmon.keys()[i])).map((r) => r.name).sort()),
  ['cell001', 'cell002', 'cell003', 'cell004', 'cell005', 'cell006', 'cell007', 'cell008']);
  await page.fill('#roi-filter', '');
  await page.selectOption('#plot-mode', 'stacked');
  await page.selectOption('#image-name', 'correlation');
  await page.selectOption('#colormap', 'viridis');
  await page.selectOption('#raster-sort', 'activity');
  await page.click('#zoom-fit');
  await page.click('#zoom-in');
  await waitFor(() => page.evaluate(() => window.calmon.view.zoom === 2 && window.calmon.view.colormap === 'viridis'),
                5000, 'the correlation image in viridis at 2×');
  await page.screenshot({ path: shots.replace(/\.png$/, '-512-stacked.png'), fullPage: true });

  // A new session (as calmond says in TraceUpdate.session) starts the plots again; calmond's
  // history of it is asked for, and an answer lands before the live frames.
  const sessions = await page.evaluate(() => {
    const { store } = window.calmon;
    const n = store.rois;
    const values = Array(n).fill(0.5);
    const update = (frame, session) => ({ frame_index: String(frame), roi_set_version: store.version, session,
                                          time_s: (frame + 0.5) / 30, f: values, fneu: values, fcorr: values,
                                          f0: values, dff: values });
    const before = { sessions: store.sessions, requests: window.calmon.stats.historyRequests };
    window.calmon.receive({ type: 'traces', dropped: 0, updates: [update(300, '1')] });
    const joined = store.frames.length;
    window.calmon.receive({ type: 'traces', dropped: 0, updates: [update(301, '2'), update(302, '2')] });
    const after = { sessions: store.sessions, frames: [...store.frames], requests: window.calmon.stats.historyRequests,
                    supported: window.calmon.historySupported(), banner: document.getElementById('banner').textContent };
    return { before, joined, after };
  });
  assert.equal(sessions.joined, FRAMES + 1, 'the same session goes on');
  assert.equal(sessions.after.sessions, sessions.before.sessions + 1);
  assert.deepEqual(sessions.after.frames, [301, 302], 'the new session is not joined to the old');
  assert.equal(sessions.after.supported, true);
  assert.ok(sessions.after.requests > sessions.before.requests, 'history asked for');
  assert.match(sessions.after.banner, /a new session started/);
  const merged = await page.evaluate(() => {
    const b64 = (array) => btoa(String.fromCharCode(...new Uint8Array(array.buffer)));
    const { store } = window.calmon;
    const key = window.calmon.keys()[0];
    window.calmon.receive({ type: 'history', id: window.calmon.stats.historyRequests, session: 2, sessions: [1, 2],
      first_frame: 0, last_frame: 302, bucket_frames: 150,
      frame_index: b64(new Float64Array([0, 150])), time_s: b64(new Float64Array([0.5 / 30, 150.5 / 30])),
      gap_before: b64(new Uint8Array([0, 0])),
      series: [{ roi_id: window.calmon.rois()[0].id ?? 0, name: 'x', trace: 'dff',
                 min: b64(new Float32Array([0.25, 0.5])), max: b64(new Float32Array([1, 0.5])) }], error: '' });
    return { points: store.points(key, 'dff'), menu: [...document.getElementById('session').options].map((o) => o.value) };
  });
  assert.deepEqual(merged.points.y, [0.25, 1, 0.5, 0.5, 0.5]);
  assert.deepEqual(merged.menu, ['', '1'], 'the earlier session is offered from its history');
  assert.deepEqual(errors, []);
});

test('at 512×512 with 500 ROIs, a page opened two minutes into a session shows it from 0 s; the next session is not joined', async () => {
  // 240 frames stamped at 2 Hz (calmon-synth's declared rate, which calmon-replay sends as
  // each frame's time): two minutes of session, replayed in seconds.
  const movie = synthMovie(240, ['--width', '512', '--height', '512', '--rate', '2', '--quiet']);
  const truth = JSON.parse(readFileSync(path.join(path.dirname(movie), 'truth', 'cells.json'), 'utf8'));
  const config = path.join(tempDir('calmon-dash-late-'), 'analysis.json');
  writeFileSync(config, JSON.stringify({ neuropil: { ring: { inner_gap: 2, min_pixels: 40 }, r: 0.7 },
                                         baseline: { moving: { window: 101 } }, rois: roisOf(truth, 500) }));
  const { ready } = await startDaemon(['--analysis', config, '--http', '127.0.0.1:0']);
  const first = startReplay(movie, ready, 120);
  await waitFor(() => first.child.exitCode !== null, 60000, 'the replay to end');
  assert.equal(first.child.exitCode, 0, first.stderr);

  if (context) await context.close();
  const opened = await openBrowserPage(ready.http);
  context = opened.context;
  const { page, errors } = opened;
  await waitFor(() => page.evaluate(() => window.calmon.stats.histories > 0 && window.calmon.keys().length === 500),
                30000, "calmond's history of the session");
  await page.selectOption('#window', 'all');
  const shown = () => page.evaluate(() => {
    const { store } = window.calmon;
    const perRoi = window.calmon.keys().map((key) => {
      const points = store.points(key, 'dff');
      const firstMinute = points.y.filter((y, i) => points.x[i] < 60 && Number.isFinite(y)).length;
      return { x0: points.x[0], xLast: points.x.at(-1), firstMinute };
    });
    return { session: store.session, perRoi };
  });
  await waitFor(async () => (await shown()).perRoi.every((roi) => roi.xLast > 119), 20000, 'the whole session');
  const one = await shown();
  assert.equal(one.session, '1');
  assert.ok(one.perRoi.every((roi) => roi.x0 === 0), 'every ROI from the first frame');
  // A point per bucket's first frame; 240 frames fit the plot's width, one point each.
  assert.ok(one.perRoi.every((roi) => roi.xLast === 119.5), 'every ROI to the last frame, 119.5 s');
  assert.ok(one.perRoi.every((roi) => roi.firstMinute === 120), 'the first minute, every frame of it');
  // The list's peak ΔF/F₀ comes from the history too (no live frame has come yet).
  await waitFor(() => page.evaluate(() => /^-?\d+\.\d\d$/.test(document.querySelector('#roi-list .peak')?.textContent)),
                5000, "the list's peak from the history");
  await page.screenshot({ path: screenshotPath().replace(/\.png$/, '-512-late.png'), fullPage: true });

  // The same movie again is session 2: its plots start at 0 s on their own.
  const second = startReplay(movie, ready, 30, ['--last', '59']);
  await waitFor(() => page.evaluate(() => window.calmon.store.session === '2'), 30000, 'session 2 on the page');
  await waitFor(async () => (await shown()).perRoi[0].xLast > 1, 20000, 'frames of session 2');
  const two = await shown();
  assert.equal(two.perRoi[0].x0, 0);
  assert.ok(two.perRoi.every((roi) => roi.xLast < 30), 'session 2 is not spliced onto session 1');
  await waitFor(() => page.evaluate(() => [...document.getElementById('session').options].some((o) => o.value === '1')),
                10000, 'session 1 still viewable in the menu');
  await waitFor(() => second.child.exitCode !== null, 30000, 'the second replay to end');
  assert.deepEqual(errors, []);
});
