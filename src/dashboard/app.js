// app.js — the dashboard page: wires the connection to calmond, the trace store, the
// image panel, the plots, the ROI list, the raster, the exports and the status line.
//
// Editing ROIs sends one edit to calmond — add_rois, update_roi (a new name) or
// remove_rois, the control API's requests — so every other ROI keeps its baseline and
// the page keeps its history (kept per ROI id, trace_store.js). The selection and each
// ROI's colour follow its id through edits. A new ROI takes the analysis config's
// neuropil and baseline. The plots show a window of time (30 s, 2 min, 10 min or the
// whole session): the live frames the page keeps (about 2 minutes) and, before them,
// calmond's history of the session, asked for when the page connects, when the window
// changes and when a session starts, at one point per pixel of the plots (a calmond
// that says nothing of sessions has no history, and is not asked). A session is never
// joined to another: a new one starts the plots again, and the session menu shows an
// earlier one calmond still holds, from its history. Drawing is done at most once per
// animation frame, only when something changed.

import { Connection } from './connection.js';
import { roiColor } from './colors.js';
import { download, tableToCsv, tableToNpy, traceTable } from './exports.js';
import { ImageView } from './image_view.js';
import { fallingBehind, lagText } from './overload.js';
import { drawLines, drawRaster, linesToSvg, tickLabel } from './plots.js';
import { RoiList } from './roi_list.js';
import { downloadRois, uploadRois } from './roi_files.js';
import { decodeHistory, historyPoints, roiKey, TraceStore } from './trace_store.js';

const $ = (id) => document.getElementById(id);
const store = new TraceStore(3600);
const stats = { traceBatches: 0, images: 0, statuses: 0, dropped: 0, connected: false, lastStatus: null,
                recentStatuses: [], motionPlots: 0, animationFrames: 0, renders: 0, histories: 0, historyRequests: 0, renderMs: [] };
let rois = [];
let keys = [];  // each ROI's history key (trace_store.js), in the order of `rois`
let selected = new Set();  // history keys
let selectionMade = false;  // until the user picks, the first three ROIs are shown
const colorNumbers = new Map();  // history key -> colour, given in the order ROIs appear
let lastStatusTime = 0;
let lastTraceTime = 0;
let dirty = true;
const settings = { window: 120, mode: 'overlay', rasterLow: -0.2, rasterHigh: 1, rasterSort: 'name' };
let historySupported = false;  // calmond sends sessions (and so answers history requests)
let historyId = 0;
let viewing = null;  // null: the live session; else an earlier session's history (decodeHistory)
let viewingSession = '';  // the session chosen in the menu ('' live)
let knownSessions = [];

const view = new ImageView($('image'), $('hover'), { onAddRoi: addRoi, onSelect: selectFromImage });
const list = new RoiList($('roi-list'), {
  onToggle: (key, on) => select(key, on),
  onOnly: (key) => selectOnly(key),
  onRename: (key, name) => renameRoi(keys.indexOf(key), name),
  onDelete: (key) => deleteRoi(keys.indexOf(key)),
}, (key) => store.summary(key));
// A dashboard with a token is opened as http://HOST:PORT/?token=...; the WebSocket
// passes it on (calmond's cookie would do too).
const token = new URLSearchParams(location.search).get('token');
const connection = new Connection(`ws://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`, {
  onOpen,
  onClose: () => {
    stats.connected = false;
    historySupported = false;  // the next calmond may be another
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

// A message carrying a session says calmond keeps history: ask for it the first time.
function sawSession(session) {
  if (session === undefined || historySupported) return;
  historySupported = true;
  requestHistory();
}

function onMessage(message) {
  switch (message.type) {
    case 'traces': {
      stats.traceBatches += 1;
      stats.dropped += message.dropped;
      const sessions = store.sessions;
      for (const update of message.updates) {
        store.add(update);
        sawSession(update.session);
      }
      if (store.sessions !== sessions) {
        showBanner('a new session started in calmond: the traces start over (the session menu shows the last one)',
                   'info', 6000);
        requestHistory();
      }
      lastTraceTime = performance.now();
      dirty = true;
      break;
    }
    case 'history': onHistory(message); break;
    case 'images': showImages(message.images); break;
    case 'rois': setRois(message.data); break;
    case 'status': setStatus(message.data, message.browsers); break;
    default: break;
  }
}

// ---- history ----

function frameRate() {
  return Number(stats.lastStatus?.frame_rate_hz) || 30;
}

// Asks calmond for the shown session's history over the window, one point per pixel.
function requestHistory() {
  if (!historySupported) return;
  historyId += 1;
  const last = store.frames.at(-1) ?? 0;
  const first = settings.window === Infinity || viewingSession ? 0
    : Math.max(0, Math.floor(last - settings.window * frameRate()));
  const request = { id: historyId, session: viewingSession ? Number(viewingSession) : 0, first_frame: first,
                    last_frame: -1, points: $('plot-dff').width, roi_ids: [],
                    traces: ['dff', 'f', 'fneu', 'fcorr', 'f0', 'f0_settled'] };
  if (connection.send({ history: request })) stats.historyRequests += 1;
}

function onHistory(answer) {
  if (Number(answer.id ?? 0) !== historyId) return;  // an answer to an older request (a uint64 may come as text)
  stats.histories += 1;
  stats.historyReceivedAt = connection.receivedAt;  // its load time, to the plots drawn, is kept by render()
  if (answer.error) {
    showBanner(`calmond's history: ${answer.error}`, 'info', 5000);
    return;
  }
  const history = decodeHistory(answer);
  knownSessions = history.sessions;
  updateSessionMenu();
  if (viewingSession && history.session === viewingSession && history.session !== store.session) viewing = history;
  else store.setHistory(history);
  dirty = true;
}

function updateSessionMenu() {
  const menu = $('session');
  const options = [new Option('live', '', false, viewingSession === '')];
  for (const session of knownSessions) {
    if (session === store.session) continue;
    options.push(new Option(`session ${session} (history)`, session, false, session === viewingSession));
  }
  if (menu.options.length !== options.length || [...menu.options].some((o, i) => o.value !== options[i].value)) {
    menu.replaceChildren(...options);
  }
}

$('session').addEventListener('change', (e) => {
  viewingSession = e.target.value;
  viewing = null;
  requestHistory();
  dirty = true;
});

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
  if (info.session !== undefined && info.session !== '0') sawSession(info.session);
  keys = rois.map((roi, i) => roiKey(roi, info.version ?? 0, i));
  for (const key of keys) if (!colorNumbers.has(key)) colorNumbers.set(key, colorNumbers.size);
  const present = new Set(keys);
  const kept = new Set([...selected].filter((key) => present.has(key)));
  // Until the user picks, and when a new set has none of the selected ROIs: its first three.
  selected = !selectionMade || (selected.size > 0 && kept.size === 0) ? new Set(keys.slice(0, 3)) : kept;
  showSelection();
  list.set(rois, keys, keys.map(colorFor), selected);
  $('roi-count').textContent = `${rois.length} ROIs`;
}

// The selection, shown wherever ROIs are.
function showSelection(rebuildList = false) {
  const colors = keys.map(colorFor);
  view.setRois(rois, colors, new Set(keys.flatMap((key, i) => (selected.has(key) ? [i] : []))));
  if (rebuildList) list.set(rois, keys, colors, selected);
  dirty = true;
}

function colorFor(key) {
  return roiColor(colorNumbers.get(key) ?? 0);
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
  if (index < 0) return;
  edit({ update_roi: { id: rois[index].id, new_name: name } }, 'renaming');
}

function deleteRoi(index) {
  if (index < 0) return;
  edit({ remove_rois: { ids: [rois[index].id] } }, 'deleting');
}

function select(key, on) {
  selectionMade = true;
  if (on) selected.add(key); else selected.delete(key);
  showSelection(true);
}

function selectOnly(key) {
  selectionMade = true;
  selected = new Set([key]);
  showSelection(true);
}

// A click on an ROI in the image (or the raster) selects it; with shift, adds it or takes it away.
function selectFromImage(index, add) {
  const key = keys[index];
  if (add) select(key, !selected.has(key));
  else selectOnly(key);
  list.showRoi(index);
}

$('roi-filter').addEventListener('input', (e) => list.setFilter(e.target.value));
$('roi-all').addEventListener('click', () => {
  selectionMade = true;
  selected = new Set(list.order.map((i) => keys[i]));
  showSelection(true);
});
$('roi-none').addEventListener('click', () => {
  selectionMade = true;
  selected = new Set();
  showSelection(true);
});
$('roi-sort').addEventListener('change', (e) => list.setSort(e.target.value));
setInterval(() => list.refresh(), 250);

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
    ...(store.session ? [`session ${store.session}`] : []),
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

// Where the window starts on the plots' x axis (-Infinity: the whole session).
function windowStart() {
  if (viewing || settings.window === Infinity) return -Infinity;
  const last = store.lastX();
  if (!Number.isFinite(last)) return -Infinity;
  return last - (store.hasTime ? settings.window : settings.window * frameRate());
}

function shownKeys() {
  return keys.filter((key) => selected.has(key));
}

const MAX_F_PLOTS = 40;  // the F and F0 plots show the first 40 selected ROIs; ΔF/F₀ shows them all

// The plots' series for the selected ROIs, from `from` on: {f, f0, dff, unit}.
function plotSeries(from) {
  const timed = viewing ? viewing.times.some(Number.isFinite) : store.hasTime;
  const stacked = settings.mode === 'stacked';
  const out = { f: [], f0: [], dff: [], unit: timed ? 's' : 'frame' };
  shownKeys().forEach((key, lane) => {
    const color = colorFor(key);
    const name = rois[keys.indexOf(key)]?.name ?? key;
    const get = (trace) => (viewing ? historyPoints(viewing, key, trace === 'settled' ? 'f0_settled' : trace, { timed })
                                    : store.points(key, trace, from));
    const series = (trace, dash) => ({ ...get(trace), color, dash, lane: stacked ? lane : 0, name });
    if (lane < MAX_F_PLOTS) {
      out.f.push(series('f'), series('fneu', [4, 3]));
      out.f0.push(series('fcorr'), series('f0', [4, 3]), series('settled', [1, 2]));
    }
    out.dff.push(series('dff'));
  });
  return out;
}

// The window on the x axis: from `from` (or the session's first frame, if later) to the newest frame.
function plotOptions(from, count) {
  const last = viewing ? NaN : store.lastX();
  const first = store.firstX();
  const start = Math.max(from, Number.isFinite(first) ? first : from);
  const xRange = Number.isFinite(start) && Number.isFinite(last) && last > start ? [start, last] : null;
  return { xRange, lanes: settings.mode === 'stacked' ? Math.max(1, count) : 0 };
}

// The raster's rows: every ROI's ΔF/F₀ over the window in `columns` columns (each the
// highest value of its frames), in the chosen order.
let rasterRows = [];
let rasterLayout = null;
function rasterData(from, columns) {
  const timed = viewing ? viewing.times.some(Number.isFinite) : store.hasTime;
  const last = viewing ? Infinity : store.lastX();
  const rows = keys.map((key, i) => {
    const { x, y, start = 0 } = viewing ? historyPoints(viewing, key, 'dff', { timed }) : store.points(key, 'dff', from);
    return { key, name: rois[i].name ?? key, color: colorFor(key), x, y, start };
  });
  const first = viewing ? NaN : store.firstX();
  let low = Number.isFinite(from) ? Math.max(from, Number.isFinite(first) ? first : from) : Infinity;
  let high = Number.isFinite(last) ? last : -Infinity;
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    for (const row of rows) {
      for (let k = row.start; k < row.x.length; k += 1) {
        if (Number.isFinite(row.x[k])) { low = Math.min(low, row.x[k]); high = Math.max(high, row.x[k]); }
      }
    }
  }
  const span = high - low;
  // No more columns than points: a short session's frames are widened, not striped with gaps.
  let points = 1;
  for (const row of rows) {
    let n = 0;
    for (let k = row.start; k < row.x.length; k += 1) if (row.x[k] >= low && row.x[k] <= high) n += 1;
    points = Math.max(points, n);
  }
  columns = Math.min(columns, points);
  for (const row of rows) {
    const values = new Array(columns).fill(NaN);
    for (let k = row.start; k < row.x.length; k += 1) {
      const x = row.x[k];
      const c = span > 0 ? Math.min(columns - 1, Math.floor(((x - low) / span) * columns)) : columns - 1;
      const v = row.y[k];
      if (c >= 0 && Number.isFinite(v) && !(values[c] >= v)) values[c] = v;
    }
    row.values = values;
    let peak = -Infinity;
    for (const v of values) if (v > peak) peak = v;
    row.activity = peak;
  }
  if (settings.rasterSort === 'activity') rows.sort((a, b) => b.activity - a.activity);
  rows.x = [low, high];
  rows.unit = timed ? 's' : 'frame';
  return rows;
}

let lastRaster = 0;
let rasterDue = true;  // the plots changed since the raster was last drawn
let lastRenderedUpdates = 0;
function render(now) {
  stats.animationFrames += 1;
  $('zoom-level').textContent = `${view.zoom}×`;
  if (dirty) {
    const started = performance.now();
    dirty = false;
    stats.renders += 1;
    stats.shownUpdates = store.updates;
    lastRenderedUpdates = store.updates;
    const from = windowStart();
    const { f, f0, dff, unit } = plotSeries(from);
    const axis = { unit };
    const count = Math.min(shownKeys().length, MAX_F_PLOTS);
    drawLines($('plot-f'), f, [], axis, plotOptions(from, count));
    drawLines($('plot-f0'), f0, [], axis, plotOptions(from, count));
    drawLines($('plot-dff'), dff, [], axis, plotOptions(from, shownKeys().length));
    rasterDue = true;
    // Only with motion correction on calmond: the shifts on the traces' time axis.
    $('motion-panel').hidden = !store.hasMotion || Boolean(viewing);
    if (store.hasMotion && !viewing) {
      const { x, breaks } = store.axis();
      drawLines($('plot-motion'), [{ x, y: store.motion.dy, color: roiColor(0), breaks },
                                   { x, y: store.motion.dx, color: roiColor(1), dash: [4, 3], breaks }],
                store.failedFrames(x), axis, plotOptions(from, 0));
      stats.motionPlots += 1;
    }
    stats.renderMs = [...stats.renderMs.slice(-99), performance.now() - started];
  }
  // The raster (every ROI) at most 5 times a second, after the plots it summarises.
  if (rasterDue && now - lastRaster > 200) {
    rasterDue = false;
    lastRaster = now;
    const canvas = $('raster');
    rasterRows = rasterData(windowStart(), Math.max(1, Math.min(600, canvas.width - 114)));
    rasterLayout = drawRaster(canvas, rasterRows, { low: settings.rasterLow, high: settings.rasterHigh,
                                                    x: rasterRows.x, unit: rasterRows.unit });
  }
  if (stats.historyReceivedAt && !dirty && !rasterDue) {  // a history answer received, parsed, merged and drawn
    stats.historyLoadMs = performance.now() - stats.historyReceivedAt;
    stats.historyReceivedAt = 0;
  }
  requestAnimationFrame(render);
}
requestAnimationFrame(render);

// Hovering a plot names the frame under the pointer — its index and, when known, its
// time — and the value of the selected ROI nearest the pointer.
function frameUnder(canvas, clientX) {
  const scale = canvas.xScale;
  if (!scale) return -1;
  const box = canvas.getBoundingClientRect();
  const pixel = ((clientX - box.left) / box.width) * canvas.width;
  return store.nearest(scale.low + ((pixel - scale.left) / (scale.right - scale.left)) * (scale.high - scale.low));
}

function frameText(k) {
  const time = store.times[k];
  return `frame ${store.frames[k]}` + (Number.isFinite(time) ? ` · ${time.toFixed(3)} s` : '');
}

const HOVER_TRACE = { 'plot-f': ['f', 'F'], 'plot-f0': ['fcorr', 'Fcorr'], 'plot-dff': ['dff', 'ΔF/F₀'] };
for (const id of ['plot-f', 'plot-f0', 'plot-dff', 'plot-motion']) {
  $(id).addEventListener('mousemove', (e) => {
    const canvas = $(id);
    const k = viewing ? -1 : frameUnder(canvas, e.clientX);
    if (k < 0) {
      canvas.title = '';
      return;
    }
    canvas.title = frameText(k);
    let text = canvas.title;
    const [trace, label] = HOVER_TRACE[id] ?? [];
    const shown = shownKeys().slice(0, id === 'plot-dff' ? Infinity : MAX_F_PLOTS);
    if (trace && shown.length) {
      const box = canvas.getBoundingClientRect();
      const py = ((e.clientY - box.top) / box.height) * canvas.height;
      const y = canvas.yScale;
      let best = null;
      if (settings.mode === 'stacked') {
        const lane = Math.floor(((py - y.top) / (y.bottom - y.top)) * shown.length);
        if (lane >= 0 && lane < shown.length) best = shown[lane];
      } else {
        const target = y.low + ((y.bottom - py) / (y.bottom - y.top)) * (y.high - y.low);
        let distance = Infinity;
        for (const key of shown) {
          const v = store.seriesOf(key)?.[trace][k];
          if (Number.isFinite(v) && Math.abs(v - target) < distance) { distance = Math.abs(v - target); best = key; }
        }
      }
      if (best) {
        const value = store.seriesOf(best)?.[trace][k];
        text += ` · ${rois[keys.indexOf(best)]?.name} ${label} ${Number.isFinite(value) ? value.toPrecision(4) : value}`;
      }
    }
    $('plot-hover').textContent = text;
  });
}

// A click on a raster row selects its ROI (shift: adds it).
$('raster').addEventListener('click', (e) => {
  if (!rasterLayout || !rasterLayout.rows) return;
  const canvas = $('raster');
  const box = canvas.getBoundingClientRect();
  const y = ((e.clientY - box.top) / box.height) * canvas.height;
  const row = Math.floor((y - rasterLayout.top) / rasterLayout.rowHeight);
  if (row < 0 || row >= rasterRows.length) return;
  selectFromImage(keys.indexOf(rasterRows[row].key), e.shiftKey);
});

// ---- trace controls and exports ----

$('window').addEventListener('change', (e) => {
  settings.window = e.target.value === 'all' ? Infinity : Number(e.target.value);
  requestHistory();
  dirty = true;
});
$('plot-mode').addEventListener('change', (e) => { settings.mode = e.target.value; dirty = true; });
$('raster-low').addEventListener('input', (e) => { settings.rasterLow = Number(e.target.value); dirty = true; });
$('raster-high').addEventListener('input', (e) => { settings.rasterHigh = Number(e.target.value); dirty = true; });
$('raster-sort').addEventListener('change', (e) => { settings.rasterSort = e.target.value; dirty = true; });

function selection() {
  return shownKeys().map((key) => ({ key, name: rois[keys.indexOf(key)]?.name ?? key }));
}

function stamp() {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

$('export-csv').addEventListener('click', () => {
  download(`calmon-traces-${stamp()}.csv`, tableToCsv(traceTable(store, selection(), windowStart())), 'text/csv');
});
$('export-npy').addEventListener('click', () => {
  download(`calmon-traces-${stamp()}.npy`, tableToNpy(traceTable(store, selection(), windowStart())));
});

const FIGURE = [['plot-f', 'F (solid) and Fneu (dashed)'], ['plot-f0', 'Fcorr, F0 live (dashed) and settled (dotted)'],
                ['plot-dff', 'ΔF/F₀'], ['raster', 'ΔF/F₀ of all ROIs']];

// The figure: the trace plots and the raster, one under the other, each with its title.
$('export-png').addEventListener('click', () => {
  const width = Math.max(...FIGURE.map(([id]) => $(id).width));
  const height = FIGURE.reduce((sum, [id]) => sum + $(id).height + 18, 0);
  const figure = new OffscreenCanvas(width, height);
  const ctx = figure.getContext('2d');
  ctx.fillStyle = '#111418';
  ctx.fillRect(0, 0, width, height);
  ctx.font = '12px system-ui, sans-serif';
  let y = 0;
  for (const [id, title] of FIGURE) {
    ctx.fillStyle = '#9aa7b4';
    ctx.fillText(title, 4, y + 13);
    ctx.drawImage($(id), 0, y + 18);
    y += $(id).height + 18;
  }
  figure.convertToBlob({ type: 'image/png' }).then((blob) => download(`calmon-figure-${stamp()}.png`, blob));
});

$('export-svg').addEventListener('click', () => {
  const from = windowStart();
  const { f, f0, dff, unit } = plotSeries(from);
  const count = Math.min(shownKeys().length, MAX_F_PLOTS);
  const parts = [[f, FIGURE[0][1], count], [f0, FIGURE[1][1], count], [dff, FIGURE[2][1], shownKeys().length]];
  let y = 0;
  const body = parts.map(([series, title, lanes], i) => {
    const canvas = $(FIGURE[i][0]);
    const svg = linesToSvg(series, { unit }, { width: canvas.width, height: canvas.height, title,
                                               ...plotOptions(from, lanes) });
    const nested = svg.replace('<svg ', `<svg y="${y}" `);
    y += canvas.height + 16;
    return nested;
  });
  const width = $('plot-dff').width;
  const text = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}">\n${body.join('\n')}\n</svg>\n`;
  download(`calmon-figure-${stamp()}.svg`, text, 'image/svg+xml');
});

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

$('image-name').addEventListener('change', (e) => view.show(e.target.value));
$('colormap').addEventListener('change', (e) => view.setColormap(e.target.value));
const contrast = () => view.setContrast(Number($('contrast-low').value), Number($('contrast-high').value));
$('contrast-low').addEventListener('input', contrast);
$('contrast-high').addEventListener('input', contrast);
$('contrast-auto').addEventListener('click', () => {
  $('contrast-low').value = 0.5;
  $('contrast-high').value = 99.5;
  contrast();
});
$('zoom-in').addEventListener('click', () => view.zoomStep(1));
$('zoom-out').addEventListener('click', () => view.zoomStep(-1));
$('zoom-fit').addEventListener('click', () => view.fit());
for (const layer of ['outlines', 'labels', 'neuropil']) {
  $(`layer-${layer}`).addEventListener('change', (e) => view.setLayer(layer, e.target.checked));
}

// For tests and the curious: the page's state.
window.calmon = { store, view, list, stats, settings, rois: () => rois, keys: () => keys, selected: () => selected,
                  receive: onMessage, viewing: () => viewing, redraw: () => { dirty = true; }, historySupported: () => historySupported,
                  tickLabel };
