// app.js — the dashboard page: wires the connection to calmond, the trace store, the
// image panel, the plots, the ROI list and the status line.
//
// Editing ROIs sends one edit to calmond — add_rois, update_roi (a new name) or
// remove_rois, the control API's requests — so every other ROI keeps its baseline and
// the page keeps its history (kept per ROI id, trace_store.js). The selection and each
// ROI's colour follow its id through edits. A new ROI takes the analysis config's
// neuropil and baseline. Drawing is done at most once per animation frame, only when
// something changed.

import { Connection } from './connection.js';
import { ImageView } from './image_view.js';
import { fallingBehind, lagText } from './overload.js';
import { colorOf, drawLines, drawRaster } from './plots.js';
import { downloadRois, uploadRois } from './roi_files.js';
import { roiKey, TraceStore } from './trace_store.js';

const $ = (id) => document.getElementById(id);
const store = new TraceStore();
const stats = { traceBatches: 0, images: 0, statuses: 0, dropped: 0, connected: false, lastStatus: null,
                recentStatuses: [], motionPlots: 0 };
let rois = [];
let keys = [];  // each ROI's history key (trace_store.js), in the order of `rois`
let selected = new Set();  // history keys
let selectionMade = false;  // until the user picks, the first three ROIs are shown
const colorNumbers = new Map();  // history key -> colour, given in the order ROIs appear
let lastStatusTime = 0;
let lastTraceTime = 0;
let dirty = true;

const view = new ImageView($('image'), $('hover'), addRoi);
// A dashboard with a token is opened as http://HOST:PORT/?token=...; the WebSocket
// passes it on (calmond's cookie would do too).
const token = new URLSearchParams(location.search).get('token');
const connection = new Connection(`ws://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`, {
  onOpen,
  onClose: () => {
    stats.connected = false;
    showBanner('calmond is not reachable — reconnecting…');
  },
  onMessage,
});

function onOpen() {
  stats.connected = true;
  lastStatusTime = performance.now();
  updateBanner();
  connection.request({ rois: {} }).then((reply) => reply.ok && setRois(reply.rois));
  connection.request({ status: {} }).then((reply) => reply.ok && setStatus(reply.status, null));
  connection.request({ projections: {} }).then((reply) => {
    if (reply.ok && reply.projections?.images?.length && view.images.size === 0) showImages(reply.projections.images);
  });
}

function onMessage(message) {
  switch (message.type) {
    case 'traces':
      stats.traceBatches += 1;
      stats.dropped += message.dropped;
      const sessions = store.sessions;
      for (const update of message.updates) store.add(update);
      if (store.sessions !== sessions) {
        showBanner('a new session started in calmond (its frame numbers began again): the traces start over', 'info', 6000);
      }
      lastTraceTime = performance.now();
      dirty = true;
      break;
    case 'images': showImages(message.images); break;
    case 'rois': setRois(message.data); break;
    case 'status': setStatus(message.data, message.browsers); break;
    default: break;
  }
}

function showImages(images) {
  stats.images += 1;
  view.setImages(images);
  const select = $('image-name');
  const names = [...view.images.keys()];
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map((name) => new Option(name, name, false, name === view.name)));
  }
}

function setRois(info) {
  rois = info.rois ?? [];
  store.setRoiSet(info);
  keys = rois.map((roi, i) => roiKey(roi, info.version ?? 0, i));
  for (const key of keys) if (!colorNumbers.has(key)) colorNumbers.set(key, colorNumbers.size);
  const present = new Set(keys);
  selected = selectionMade ? new Set([...selected].filter((key) => present.has(key))) : new Set(keys.slice(0, 3));
  view.rois = rois;
  view.colors = keys.map(colorFor);
  view.selected = new Set(keys.flatMap((key, i) => (selected.has(key) ? [i] : [])));
  view.draw();
  renderRoiList();
  dirty = true;
}

function colorFor(key) {
  return colorOf(colorNumbers.get(key) ?? 0);
}

// ---- ROI editing: one edit at a time, the others' baselines and history kept ----

async function edit(request, why) {
  const reply = await connection.request(request);
  if (!reply.ok) showBanner(`${why} failed: ${reply.error}`, 'info', 5000);
  else setRois(reply.rois);
  return reply;
}

function addRoi(region) {
  const names = new Set(rois.map((roi) => roi.name));
  let n = rois.length + 1;
  while (names.has(`roi${n}`)) n += 1;
  edit({ add_rois: { rois: [{ name: `roi${n}`, region }] } }, 'adding an ROI').then((reply) => {
    if (!reply.ok) return;
    const added = reply.rois.rois?.findIndex((roi) => roi.name === `roi${n}`) ?? -1;
    if (added >= 0) select(keys[added], true);
  });
}

function renameRoi(index, name) {
  edit({ update_roi: { id: rois[index].id, new_name: name } }, 'renaming');
}

function deleteRoi(index) {
  edit({ remove_rois: { ids: [rois[index].id] } }, 'deleting');
}

function select(key, on) {
  selectionMade = true;
  if (on) selected.add(key); else selected.delete(key);
  setRois({ version: store.version, rois });
}

function renderRoiList() {
  const rows = rois.map((roi, i) => {
    const row = document.createElement('div');
    const key = keys[i];
    row.className = `roi${selected.has(key) ? ' selected' : ''}`;
    row.dataset.name = roi.name;
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colorFor(key);
    const check = Object.assign(document.createElement('input'), { type: 'checkbox', checked: selected.has(key) });
    check.addEventListener('change', () => select(key, check.checked));
    const name = Object.assign(document.createElement('input'), { type: 'text', value: roi.name });
    name.addEventListener('change', () => renameRoi(i, name.value));
    const remove = Object.assign(document.createElement('button'), { type: 'button', textContent: 'delete' });
    remove.addEventListener('click', () => deleteRoi(i));
    const info = Object.assign(document.createElement('span'), {
      className: 'info', textContent: `${roi.baseline ?? ''}; neuropil ${roi.neuropil_source ?? ''}` });
    row.append(swatch, check, name, remove, info);
    return row;
  });
  $('roi-list').replaceChildren(...rows);
}

// ---- status and banner ----

function setStatus(status, browsers) {
  stats.statuses += 1;
  stats.lastStatus = status;
  stats.recentStatuses = [...stats.recentStatuses.slice(-9), status];
  lastStatusTime = performance.now();
  const rejected = Object.values(status.rejected ?? {}).reduce((a, b) => a + Number(b), 0);
  const parts = [
    `${Number(status.frame_rate_hz).toFixed(1)} frames/s`,
    `received ${status.frames_received}`,
    `gaps ${status.gaps} (${status.missing_frames} missing)`,
    `rejected ${rejected}`,
    `latency p50 ${Number(status.latency_p50_us).toFixed(0)} µs, max ${Number(status.latency_max_us).toFixed(0)} µs`,
    ...(lagText(status) ? [lagText(status)] : []),
    ...(Number(status.ingest_queue_frames ?? 0) > 0 ? [`queued ${status.ingest_queue_frames} frames`] : []),
    `subscribers ${status.subscribers}${browsers !== null ? `, browsers ${browsers}` : ''}`,
  ];
  if (status.motion) parts.push(motionText(status.motion));
  if (stats.dropped) parts.push(`dropped batches ${stats.dropped}`);
  $('status').textContent = parts.join(' · ');
  $('status').title = $('status').textContent;
  updateBanner();
}

// Status.motion (MotionStatus), with motion correction on: the reference, then the last
// interval's largest shifts and the session's failed frames.
function motionText(motion) {
  if (!motion.reference_ready) return `motion: building the reference from ${motion.reference_frames ?? 0} frames`;
  const px = (v) => Number(v ?? 0).toFixed(1);
  return `motion |dy| ≤ ${px(motion.max_abs_dy)}, |dx| ≤ ${px(motion.max_abs_dx)} px, ` +
         `${motion.frames_failed ?? 0} failed`;
}

let bannerUntil = 0;
function showBanner(text, kind = '', ms = 0) {
  const banner = $('banner');
  banner.textContent = text;
  banner.className = `banner ${kind}`;
  banner.hidden = false;
  bannerUntil = ms ? performance.now() + ms : 0;
}

// Alarms (no calmond, no status, falling behind) take the banner at once; a message
// shown for a while (an edit refused, a file's warnings) keeps it from the quieter states.
function updateBanner() {
  const status = stats.lastStatus;
  const now = performance.now();
  if (!stats.connected) return showBanner('calmond is not reachable — reconnecting…');
  if (now - lastStatusTime > 5000) return showBanner('no status from calmond for 5 s — is it stuck?');
  const behind = fallingBehind(stats.recentStatuses);
  if (behind) return showBanner(behind);
  if (bannerUntil && now < bannerUntil) return;
  if (status && !status.streaming) {
    return showBanner(Number(status.frames_received) > 0 ? 'the stream stopped: no frames are coming in'
                                                         : 'waiting for frames…', 'info');
  }
  if (status?.streaming && lastTraceTime && now - lastTraceTime > 3000) {
    return showBanner('the stream stalled: no frames for 3 s', 'info');
  }
  $('banner').hidden = true;
}
setInterval(updateBanner, 1000);

// ---- drawing ----

function render() {
  if (dirty) {
    dirty = false;
    const axis = store.axis();
    const { x } = axis;
    const f = [];
    const f0 = [];
    const dff = [];
    for (const key of keys.filter((k) => selected.has(k) && store.seriesOf(k))) {
      const s = store.seriesOf(key);
      const color = colorFor(key);
      f.push({ x, y: s.f, color }, { x, y: s.fneu, color, dash: [4, 3] });
      f0.push({ x, y: s.fcorr, color }, { x, y: s.f0, color, dash: [4, 3] }, { x, y: store.settledF0(key), color, dash: [1, 2] });
      dff.push({ x, y: s.dff, color });
    }
    drawLines($('plot-f'), f, [], axis);
    drawLines($('plot-f0'), f0, [], axis);
    drawLines($('plot-dff'), dff, [], axis);
    drawRaster($('raster'), keys.flatMap((key) => (store.seriesOf(key) ? [store.seriesOf(key).dff.slice(-600)] : [])));
    // Only with motion correction on calmond: the shifts on the traces' time axis.
    $('motion-panel').hidden = !store.hasMotion;
    if (store.hasMotion) {
      drawLines($('plot-motion'), [{ x, y: store.motion.dy, color: colorOf(0) },
                                   { x, y: store.motion.dx, color: colorOf(1), dash: [4, 3] }],
                store.failedFrames(x), axis);
      stats.motionPlots += 1;
    }
  }
  requestAnimationFrame(render);
}
requestAnimationFrame(render);

// Hovering a plot names the frame under the pointer: its index and, when known, its time.
function frameUnder(canvas, clientX) {
  const scale = canvas.xScale;
  if (!scale) return '';
  const box = canvas.getBoundingClientRect();
  const pixel = ((clientX - box.left) / box.width) * canvas.width;
  const k = store.nearest(scale.low + ((pixel - scale.left) / (scale.right - scale.left)) * (scale.high - scale.low));
  if (k < 0) return '';
  const time = store.times[k];
  return `frame ${store.frames[k]}` + (Number.isFinite(time) ? ` · ${time.toFixed(3)} s` : '');
}
for (const id of ['plot-f', 'plot-f0', 'plot-dff', 'plot-motion']) {
  $(id).addEventListener('mousemove', (e) => { $(id).title = frameUnder($(id), e.clientX); });
}

// ---- the ROI set to and from files ----

// What calmond could not carry over (a mask's weights in a RoiSet.zip, a stat.npy
// without iscell.npy) is said, not hidden.
function showWarnings(reply) {
  if (reply.warnings?.length) showBanner(reply.warnings.join(' · '), 'info', 8000);
}

for (const format of ['json', 'zip']) {
  $(`rois-download-${format}`).addEventListener('click', async () => {
    const reply = await downloadRois(connection, format);
    if (!reply.ok) showBanner(`saving the ROI set failed: ${reply.error}`, 'info', 5000);
    else showWarnings(reply);
  });
}
$('rois-upload').addEventListener('change', async (e) => {
  const files = [...e.target.files];
  e.target.value = '';  // the same file chosen again is a change too
  const reply = await uploadRois(connection, files);
  if (!reply.ok) {
    showBanner(`loading ROIs failed: ${reply.error}`, 'info', 8000);
    return;
  }
  setRois(reply.rois);
  const names = files.map((file) => file.name).join(', ');
  showBanner([`${reply.rois.rois?.length ?? 0} ROIs from ${names}: a new ROI set, so every baseline starts over`,
              ...(reply.warnings ?? [])].join(' · '), 'info', 8000);
});

// ---- image controls ----

$('image-name').addEventListener('change', (e) => { view.name = e.target.value; view.draw(); });
$('contrast-low').addEventListener('input', (e) => { view.low = e.target.value / 1000; view.draw(); });
$('contrast-high').addEventListener('input', (e) => { view.high = e.target.value / 1000; view.draw(); });
$('contrast-auto').addEventListener('click', () => {
  view.low = 0;
  view.high = 1;
  $('contrast-low').value = 0;
  $('contrast-high').value = 1000;
  view.draw();
});

// For tests and the curious: the page's state.
window.calmon = { store, view, stats, rois: () => rois, keys: () => keys, selected: () => selected, receive: onMessage };
