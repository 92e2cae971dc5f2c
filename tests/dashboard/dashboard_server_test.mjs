// dashboard_server_test.mjs — calmond's HTTP/WebSocket server without a browser.
//
// node:test and the `ws` package: static files and the path check, the ready line's
// "http" (port 0) and --no-http, requests over the WebSocket (status, a malformed one,
// set_rois and the live edits), a replayed stream arriving as decimated trace batches and images, and who
// may use the dashboard: another Host or another site's page is refused, and with a
// token nothing is served without it.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import WebSocket from 'ws';

import { startDaemon, startReplay, stopAll, synthMovie, waitFor } from './support.mjs';

after(stopAll);

function get(url, target, method = 'GET', headers = {}) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = http.request({ hostname, port, path: target, method, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, type: response.headers['content-type'], body,
                                         headers: response.headers }));
    });
    request.on('error', reject);
    request.setTimeout(5000, () => request.destroy(new Error('no answer in 5 s')));
    request.end();
  });
}

// Opens a WebSocket with `options` (origin, headers); resolves with {ws} once open, or
// with {status} when the upgrade is refused.
function openWebSocket(url, options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (request, response) => {
      resolve({ status: response.statusCode });
      request.destroy();
    });
    ws.once('error', (error) => { if (ws.readyState !== WebSocket.CLOSED) reject(error); });
  });
}

// The ControlReply to one request on an open WebSocket.
function ask(ws, text) {
  return new Promise((resolve, reject) => {
    const onMessage = (data) => {
      const message = JSON.parse(data.toString());
      if (message.type !== 'reply') return;
      ws.off('message', onMessage);
      resolve(message.data);
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('the WebSocket closed before the reply')));
    ws.send(text);
  });
}

const base = (url) => url.replace(/\?.*$/, '');  // http://HOST:PORT/ without the token

class Client {
  constructor(url) {
    this.ws = new WebSocket(url.replace('http://', 'ws://') + 'ws');
    this.messages = [];
    this.replies = [];
    this.ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      (message.type === 'reply' ? this.replies : this.messages).push({ ...message, at: Date.now() });
    });
  }
  opened() { return new Promise((resolve, reject) => { this.ws.once('open', resolve); this.ws.once('error', reject); }); }
  async request(text) {
    const before = this.replies.length;
    this.ws.send(text);
    await waitFor(() => this.replies.length > before, 5000, 'a reply');
    return this.replies[before].data;
  }
  of(type) { return this.messages.filter((m) => m.type === type); }
}

test('--no-http: no dashboard, no "http" in the ready line', async () => {
  const { ready } = await startDaemon(['--no-http']);
  assert.equal(ready.http, undefined);
});

test('serves the page, refuses paths outside the web root, answers and streams over /ws', async () => {
  const { ready } = await startDaemon(['--http', '127.0.0.1:0', '--snapshot-hz', '10']);
  assert.match(ready.http, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.notEqual(ready.http, 'http://127.0.0.1:0/');

  const page = await get(ready.http, '/');
  assert.equal(page.status, 200);
  assert.match(page.type, /text\/html/);
  assert.match(page.body, /app\.js/);
  assert.match((await get(ready.http, '/app.js')).type, /javascript/);
  for (const target of ['/../CMakeLists.txt', '/%2e%2e/CMakeLists.txt', '/..%2fCMakeLists.txt', '/nothing.js', '//etc/passwd']) {
    assert.equal((await get(ready.http, target)).status, 404, target);
  }
  assert.equal((await get(ready.http, '/', 'POST')).status, 405);

  const client = new Client(ready.http);
  await client.opened();
  const status = await client.request('{"status": {}}');
  assert.equal(status.ok, true);
  assert.equal(status.status.frames_received, '0');
  const bad = await client.request('not json');
  assert.equal(bad.ok, false);
  const set = await client.request(JSON.stringify({ set_rois: { rois: [{ name: 'p', region: { pixel: { x: 10, y: 20 } } }] } }));
  assert.equal(set.ok, true, set.error);
  assert.equal(set.rois.rois[0].name, 'p');
  // The live edits take the page's path too: each answered with the new set, ids stable.
  const added = await client.request(JSON.stringify({ add_rois: { rois: [{ name: 'q', region: { pixel: { x: 12, y: 20 } } }] } }));
  assert.equal(added.ok, true, added.error);
  assert.deepEqual(added.rois.rois.map((roi) => roi.name), ['p', 'q']);
  const [pId, qId] = added.rois.rois.map((roi) => roi.id);
  assert.ok(qId > pId, `${pId}, ${qId}`);
  const renamed = await client.request(JSON.stringify({ update_roi: { id: qId, new_name: 'q2' } }));
  assert.equal(renamed.ok, true, renamed.error);
  assert.equal(renamed.rois.rois[1].name, 'q2');
  assert.equal(renamed.rois.rois[1].id, qId);
  const unknown = await client.request(JSON.stringify({ remove_rois: { ids: [999] } }));
  assert.equal(unknown.ok, false);
  assert.equal(unknown.error, 'no ROI with id 999 in the set');
  const removed = await client.request(JSON.stringify({ remove_rois: { names: ['q2'] } }));
  assert.equal(removed.ok, true, removed.error);
  assert.deepEqual(removed.rois.rois.map((roi) => roi.id), [pId]);

  const begin = Date.now();
  startReplay(synthMovie(300), ready, 600);
  await waitFor(() => client.of('traces').some((m) => m.updates.some((u) => u.end_of_stream)), 20000, 'the end of stream');
  const seconds = (Date.now() - begin) / 1000;
  const batches = client.of('traces');
  const updates = batches.flatMap((m) => m.updates).filter((u) => !u.settled_only && u.f.length);
  assert.equal(updates.length, 300, 'every frame reaches the page once');
  assert.equal(updates[0].f.length, 1);
  // At most one batch per 16 ms tick: at 600 frames/s, about 10 frames a batch.
  assert.ok(batches.length <= seconds * 1000 / 16 + 2, `${batches.length} batches in ${seconds} s: not decimated`);
  assert.ok(batches.length < updates.length / 4, `${batches.length} batches for ${updates.length} updates: not batched`);
  await waitFor(() => client.of('images').length > 0, 5000, 'an image');
  const images = client.of('images');
  const first = images[0].images.find((image) => image.name === 'latest');
  assert.ok(first, 'the latest frame is among the images');
  assert.equal(Buffer.from(first.data, 'base64').length, 4 * first.width * first.height);
  for (let i = 1; i < images.length; i += 1) {
    assert.ok(images[i].at - images[i - 1].at >= 300, 'at most ~2 images a second');
  }
  await waitFor(() => client.of('status').length > 0, 5000, 'a status');
  assert.equal(client.of('status').at(-1).browsers, 1);
  client.ws.close();
});

test('a foreign Host gets no page (DNS rebinding), and is counted', async () => {
  const { ready, record } = await startDaemon(['--http', '127.0.0.1:0']);
  const { port } = new URL(ready.http);
  // evil.example was made to resolve to 127.0.0.1, but the browser names it in Host.
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`]) {
    const page = await get(ready.http, '/', 'GET', { Host: host });
    assert.equal(page.status, 403, host);
    assert.match(page.body, /^Host '.*' is not an address of this dashboard.*\n$/);
  }
  const ws = ready.http.replace('http://', 'ws://') + 'ws';
  assert.equal((await openWebSocket(ws, { headers: { Host: 'evil.example' } })).status, 403);
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
    assert.equal((await get(ready.http, '/', 'GET', { Host: host })).status, 200, host);
  }
  const client = await openWebSocket(ws);
  const status = (await ask(client.ws, '{"status": {}}')).status;
  assert.deepEqual(status.http_refused, { host: '4' });
  client.ws.close();
  assert.match(record.stderr, /dashboard refused \(host\) 127\.0\.0\.1:\d+: Host 'evil\.example' is not/);
});

test("another site's page cannot open the WebSocket, so it cannot stop calmond", async () => {
  const { ready, record } = await startDaemon(['--http', '127.0.0.1:0']);
  const { port } = new URL(ready.http);
  const ws = ready.http.replace('http://', 'ws://') + 'ws';
  const foreign = await openWebSocket(ws, { origin: 'http://evil.example' });
  if (foreign.ws) {
    await ask(foreign.ws, '{"shutdown": {}}').catch(() => {});
    const stopped = await waitFor(() => record.child.exitCode !== null, 3000, 'calmond to exit').catch(() => false);
    assert.fail(`a page of Origin http://evil.example opened the WebSocket${stopped ? ' and stopped calmond' : ''}`);
  }
  assert.equal(foreign.status, 403);

  // The dashboard's own page, and a client that is no page (no Origin), may.
  for (const options of [{ origin: `http://127.0.0.1:${port}` }, { origin: `http://localhost:${port}` }, {}]) {
    const own = await openWebSocket(ws, options);
    assert.ok(own.ws, JSON.stringify(options));
    assert.equal((await ask(own.ws, '{"status": {}}')).ok, true);
    own.ws.close();
  }
  assert.equal(record.child.exitCode, null, 'calmond still runs');
  const client = await openWebSocket(ws);
  assert.deepEqual((await ask(client.ws, '{"status": {}}')).status.http_refused, { origin: '1' });
  client.ws.close();
  assert.match(record.stderr, /dashboard refused \(origin\) 127\.0\.0\.1:\d+: .*'http:\/\/evil\.example'/);
});

test('with a token, the printed URL works and nothing is served without the token', async () => {
  const token = 'test-token-1234';
  const { ready, record } = await startDaemon(['--http', '127.0.0.1:0', '--http-token', token]);
  assert.equal(ready.token, token, 'an explicit token applies on loopback too');
  assert.match(ready.http, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${token}$`));
  const { port } = new URL(ready.http);
  const root = base(ready.http);
  const ws = root.replace('http://', 'ws://') + 'ws';

  const refused = await get(root, '/');
  assert.equal(refused.status, 403);
  assert.match(refused.body, /needs its token/);
  assert.equal((await get(root, '/app.js?token=wrong-token-1234')).status, 403);
  assert.equal((await openWebSocket(ws)).status, 403);
  assert.equal((await openWebSocket(`${ws}?token=x`)).status, 403);

  const page = await get(root, `/?token=${token}`);
  assert.equal(page.status, 200);
  const cookie = page.headers['set-cookie'][0];
  assert.equal(cookie, `calmon-token-${port}=${token}; HttpOnly; SameSite=Strict; Path=/`);
  const jar = cookie.split(';')[0];
  assert.equal((await get(root, '/app.js', 'GET', { Cookie: jar })).status, 200, 'the page loads its modules');
  assert.equal((await get(root, '/app.js', 'GET', { Authorization: `Bearer ${token}` })).status, 200);
  for (const options of [{ headers: { Cookie: jar } }, {}]) {
    const url = options.headers ? ws : `${ws}?token=${token}`;
    const opened = await openWebSocket(url, { origin: `http://127.0.0.1:${port}`, ...options });
    assert.ok(opened.ws, url);
    const status = (await ask(opened.ws, '{"status": {}}')).status;
    assert.equal(status.http_refused.token, '4');
    opened.ws.close();
  }
  assert.doesNotMatch(record.stderr, new RegExp(token), 'an explicit token is not logged');
});

test('on every interface, a token is made; the ready line and one log line give the URL', async () => {
  const { ready, record } = await startDaemon(['--http', '0.0.0.0:0']);
  assert.match(ready.token, /^[0-9a-f]{48}$/);
  assert.match(ready.http, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${ready.token}$`));
  const { port } = new URL(ready.http);
  assert.equal((await get(ready.http, `/?token=${ready.token}`)).status, 200);
  assert.equal((await get(ready.http, `/?token=${ready.token}`, 'GET', { Host: `localhost:${port}` })).status, 200);
  assert.equal((await get(ready.http, `/?token=${ready.token}`, 'GET', { Host: 'evil.example' })).status, 403);
  assert.equal((await get(ready.http, '/')).status, 403);
  await waitFor(() => /dashboard refused \(token\)/.test(record.stderr), 5000, 'the refusal in the log');
  const lines = record.stderr.split('\n').filter((line) => line.includes(ready.token));
  assert.equal(lines.length, 1, record.stderr);
  assert.match(lines[0], new RegExp(`dashboard at ${ready.http.replace(/[.?]/g, '\\$&')} \\(from other machines: http://`));
});

// --- the trace history -----------------------------------------------------------------

// The history answer to `request` (an object: the fields of {"history": ...}) on `client`.
async function history(client, request) {
  const id = (client.nextHistoryId = (client.nextHistoryId || 0) + 1);
  client.ws.send(JSON.stringify({ history: { id, ...request } }));
  return waitFor(() => client.of('history').find((m) => m.id === id), 10000, `history answer ${id}`);
}

// base64 of little-endian numbers into an array (copied: a Buffer's offset may be unaligned).
const floats64 = (text) => Array.from(new Float64Array(new Uint8Array(Buffer.from(text, 'base64')).buffer));
const floats32 = (text) => Array.from(new Float32Array(new Uint8Array(Buffer.from(text, 'base64')).buffer));
const bytes = (text) => Array.from(Buffer.from(text, 'base64'));
const sameNumber = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

// What a page connected from the start saw: per frame, each ROI id's values of each trace.
function recorded(client, rois) {
  const updates = client.of('traces').flatMap((m) => m.updates);
  const frames = new Map();  // frame_index -> {time_s, values: Map(id -> {dff, f, fneu, fcorr, f0, f0_settled})}
  for (const update of updates) {
    if (!update.settled_only) {
      const ids = rois.get(update.roi_set_version);
      const values = new Map(ids.map((id, i) => [id, {
        dff: Number(update.dff[i]), f: Number(update.f[i]), fneu: Number(update.fneu[i]), fcorr: Number(update.fcorr[i]),
        f0: Number(update.f0[i]), f0_settled: NaN }]));
      frames.set(Number(update.frame_index), { time_s: update.time_s === undefined ? NaN : Number(update.time_s), values });
    }
    for (const row of update.settled || []) {
      const ids = rois.get(row.roi_set_version);
      const frame = frames.get(Number(row.frame_index));
      ids.forEach((id, i) => { if (frame.values.has(id)) frame.values.get(id).f0_settled = Number(row.f0[i]); });
    }
  }
  return frames;
}

test('a page opened late gets the session so far: the history equals what a page saw live', async () => {
  const { ready } = await startDaemon(['--http', '127.0.0.1:0', '--analysis', process.env.CALMON_ANALYSIS]);
  const live = new Client(ready.http);
  await live.opened();
  const movie = synthMovie(240);
  startReplay(movie, ready, 400);
  const liveFrames = () => live.of('traces').flatMap((m) => m.updates).filter((u) => !u.settled_only).length;
  await waitFor(() => liveFrames() >= 60, 20000, '60 frames');
  // An ROI added mid-session: its history starts where it was added, NaN before.
  const added = await live.request(JSON.stringify({ add_rois: { rois: [{ name: 'late', region: { pixel: { x: 30, y: 30 } } }] } }));
  assert.equal(added.ok, true, added.error);
  await waitFor(() => live.of('traces').some((m) => m.updates.some((u) => u.end_of_stream)), 20000, 'the end of stream');
  const rois = new Map();  // roi_set_version -> ids
  for (const info of [...live.of('rois').map((m) => m.data), added.rois]) rois.set(info.version, info.rois.map((r) => r.id));
  const seen = recorded(live, rois);
  assert.equal(seen.size, 240);
  const lateId = added.rois.rois.at(-1).id;

  const late = new Client(ready.http);
  await late.opened();
  const traces = ['dff', 'f', 'fneu', 'fcorr', 'f0', 'f0_settled'];
  const all = await history(late, { session: 0, first_frame: 0, last_frame: -1, points: 100000, roi_ids: [], traces });
  assert.equal(all.error, '');
  assert.equal(all.session, 1);
  assert.deepEqual(all.sessions, [1]);
  assert.deepEqual([all.first_frame, all.last_frame, all.bucket_frames], [0, 239, 1]);
  const frameIndex = floats64(all.frame_index);
  assert.deepEqual(frameIndex, [...Array(240).keys()]);
  const times = floats64(all.time_s);
  frameIndex.forEach((frame, p) => assert.ok(sameNumber(times[p], seen.get(frame).time_s), `time of frame ${frame}`));
  assert.deepEqual(bytes(all.gap_before), Array(240).fill(0));
  const ids = [...new Set([...rois.values()].flat())].sort((a, b) => a - b);
  assert.deepEqual(all.series.map((s) => `${s.roi_id} ${s.trace}`), ids.flatMap((id) => traces.map((t) => `${id} ${t}`)));
  for (const series of all.series) {
    const min = floats32(series.min);
    const max = floats32(series.max);
    frameIndex.forEach((frame, p) => {
      const value = seen.get(frame).values.get(series.roi_id);
      const want = value === undefined ? NaN : Math.fround(value[series.trace]);
      assert.ok(sameNumber(min[p], want) && sameNumber(max[p], want),
                `ROI ${series.roi_id} ${series.trace} at frame ${frame}: ${min[p]}..${max[p]}, recorded ${want}`);
    });
  }
  const lateDff = floats32(all.series.find((s) => s.roi_id === lateId && s.trace === 'dff').min);
  assert.ok(Number.isNaN(lateDff[0]) && !Number.isNaN(lateDff.at(-1)), 'the added ROI has history from where it came');
  assert.equal(all.series.find((s) => s.roi_id === lateId).name, 'late');

  // Decimated: 8 points of 30 frames, each the min and max of its frames' values.
  const few = await history(late, { session: 1, first_frame: 0, last_frame: -1, points: 8, roi_ids: [ids[0]], traces: ['dff'] });
  assert.deepEqual([few.bucket_frames, floats64(few.frame_index)], [30, [0, 30, 60, 90, 120, 150, 180, 210]]);
  const dff = [...seen.keys()].sort((a, b) => a - b).map((frame) => Math.fround(seen.get(frame).values.get(ids[0]).dff));
  const bucketOf = (p) => dff.slice(30 * p, 30 * p + 30);
  assert.deepEqual(floats32(few.series[0].min), [...Array(8).keys()].map((p) => Math.min(...bucketOf(p))));
  assert.deepEqual(floats32(few.series[0].max), [...Array(8).keys()].map((p) => Math.max(...bucketOf(p))));

  // A second session beside the first; session 0 is the newest.
  startReplay(movie, ready, 400);
  await waitFor(() => live.of('traces').flatMap((m) => m.updates).filter((u) => u.end_of_stream).length === 2, 20000,
                'the second end of stream');
  const second = await history(late, { session: 0, points: 2000, traces: ['dff'] });
  assert.deepEqual([second.session, second.sessions, second.last_frame], [2, [1, 2], 239]);
  const first = await history(late, { session: 1, points: 2000, traces: ['dff'] });
  assert.deepEqual(floats32(first.series[0].min), floats32(all.series[0].min));

  // Bad requests: one line each, and the page stays connected.
  assert.equal((await history(late, { traces: ['neuropil'] })).error,
               "unknown trace 'neuropil' (dff, f, fcorr, f0, fneu, f0_settled)");
  assert.equal((await history(late, { session: 9 })).error, 'no history of session 9 (calmond holds sessions 1, 2)');
  assert.equal((await history(late, { points: 0 })).error, 'points must be 1 to 100000, not 0');
  assert.equal((await late.request('{"status": {}}')).ok, true);
  live.ws.close();
  late.ws.close();
});
