// dashboard_store_test.mjs — the page's trace history and time axis, without a browser.
//
// The page's modules are loaded from src/dashboard as they are served. A frame's time
// (TraceUpdate.time_s) makes the plots' x axis seconds; without times it stays frames;
// missing frames before an update break the lines there; the hover finds the frame
// nearest a position on either axis. History is kept per ROI id: an edit of the ROI set
// keeps every other ROI's history, a new ROI starts where it was added, a new session
// starts the history again.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dashboard = process.env.CALMON_DASHBOARD_DIR || path.join(here, '..', '..', 'src', 'dashboard');
// Copied beside a package.json saying they are ES modules (the page's folder has none),
// so that their imports of each other resolve.
const copy = mkdtempSync(path.join(tmpdir(), 'calmon-dashboard-modules-'));
for (const name of readdirSync(dashboard).filter((n) => n.endsWith('.js'))) {
  writeFileSync(path.join(copy, name), readFileSync(path.join(dashboard, name)));
}
writeFileSync(path.join(copy, 'package.json'), '{"type": "module"}');
after(() => rmSync(copy, { recursive: true, force: true }));
const load = (name) => import(pathToFileURL(path.join(copy, name)).href);
const { TraceStore } = await load('trace_store.js');
const { xLabel } = await load('plots.js');
const { decodeHistory, historyPoints } = await load('trace_store.js');
const { npyBytes, tableToCsv, traceTable } = await load('exports.js');
const { ticks, tickLabel } = await load('plots.js');
const { COLORMAPS, roiColor, rgbToOklab } = await load('colors.js');
const { sortOrder, filterOrder } = await load('roi_list.js');

// As calmond's JSON has them: zeros and absent optionals left out.
function update(frame, { time, missing, version = 1, f = [1, 2] } = {}) {
  const u = { frame_index: String(frame), roi_set_version: version, f, fneu: f.map(() => 0), fcorr: f,
              f0: f.map(() => 1), dff: f.map((v) => v - 1) };
  if (time !== undefined) u.time_s = time;
  if (missing) u.missing_before = String(missing);
  return u;
}

test('timed frames put the plots on seconds, and lines break after missing frames', () => {
  const store = new TraceStore();
  store.add(update(0, { time: 0 }));
  store.add(update(1, { time: 0.5 }));
  store.add(update(2, { time: 2.0, missing: 2 }));  // two frames never came: 1.5 s later
  const axis = store.axis();
  assert.equal(axis.unit, 's');
  assert.deepEqual(axis.x, [0, 0.5, 2.0]);
  assert.deepEqual([...axis.breaks], [2]);
  assert.equal(store.nearest(1.9), 2);
  assert.equal(store.nearest(0.2), 0);
});

test('frames without times stay on frame indices', () => {
  const store = new TraceStore();
  for (let t = 0; t < 3; t += 1) store.add(update(t));
  const axis = store.axis();
  assert.equal(axis.unit, 'frame');
  assert.deepEqual(axis.x, [0, 1, 2]);
  assert.equal(axis.breaks.size, 0);
  assert.ok(store.times.every(Number.isNaN));
});

test('an edit keeps the history of the ROIs it leaves alone', () => {
  const store = new TraceStore();
  const info = (version, ids) => ({ version, rois: ids.map((id) => ({ id, name: `roi${id}` })) });
  store.setRoiSet(info(1, [1, 2]));
  store.add(update(0, { f: [10, 20] }));
  store.add(update(1, { f: [11, 21] }));
  // ROI 3 added after ROI 1; ROI 2 removed: version 2 has ids 1, 3.
  store.setRoiSet(info(2, [1, 3]));
  store.add(update(2, { version: 2, f: [12, 30] }));
  assert.deepEqual(store.seriesOf('id1').f, [10, 11, 12]);
  assert.deepEqual(store.seriesOf('id3').f, [NaN, NaN, 30]);
  assert.equal(store.seriesOf('id2'), undefined);
  assert.deepEqual(store.frames, [0, 1, 2]);
  // A settled row of version 1 lands on ROI 1's history, by id.
  store.add({ settled_only: true, settled: [{ frame_index: '0', roi_set_version: 1, f0: [9, 19] }] });
  assert.deepEqual(store.settledF0('id1'), [9, NaN, NaN]);
});

test('a whole new ROI set starts every ROI again, on the same time axis', () => {
  const store = new TraceStore();
  store.setRoiSet({ version: 1, rois: [{ id: 1 }, { id: 2 }] });
  store.add(update(0, { time: 0 }));
  store.setRoiSet({ version: 2, rois: [{ id: 3 }, { id: 4 }] });
  store.add(update(1, { version: 2, time: 1 }));
  assert.deepEqual([...store.series.keys()], ['id3', 'id4']);
  assert.deepEqual(store.seriesOf('id3').f, [NaN, 1]);
  assert.deepEqual(store.axis().x, [0, 1]);
});

test('a new session starts the history and its times again', () => {
  const store = new TraceStore();
  store.add(update(0, { time: 0 }));
  store.add(update(1, { time: 1 }));
  assert.equal(store.sessions, 0);
  store.add(update(0));  // the frame index starts again: calmond began a new session
  assert.equal(store.axis().unit, 'frame');
  assert.deepEqual(store.frames, [0]);
  assert.equal(store.sessions, 1, 'counted, so that the page can say why its traces started over');
});

test('without ROI ids, a new version is a new set of ROIs', () => {
  const store = new TraceStore();
  store.add(update(0));
  store.add(update(1, { version: 2 }));
  assert.deepEqual([...store.series.keys()], ['v2#0', 'v2#1']);
});

test('old frames leave times and gaps with them', () => {
  const store = new TraceStore(2);
  store.add(update(0, { time: 0 }));
  store.add(update(1, { time: 1, missing: 1 }));
  store.add(update(2, { time: 2 }));
  assert.deepEqual(store.axis().x, [1, 2]);
  assert.deepEqual([...store.axis().breaks], [0]);
});

test('seconds are labelled with the decimals the span needs, frames as they are', () => {
  assert.equal(xLabel(3.14159, 's', 5), '3.14 s');
  assert.equal(xLabel(31.4159, 's', 50), '31.4 s');
  assert.equal(xLabel(314.159, 's', 500), '314 s');
  assert.equal(xLabel(120, 'frame', 500), '120');
});

// ---- sessions, calmond's history, the exports and the scales (issue 14) ----


test('a new session (TraceUpdate.session) starts the history again even when its frames count on', () => {
  const store = new TraceStore();
  store.add({ ...update(0, { time: 0 }), session: '1' });
  store.add({ ...update(1, { time: 1 }), session: '1' });
  // A new session whose frame numbers happen to go on (they do not go back): still new.
  store.add({ ...update(5, { time: 0 }), session: '2' });
  assert.equal(store.sessions, 1);
  assert.equal(store.session, '2');
  assert.deepEqual(store.frames, [5]);
  assert.deepEqual(store.axis().x, [0], 'the times of session 1 are not joined to those of session 2');
  store.add({ ...update(6, { time: 1 }), session: '2' });
  assert.equal(store.sessions, 1);
  assert.deepEqual(store.frames, [5, 6]);
});

// A history answer as calmond sends it: float64/float32/uint8 arrays in base64.
const b64 = (Type, values) => Buffer.from(new Type(values).buffer).toString('base64');
function answer({ id = 1, session = 3, frames, times, gaps, series }) {
  return { type: 'history', id, session, sessions: [2, 3], first_frame: frames[0], last_frame: frames.at(-1) + 1,
           bucket_frames: 2, frame_index: b64(Float64Array, frames), time_s: b64(Float64Array, times),
           gap_before: b64(Uint8Array, gaps),
           series: series.map(({ id: roi, trace, min, max }) => ({ roi_id: roi, name: `cell${roi}`, trace,
                                                                    min: b64(Float32Array, min), max: b64(Float32Array, max) })),
           error: '' };
}

test("calmond's history comes before the live frames, a bucket as its min and max, gaps as breaks", () => {
  const store = new TraceStore();
  store.setRoiSet({ version: 1, rois: [{ id: 4 }, { id: 5 }] });
  store.add({ ...update(6, { time: 0.6, f: [1, 2] }), session: '3' });
  store.add({ ...update(7, { time: 0.7, f: [1.5, 2] }), session: '3' });
  const history = answer({ frames: [0, 2, 4, 6], times: [0, 0.2, 0.4, 0.6], gaps: [0, 0, 1, 0],
                           series: [{ id: 4, trace: 'dff', min: [0.1, 0.2, 0.3, 0.4], max: [0.1, 0.5, 0.3, 0.4] }] });
  assert.equal(store.setHistory(history), true);
  const { x, y, breaks, live } = store.points('id4', 'dff');
  // Bucket 0 one value; bucket 1 min and max; bucket 2 after missing frames; bucket 3 is live already.
  assert.deepEqual(x, [0, 0.2, 0.2, 0.4, 0.6, 0.7]);
  assert.deepEqual(y.map((v) => Math.round(v * 100) / 100), [0.1, 0.2, 0.5, 0.3, 0, 0.5]);
  assert.deepEqual([...breaks], [3]);
  assert.equal(live, 4);
  // The window: from 0.3 s on.
  assert.deepEqual(store.points('id4', 'dff', 0.3).x, [0.4, 0.6, 0.7]);
  // ROI 5 has no history: its live frames only. The peak counts the history.
  assert.deepEqual(store.points('id5', 'dff').x, [0.6, 0.7]);
  assert.ok(Math.abs(store.seriesOf('id4').peak - 0.5) < 1e-6);
  // Another session's history is not this one's.
  assert.equal(store.setHistory(answer({ session: 2, frames: [0], times: [0], gaps: [0], series: [] })), false);
  const old = decodeHistory(answer({ session: 2, frames: [0, 2], times: [NaN, NaN], gaps: [0, 0],
                                     series: [{ id: 4, trace: 'dff', min: [1, 2], max: [1, 3] }] }));
  assert.deepEqual(old.sessions, ['2', '3']);
  assert.deepEqual(historyPoints(old, 'id4', 'dff', { timed: false }).x, [0, 2, 2]);
  assert.deepEqual(historyPoints(old, 'id4', 'dff', { timed: true }).x, [], 'no times: nothing on a seconds axis');
});

test('the visible traces as CSV, and .npy files numpy reads', () => {
  const store = new TraceStore();
  store.setRoiSet({ version: 1, rois: [{ id: 1, name: 'a' }, { id: 2, name: 'b,c' }] });
  store.add(update(0, { time: 0, f: [1.5, 2] }));
  store.add(update(1, { time: 0.5, f: [0.1, 2] }));
  const table = traceTable(store, [{ key: 'id2', name: 'b,c' }, { key: 'id1', name: 'a' }], 0.25);
  assert.equal(tableToCsv(table), 'frame,time_s,"b,c:f",b,c:fneu,b,c:fcorr,b,c:f0,b,c:dff,a:f,a:fneu,a:fcorr,a:f0,a:dff\n'
    .replace('b,c:fneu,b,c:fcorr,b,c:f0,b,c:dff', '"b,c:fneu","b,c:fcorr","b,c:f0","b,c:dff"') +
    '1,0.5,2,0,2,1,1,0.1,0,0.1,1,-0.9\n');
  const npy = npyBytes(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const headerLength = npy[8] | (npy[9] << 8);
  assert.equal(Buffer.from(npy.subarray(0, 6)).toString('latin1'), '\x93NUMPY');
  assert.equal((10 + headerLength) % 64, 0, 'the data starts on a 64-byte boundary');
  const header = Buffer.from(npy.subarray(10, 10 + headerLength)).toString('latin1');
  assert.match(header, /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  assert.deepEqual([...new Float64Array(npy.slice(10 + headerLength).buffer)], [1, 2, 3, 4, 5, 6]);
});

test('ticks fall on round values, in seconds, minutes or frames', () => {
  assert.deepEqual([...ticks(0, 10, 5)], [0, 2, 4, 6, 8, 10]);
  const minutes = ticks(0, 600, 5, 's');
  assert.equal(minutes.step, 120);
  assert.deepEqual(minutes.map((t) => tickLabel(t, minutes.step, 's')), ['0:00', '2:00', '4:00', '6:00', '8:00', '10:00']);
  const seconds = ticks(3.1, 3.9, 4, 's');
  assert.deepEqual(seconds.map((t) => tickLabel(t, seconds.step, 's')), ['3.2 s', '3.4 s', '3.6 s', '3.8 s']);
  assert.equal(tickLabel(3600, 600, 's'), '1:00:00');
});

test('colormaps run dark to bright (viridis, grey) or through a light middle (diverging); ROI colours differ', () => {
  const lightness = (table, i) => rgbToOklab([table[3 * i], table[3 * i + 1], table[3 * i + 2]])[0];
  for (const name of ['grey', 'viridis']) {
    for (let i = 8; i < 256; i += 8) assert.ok(lightness(COLORMAPS[name], i) > lightness(COLORMAPS[name], i - 8), name);
  }
  assert.deepEqual([...COLORMAPS.viridis.slice(0, 3)], [0x44, 0x01, 0x54]);
  assert.deepEqual([...COLORMAPS.viridis.slice(765)], [0xfd, 0xe7, 0x25]);
  const d = COLORMAPS.diverging;
  assert.ok(lightness(d, 128) > lightness(d, 0) && lightness(d, 128) > lightness(d, 255));
  // 500 ROIs: no two neighbours in the list alike, and few equal colours at all.
  const colors = Array.from({ length: 500 }, (_, i) => roiColor(i));
  const lab = colors.map((c) => rgbToOklab([1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16))));
  const distance = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
  for (let i = 1; i < 500; i += 1) assert.ok(distance(lab[i], lab[i - 1]) > 0.1, `ROIs ${i - 1} and ${i}`);
  for (let i = 0; i < 8; i += 1) for (let j = i + 1; j < 8; j += 1) assert.ok(distance(lab[i], lab[j]) > 0.03);
});

test('the ROI list sorts by name in natural order or by ΔF/F₀, and filters by name', () => {
  const rois = ['cell10', 'cell2', 'Cell1', 'px'].map((name) => ({ name }));
  const keys = ['a', 'b', 'c', 'd'];
  const values = { a: { now: 0.5, peak: 1 }, b: { now: 2, peak: 2 }, c: { now: NaN, peak: 3 }, d: {} };
  assert.deepEqual(sortOrder(rois, keys, 'name', (k) => values[k]), [2, 1, 0, 3]);
  assert.deepEqual(sortOrder(rois, keys, 'now', (k) => values[k]), [1, 0, 2, 3]);
  assert.deepEqual(sortOrder(rois, keys, 'peak', (k) => values[k]), [2, 1, 0, 3]);
  assert.deepEqual(filterOrder([0, 1, 2, 3], rois, ' CELL1'), [0, 2]);
});
