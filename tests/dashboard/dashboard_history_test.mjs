// dashboard_history_test.mjs — the page's side of calmond's history (docs/dashboard.md,
// "How it works"), in Debian's chromium against a stand-in for calmond.
//
// A small node server serves the page's files and a /ws WebSocket that answers the
// page's control requests and its history requests as calmond does, from a made-up
// session of 2 minutes at 30 Hz (3600 frames, three ROIs). The page must ask for the
// history when it learns that calmond sends sessions (RoiSetInfo.session) with the
// request's fields as documented, show the session from its first frame (a page opened
// late still shows the first minute) followed by the live frames, ask again when the
// window changes; a new session must start the plots again, never joined to the old, and
// the old one must stay viewable through the session menu, from its history.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer } from 'ws';

import { openBrowserPage, tempDir, waitFor } from './support.mjs';

const dashboard = process.env.CALMON_DASHBOARD_DIR;
const RATE = 30;
const FRAMES = 3600;  // session 2 so far: 2 minutes
const ROIS = [{ id: 1, name: 'cell1', region: { pixel: { x: 1, y: 1 } } },
              { id: 2, name: 'cell2', region: { pixel: { x: 5, y: 3 } } },
              { id: 3, name: 'cell3', region: { rect: { xmin: 2, xmax: 4, ymin: 6, ymax: 8 } } }];
// ROI id's ΔF/F₀ at frame t of a session: a slow wave, different per ROI and session.
const dff = (session, id, t) => Math.fround(Math.sin(t / (50 * id)) * 0.5 + session);

let server = null;
let context = null;
after(async () => {
  if (context) await context.close();
  if (server) await new Promise((resolve) => server.close(resolve));
});

const b64 = (array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

// The history answer calmond gives for `request` over a session of `frames` frames.
function historyOf(request, session, frames) {
  const first = Math.max(0, request.first_frame ?? 0);
  const last = request.last_frame === -1 || request.last_frame === undefined ? frames - 1 : request.last_frame;
  const bucket = Math.max(1, Math.ceil((last - first + 1) / request.points));
  const starts = [];
  for (let t = first; t <= last; t += bucket) starts.push(t);
  const series = [];
  for (const roi of ROIS) {
    for (const trace of request.traces ?? ['dff']) {
      const min = new Float32Array(starts.length);
      const max = new Float32Array(starts.length);
      starts.forEach((t0, k) => {
        let low = Infinity;
        let high = -Infinity;
        for (let t = t0; t < Math.min(t0 + bucket, last + 1); t += 1) {
          const v = trace === 'dff' ? dff(session, roi.id, t) : 100 + dff(session, roi.id, t);
          low = Math.min(low, v);
          high = Math.max(high, v);
        }
        min[k] = low;
        max[k] = high;
      });
      series.push({ roi_id: roi.id, name: roi.name, trace, min: b64(min), max: b64(max) });
    }
  }
  return { type: 'history', id: request.id, session, sessions: [2, 3], first_frame: first, last_frame: last,
           bucket_frames: bucket, frame_index: b64(Float64Array.from(starts)),
           time_s: b64(Float64Array.from(starts, (t) => t / RATE)), gap_before: b64(new Uint8Array(starts.length)),
           series, error: '' };
}

function liveUpdate(session, frame) {
  const values = ROIS.map((roi) => dff(session, roi.id, frame));
  return { frame_index: String(frame), roi_set_version: 1, session: String(session), time_s: frame / RATE,
           f: values.map((v) => 100 + v), fneu: values.map(() => 50), fcorr: values.map((v) => 100 + v),
           f0: values.map(() => 100), dff: values };
}

test("the page shows calmond's history of the session before its live frames, and keeps sessions apart", async () => {
  const requests = [];
  let socket = null;
  let current = 2;  // the session calmond is in
  server = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html').slice(1);
    if (!/^[a-z0-9_]+\.(html|js|css)$/.test(name)) { res.writeHead(404); res.end(); return; }
    const type = { html: 'text/html', js: 'text/javascript', css: 'text/css' }[name.split('.').pop()];
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` });
    res.end(readFileSync(path.join(dashboard, name)));
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      requests.push(message);
      const reply = (body) => ws.send(JSON.stringify({ type: 'reply', data: { ok: true, ...body } }));
      if (message.history) {
        const session = message.history.session === 0 ? current : message.history.session;
        ws.send(JSON.stringify(historyOf(message.history, session, session === 2 ? FRAMES : 30)));
      } else if (message.rois) {
        reply({ rois: { version: 1, session: String(current), rois: ROIS } });
      } else if (message.status) {
        reply({ status: { frame_rate_hz: RATE, streaming: true, frames_received: String(FRAMES) } });
      } else {
        reply({});
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;

  const opened = await openBrowserPage(url);
  context = opened.context;
  const { page, errors } = opened;

  // Opened 2 minutes into the session: the page asks for its history, as documented.
  await waitFor(() => requests.some((r) => r.history), 15000, 'a history request');
  const asked = requests.find((r) => r.history).history;
  assert.deepEqual(asked, { id: asked.id, session: 0, first_frame: 0, last_frame: -1, points: 660, roi_ids: [],
                            traces: ['dff', 'f', 'fneu', 'fcorr', 'f0', 'f0_settled'] });
  assert.equal(typeof asked.id, 'number');
  await waitFor(() => page.evaluate(() => window.calmon.stats.histories > 0), 10000, 'the history answer');

  // Live frames follow; the plot shows the session from its first second.
  for (let frame = FRAMES; frame < FRAMES + 60; frame += 20) {
    socket.send(JSON.stringify({ type: 'traces', dropped: 0,
                                 updates: Array.from({ length: 20 }, (_, k) => liveUpdate(2, frame + k)) }));
  }
  await waitFor(() => page.evaluate((n) => window.calmon.store.frames.length === n, 60), 10000, 'the live frames');
  await waitFor(() => page.evaluate((x) => document.getElementById('plot-dff').xScale?.high === x, (FRAMES + 59) / RATE),
                10000, 'the live frames drawn');
  const shown = await page.evaluate(() => {
    const { store } = window.calmon;
    const points = store.points(window.calmon.keys()[0], 'dff');
    const canvas = document.getElementById('plot-dff');
    return { x0: points.x[0], live: points.live, xLive: points.x[points.live], xLast: points.x.at(-1),
             low: canvas.xScale.low, high: canvas.xScale.high };
  });
  assert.equal(shown.x0, 0, 'the first frame of the session');
  assert.equal(shown.xLive, FRAMES / RATE, 'then the live frames');
  assert.equal(shown.xLast, (FRAMES + 59) / RATE);
  assert.equal(shown.high, (FRAMES + 59) / RATE);
  assert.ok(Math.abs(shown.low - (shown.high - 120)) < 1e-9, `the 2-minute window: ${shown.low}..${shown.high}`);
  await page.selectOption('#window', 'all');
  await waitFor(() => page.evaluate(() => document.getElementById('plot-dff').xScale.low === 0), 5000,
                'the whole session in the window, from 0 s');
  // The history's values are calmond's: bucket 0's min and max.
  const firstBucket = await page.evaluate(() => window.calmon.store.points(window.calmon.keys()[0], 'dff').y.slice(0, 2));
  const bucket = Math.ceil(FRAMES / 660);
  const values = Array.from({ length: bucket }, (_, t) => dff(2, 1, t));
  assert.deepEqual(firstBucket, [Math.min(...values), Math.max(...values)]);

  // A shorter window asks for its frames only.
  const before = requests.filter((r) => r.history).length;
  await page.selectOption('#window', '30');
  await waitFor(() => requests.filter((r) => r.history).length > before, 5000, 'a request for the 30 s window');
  const windowed = requests.filter((r) => r.history).at(-1).history;
  assert.equal(windowed.first_frame, FRAMES + 59 - 30 * RATE);
  await waitFor(() => page.evaluate(() => document.getElementById('plot-dff').xScale.low > 90), 5000, 'the 30 s window');
  const screenshot = (process.env.SCREENSHOT || path.join(tempDir('calmon-dash-shot-', { keep: true }), 'dashboard.png'))
    .replace(/\.png$/, '-history.png');
  await page.selectOption('#window', 'all');

  // calmond starts session 3: the plots start again, the old session's frames never joined.
  current = 3;
  socket.send(JSON.stringify({ type: 'traces', dropped: 0,
                               updates: Array.from({ length: 30 }, (_, k) => liveUpdate(3, k)) }));
  await waitFor(() => page.evaluate(() => window.calmon.store.session === '3'), 5000, 'session 3');
  await waitFor(() => page.evaluate(() => [...document.getElementById('session').options].some((o) => o.value === '2')),
                5000, 'session 2 in the menu');
  const fresh = await page.evaluate(() => {
    const { store } = window.calmon;
    const points = store.points(window.calmon.keys()[0], 'dff');
    return { frames: store.frames.length, x: [points.x[points.start ?? 0], points.x.at(-1)], min: Math.min(...points.y),
             banner: document.getElementById('banner').textContent };
  });
  assert.equal(fresh.frames, 30);
  assert.ok(fresh.x[1] < 1.1, `session 3 alone on the axis: ${fresh.x}`);
  assert.ok(fresh.min > 2.4, "no value of session 2's (near 2) among session 3's (near 3)");
  assert.match(fresh.banner, /a new session started/);

  // Session 2 from the menu: its history, from calmond.
  await page.selectOption('#session', '2');
  await waitFor(() => page.evaluate(() => window.calmon.viewing()?.session === '2'), 5000, "session 2's history");
  assert.equal(requests.filter((r) => r.history).at(-1).history.session, 2);
  await waitFor(() => page.evaluate(() => document.getElementById('plot-dff').xScale.high > 100), 5000,
                'the plot of session 2');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
  await page.selectOption('#session', '');
  await waitFor(() => page.evaluate(() => window.calmon.viewing() === null &&
                                          document.getElementById('plot-dff').xScale.high < 2), 5000, 'live again');
  assert.deepEqual(errors, []);
});

// An hour at 30 Hz of 500 ROIs, as calmond would answer for a plot 660 pixels wide: the
// time from the answer's arrival to the plots drawn with all 500 selected is printed (a
// figure, not asserted); the page must hold every series.
test("an hour's history of 500 ROIs: loaded and drawn, the time printed", async () => {
  const rois = Array.from({ length: 500 }, (_, i) => ({ id: i + 1, name: `cell${String(i + 1).padStart(3, '0')}`,
                                                        region: { pixel: { x: i % 25, y: Math.floor(i / 25) } } }));
  const frames = 3600 * RATE;
  let socket = null;
  const asked = [];
  let answering = false;
  let text = '';
  const answer = (request) => {
    const bucket = Math.ceil(frames / request.points);
    const starts = Float64Array.from({ length: Math.ceil(frames / bucket) }, (_, k) => k * bucket);
    const series = [];
    for (const roi of rois) {
      for (const trace of request.traces) {
        const min = Float32Array.from(starts, (t) => Math.sin(t / (900 + roi.id)) - 0.1);
        const max = Float32Array.from(min, (v) => v + 0.2);
        series.push({ roi_id: roi.id, name: roi.name, trace, min: b64(min), max: b64(max) });
      }
    }
    text = JSON.stringify({ type: 'history', id: request.id, session: 5, sessions: [5], first_frame: 0,
                            last_frame: frames - 1, bucket_frames: bucket, frame_index: b64(starts),
                            time_s: b64(Float64Array.from(starts, (t) => t / RATE)),
                            gap_before: b64(new Uint8Array(starts.length)), series, error: '' });
    socket.send(text);
  };
  const hour = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html').slice(1);
    if (!/^[a-z0-9_]+\.(html|js|css)$/.test(name)) { res.writeHead(404); res.end(); return; }
    const type = { html: 'text/html', js: 'text/javascript', css: 'text/css' }[name.split('.').pop()];
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` });
    res.end(readFileSync(path.join(dashboard, name)));
  });
  const wss = new WebSocketServer({ server: hour, path: '/ws' });
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.history) {  // answered once the page is set, below
        asked.push(message.history);
        if (answering) answer(message.history);
        return;
      }
      const body = message.rois ? { rois: { version: 1, session: '5', rois } }
        : message.status ? { status: { frame_rate_hz: RATE, streaming: true } } : {};
      ws.send(JSON.stringify({ type: 'reply', data: { ok: true, ...body } }));
    });
  });
  await new Promise((resolve) => hour.listen(0, '127.0.0.1', resolve));
  try {
    if (context) await context.close();
    const opened = await openBrowserPage(`http://127.0.0.1:${hour.address().port}/`);
    context = opened.context;
    const { page, errors } = opened;
    await waitFor(() => page.evaluate(() => window.calmon.rois().length === 500), 15000, 'the 500 ROIs');
    await page.click('#roi-all');
    await page.selectOption('#window', 'all');
    await waitFor(() => asked.length > 0, 10000, 'a history request');
    // The last request asked is answered, and so is any the page sends after it (the
    // page keeps only the answer to its latest request).
    answering = true;
    answer(asked.at(-1));
    await waitFor(() => page.evaluate(() => window.calmon.stats.historyLoadMs > 0), 60000, 'the hour drawn');
    const loaded = await page.evaluate(() => ({ ms: window.calmon.stats.historyLoadMs,
                                                series: window.calmon.store.history.series.size,
                                                high: document.getElementById('plot-dff').xScale.high }));
    const request = asked.at(-1);
    const points = Math.ceil(frames / Math.ceil(frames / request.points));
    console.log(`an hour's history of 500 ROIs (${request.traces.length} traces, ${points} points each, ` +
                `${(text.length / 1048576).toFixed(1)} MiB of JSON): received to drawn in ${loaded.ms.toFixed(0)} ms`);
    assert.equal(loaded.series, 500);
    assert.ok(loaded.high > 3590, `the hour on the axis: ${loaded.high}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    context = null;
    await new Promise((resolve) => hour.close(resolve));
  }
});
