// support.mjs — what the dashboard tests share: starting calmond and calmon-replay on
// ephemeral loopback ports, waiting on conditions with deadlines, stopping everything.
//
// Programs come from the environment ctest sets (CALMOND, CALMON_REPLAY, CALMON_SYNTH);
// every process started is remembered and killed by stopAll(), which the tests call
// whatever happens; it also removes the folders tempDir() made (but those asked to be kept).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const started = [];
const madeDirs = [];

// A new folder under the test's temporary folder, removed by stopAll() unless `keep`.
export function tempDir(prefix, { keep = false } = {}) {
  const dir = mkdtempSync(path.join(process.env.CALMON_TEST_TMPDIR || tmpdir(), prefix));
  if (!keep) madeDirs.push(dir);
  return dir;
}

// How many times slower than a release build the programs run (tools/sanitize sets it).
const slowdown = Number(process.env.CALMON_TEST_SLOWDOWN || 1);

// Polls `condition` (may be async) until it returns a truthy value, or throws after `ms`
// (times the slowdown).
export async function waitFor(condition, ms, what) {
  ms *= slowdown;
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A synthetic movie (calmon-synth, with `extra` flags such as ['--motion']) in a fresh
// folder; its path.
export function synthMovie(frames = 2000, extra = []) {
  const dir = tempDir('calmon-dash-movie-');
  const result = spawnSync(process.env.CALMON_SYNTH, [dir, '--frames', String(frames), ...extra], { timeout: 60000 });
  if (result.status !== 0) throw new Error(`calmon-synth failed: ${result.stderr}`);
  return path.join(dir, 'movie.tif');
}

function track(child, name) {
  const record = { child, name, stderr: '' };
  child.stderr.on('data', (chunk) => { record.stderr += chunk; });
  started.push(record);
  return record;
}

// calmond on ephemeral ports with `extra` flags; resolves with {ready, record}.
export async function startDaemon(extra) {
  const args = ['--ingest', 'tcp://127.0.0.1:*', '--publish', 'tcp://127.0.0.1:*', '--control', 'tcp://127.0.0.1:*',
                '--status-interval', '0.25', ...extra];
  const child = spawn(process.env.CALMOND, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const record = track(child, 'calmond');
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line from calmond in 10 s: ${record.stderr}`)), 10000);
    lines.once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line)); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`calmond exited (${code}): ${record.stderr}`)); });
  });
  return { ready, record };
}

// Streams `movie` at `rate` frames/s to the calmond of `ready` (its ready line: ingest,
// and control for the end-of-stream acknowledgement); `extra` adds replay options (e.g.
// ['--loop-forever']).
export function startReplay(movie, ready, rate, extra = []) {
  const child = spawn(process.env.CALMON_REPLAY,
                      [movie, '--to', ready.ingest, '--control', ready.control, '--rate', String(rate),
                       '--progress', 'never', ...extra],
                      { stdio: ['ignore', 'ignore', 'pipe'] });
  return track(child, 'calmon-replay');
}

export async function stopAll() {
  await Promise.all(started.splice(0).map(({ child }) => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  })));
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Debian's chromium, headless, with a fresh profile, showing `url`; resolves with
// {context, page, errors} (errors: the page's uncaught exceptions). The caller closes
// `context`.
export async function openBrowserPage(url, { width = 1240, height = 1000 } = {}) {
  const context = await chromium.launchPersistentContext(tempDir('calmon-dash-chromium-'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    viewport: { width, height }, timeout: 30000, acceptDownloads: true,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url, { timeout: 15000 });
  return { context, page, errors };
}
