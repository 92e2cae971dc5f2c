// dashboard_store_test.mjs — the page's trace history and time axis, without a browser.
//
// The page's modules are loaded from src/dashboard as they are served. A frame's time
// (TraceUpdate.time_s) makes the plots' x axis seconds; without times it stays frames;
// missing frames before an update break the lines there; the hover finds the frame
// nearest a position on either axis; a new ROI set starts the history again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dashboard = process.env.CALMON_DASHBOARD_DIR || path.join(here, '..', '..', 'src', 'dashboard');
// As text: the modules are the page's, with no package.json saying they are ES modules.
const load = (name) => import(`data:text/javascript,${encodeURIComponent(readFileSync(path.join(dashboard, name), 'utf8'))}`);
const { TraceStore } = await load('trace_store.js');
const { xLabel } = await load('plots.js');

// As calmond's JSON has them: zeros and absent optionals left out.
function update(frame, { time, missing, version = 1 } = {}) {
  const u = { frame_index: String(frame), roi_set_version: version, f: [1, 2], fneu: [0, 0], fcorr: [1, 2],
              f0: [1, 1], dff: [0, 1] };
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

test('a new ROI set starts the history and its times again', () => {
  const store = new TraceStore();
  store.add(update(0, { time: 0 }));
  store.add(update(1, { version: 2 }));
  assert.equal(store.axis().unit, 'frame');
  assert.deepEqual(store.times.length, 1);
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
