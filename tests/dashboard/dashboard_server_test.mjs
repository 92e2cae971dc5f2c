// dashboard_server_test.mjs — calmond's HTTP/WebSocket server without a browser.
//
// node:test and the `ws` package: static files and the path check, the ready line's
// "http" (port 0) and --no-http, requests over the WebSocket (status, a malformed one,
// set_rois), and a replayed stream arriving as decimated trace batches and images.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import WebSocket from 'ws';

import { startDaemon, startReplay, stopAll, synthMovie, waitFor } from './support.mjs';

after(stopAll);

function get(url, target, method = 'GET') {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = http.request({ hostname, port, path: target, method }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, type: response.headers['content-type'], body }));
    });
    request.on('error', reject);
    request.setTimeout(5000, () => request.destroy(new Error('no answer in 5 s')));
    request.end();
  });
}

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

  const begin = Date.now();
  startReplay(synthMovie(300), ready, 200);
  await waitFor(() => client.of('traces').some((m) => m.updates.some((u) => u.end_of_stream)), 20000, 'the end of stream');
  const seconds = (Date.now() - begin) / 1000;
  const batches = client.of('traces');
  const updates = batches.flatMap((m) => m.updates).filter((u) => !u.settled_only && u.f.length);
  assert.equal(updates.length, 300, 'every frame reaches the page once');
  assert.equal(updates[0].f.length, 1);
  assert.ok(batches.length <= seconds * 20 + 2, `${batches.length} batches in ${seconds} s: not decimated`);
  assert.ok(batches.length < updates.length / 3, 'updates are batched');
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
