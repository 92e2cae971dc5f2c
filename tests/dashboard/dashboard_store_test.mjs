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
