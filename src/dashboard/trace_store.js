// trace_store.js — the recent history of every ROI's traces, from TraceUpdate batches,
// and the older history calmond sends on request (decimated to what a plot can show).
//
// Keeps the last `capacity` frames in plain arrays (F, Fneu, Fcorr, live F0, ΔF/F₀ per
// ROI) and the settled F0 by frame index as it arrives (w//2 frames late). An update's
// values are in the order of its ROI-set version; the version's RoiSetInfo (setRoiSet)
// says which ROI each position is, by the ROI's id. History is kept per ROI id, so an
// edit of the set — an ROI added, renamed or removed — keeps every other ROI's history:
// a new ROI's traces start where it was added (NaN before), a removed ROI's history goes.
// A version whose ROIs are not known has its own keys. A new session — TraceUpdate.session
// changes, or (from a calmond that sends no session) the frame index starts again —
// starts the history again: two sessions are never joined. With motion correction on
// calmond, each frame's shift (TraceUpdate.motion: dy, dx, px) and failure code
// (0 registered) are kept beside `frames` too; `hasMotion` says whether any came since
// the history last started. So is each frame's time in seconds (TraceUpdate.time_s, NaN
// where calmond knows none) and whether frames went missing just before it: the plots'
// time axis is seconds when the frames have times (frames otherwise), and a line never
// joins across missing frames. Each ROI's peak ΔF/F₀ since its traces began in the
// session is kept as the updates come (the ROI list sorts by it).
//
// calmond's history answer (setHistory: one session, buckets of frames with each
// series' min and max) covers what came before the live frames; points() joins the two
// for a plot, the history up to the first live frame, the live frames after it.

import { decodeBase64 } from './base64.js';

export { decodeBase64 };

const num = (v) => (v === undefined ? NaN : Number(v));  // protobuf JSON: "NaN", int64 as text
const TRACES = ['f', 'fneu', 'fcorr', 'f0', 'dff'];

// The key an ROI's history is kept under: its id, or (from a calmond that gives no ids)
// its version and position.
export function roiKey(roi, version, position) {
  return roi?.id !== undefined ? `id${roi.id}` : `v${version}#${position}`;
}

// calmond's history answer (a "history" message), decoded: the buckets' first frames,
// times and gaps, and per ROI key and trace the min and max of each bucket.
export function decodeHistory(answer) {
  const series = new Map();
  for (const s of answer.series ?? []) {
    const key = roiKey({ id: s.roi_id ?? 0 });
    if (!series.has(key)) series.set(key, { name: s.name ?? '', traces: {} });
    series.get(key).traces[s.trace ?? 'dff'] = { min: decodeBase64(s.min, Float32Array),
                                                 max: decodeBase64(s.max, Float32Array) };
  }
  return {
    id: Number(answer.id ?? 0),
    session: String(answer.session ?? 0),
    sessions: (answer.sessions ?? []).map(String),
    firstFrame: num(answer.first_frame ?? 0),
    lastFrame: num(answer.last_frame ?? 0),
    bucketFrames: num(answer.bucket_frames ?? 1),
    frames: decodeBase64(answer.frame_index, Float64Array),
    times: decodeBase64(answer.time_s, Float64Array),
    gapBefore: decodeBase64(answer.gap_before, Uint8Array),
    series,
    error: answer.error ?? '',
  };
}

// The first position of sorted `xs` (NaN skipped at the start) whose value is >= x.
function lowerBound(xs, x) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (!(xs[mid] >= x) && !(Number.isNaN(xs[mid]) && mid > 0 && xs[mid - 1] >= x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// A history's points for one ROI key and trace, on the seconds axis (`timed`) or frames,
// from `fromX` on and before frame `beforeFrame`: {x, y, breaks}. A bucket of several
// frames is two points at its x, its min then its max, so that a line through them
// covers the bucket's range.
export function historyPoints(history, key, trace, { timed, fromX = -Infinity, beforeFrame = Infinity } = {}) {
  const x = [];
  const y = [];
  const breaks = new Set();
  const values = history?.series.get(key)?.traces[trace];
  if (!values) return { x, y, breaks };
  for (let k = 0; k < history.frames.length; k += 1) {
    if (history.frames[k] >= beforeFrame) break;
    const at = timed ? history.times[k] : history.frames[k];
    if (!Number.isFinite(at) || at < fromX) continue;
    if (history.gapBefore[k]) breaks.add(x.length);
    const low = values.min[k];
    const high = values.max[k];
    x.push(at);
    y.push(low);
    if (high !== low && !(Number.isNaN(high) && Number.isNaN(low))) {
      x.push(at);
      y.push(high);
    }
  }
  return { x, y, breaks };
}

export class TraceStore {
  constructor(capacity = 1500) {
    this.capacity = capacity;
    this.version = -1;
    this.rois = 0;  // ROIs in the newest update
    this.updates = 0;
    this.versions = new Map();  // ROI-set version -> the keys of its ROIs, in order
    this.sessions = 0;  // new sessions seen after the first (the history started again)
    this.session = null;  // TraceUpdate.session of the current history, as text; null if calmond sends none
    this.history = null;  // calmond's history of the current session (decodeHistory), or null
    this.historyPeaks = new Map();
    this.clear();
  }

  clear() {
    this.frames = [];
    this.times = [];
    this.gapBefore = [];
    this.hasTime = false;  // until an update of this history carries a time
    this.motion = { dy: [], dx: [], failed: [] };
    this.hasMotion = false;  // until an update of this history carries motion
    this.series = new Map();  // ROI key -> { f, fneu, fcorr, f0, dff, settled: Map(frame -> f0), peak }
    this.history = null;
    this.historyPeaks = new Map();  // ROI key -> its highest ΔF/F₀ in the history
  }

  // The ROIs of a version (a RoiSetInfo as calmond publishes it).
  setRoiSet(info) {
    const version = info.version ?? 0;
    this.versions.set(version, (info.rois ?? []).map((roi, i) => roiKey(roi, version, i)));
    // Old versions are looked up only for settled rows, which come a baseline window late.
    while (this.versions.size > 64) this.versions.delete(this.versions.keys().next().value);
  }

  keysOf(version, count) {
    const keys = this.versions.get(version);
    if (keys && keys.length === count) return keys;
    return Array.from({ length: count }, (_, i) => roiKey(undefined, version, i));
  }

  // The history of the ROI under `key`; undefined if none is kept.
  seriesOf(key) {
    return this.series.get(key);
  }

  // An ROI's latest ΔF/F₀ (NaN before its first live frame) and its peak over the
  // session: the live frames' and, where calmond's history reaches back, the history's.
  summary(key) {
    const s = this.series.get(key);
    if (s) return { now: s.dff[s.dff.length - 1], peak: s.peak };  // the live peak includes the history's
    return { now: NaN, peak: this.historyPeaks.get(key) ?? NaN };  // a page opened after the frames
  }

  // Whether an update belongs to a session other than the current history's.
  newSession(update, frame, live) {
    if (update.session !== undefined) {
      const session = String(update.session);
      const changed = this.session !== null && session !== this.session;
      this.session = session;
      if (changed) return true;
      if (this.frames.length === 0) return false;
    }
    return live && this.frames.length > 0 && frame <= this.frames[this.frames.length - 1];
  }

  add(update) {
    const version = update.roi_set_version ?? 0;
    const frame = num(update.frame_index);
    const live = !update.settled_only && update.f && update.f.length > 0;
    if (this.newSession(update, frame, live)) {
      this.clear();
      this.sessions += 1;
      this.version = -1;
    }
    for (const settled of update.settled ?? []) {
      const keys = this.keysOf(settled.roi_set_version ?? 0, settled.f0.length);
      const at = num(settled.frame_index);
      settled.f0.forEach((value, i) => this.series.get(keys[i])?.settled.set(at, num(value)));
    }
    if (!live) return;
    this.updates += 1;
    const keys = this.keysOf(version, update.f.length);
    this.rois = keys.length;
    if (version !== this.version) {
      this.version = version;
      this.keepOnly(keys);
    }
    const length = this.frames.length;
    for (const key of keys) {
      if (!this.series.has(key)) {
        const before = () => new Array(length).fill(NaN);
        this.series.set(key, { f: before(), fneu: before(), fcorr: before(), f0: before(), dff: before(),
                               settled: new Map(), peak: NaN });
      }
    }
    this.frames.push(frame);
    if (update.time_s !== undefined) this.hasTime = true;
    this.times.push(num(update.time_s));
    this.gapBefore.push(num(update.missing_before ?? 0) > 0);
    // protobuf JSON leaves out zeros: a motion of {} is a registered frame not moved.
    const motion = update.motion;
    if (motion) this.hasMotion = true;
    this.motion.dy.push(motion ? num(motion.dy ?? 0) : NaN);
    this.motion.dx.push(motion ? num(motion.dx ?? 0) : NaN);
    this.motion.failed.push(motion ? num(motion.failed ?? 0) : 0);
    keys.forEach((key, i) => {
      const s = this.series.get(key);
      for (const trace of TRACES) s[trace].push(num(update[trace]?.[i]));
      const dff = s.dff[s.dff.length - 1];
      if (!(s.peak >= dff)) s.peak = Number.isNaN(s.peak) || dff > s.peak ? dff : s.peak;
    });
    // Old frames go a quarter of the capacity at a time: moving every array by one frame
    // at each update would cost as much as the rest of the page.
    const slack = Math.floor(this.capacity / 4);
    if (this.frames.length > this.capacity + slack) this.trim(this.frames.length - this.capacity);
  }

  // calmond's history answer (decoded or not). Kept when it is of the current session
  // (or the page has no session yet); returns whether it was.
  setHistory(answer) {
    const history = answer.frames ? answer : decodeHistory(answer);
    if (history.error) return false;
    if (this.session !== null && history.session !== this.session) return false;
    if (this.session === null && this.frames.length === 0) this.session = history.session;
    this.history = history;
    if (history.times.some(Number.isFinite)) this.hasTime = true;
    this.historyPeaks = new Map();
    for (const [key, { traces }] of history.series) {  // the ROI's peak over the whole session
      const max = traces.dff?.max;
      if (!max) continue;
      let peak = NaN;
      for (const v of max) if (v > peak || Number.isNaN(peak)) peak = v;
      this.historyPeaks.set(key, peak);
      const s = this.series.get(key);
      if (s && (Number.isNaN(s.peak) || peak > s.peak)) s.peak = peak;
    }
    return true;
  }

  // Forgets the ROIs a new version no longer has.
  keepOnly(keys) {
    const kept = new Set(keys);
    for (const key of [...this.series.keys()]) if (!kept.has(key)) this.series.delete(key);
  }

  trim(count) {
    const first = this.frames[count];
    this.frames.splice(0, count);
    this.times.splice(0, count);
    this.gapBefore.splice(0, count);
    for (const values of Object.values(this.motion)) values.splice(0, count);
    for (const s of this.series.values()) {
      for (const trace of TRACES) s[trace].splice(0, count);
      for (const frame of s.settled.keys()) if (frame < first) s.settled.delete(frame);
    }
  }

  // The plots' x axis: seconds when the frames have times, else frame indices; `breaks`
  // holds the positions after missing frames, where lines stop and start again.
  axis() {
    const breaks = new Set();
    this.gapBefore.forEach((gap, k) => { if (gap) breaks.add(k); });
    return { x: this.hasTime ? this.times : this.frames, unit: this.hasTime ? 's' : 'frame', breaks };
  }

  // The oldest x of the history or the live frames; NaN if none.
  firstX() {
    const h = this.history;
    const xs = h ? (this.hasTime ? h.times : h.frames) : [];
    for (const x of xs) if (Number.isFinite(x)) return x;
    for (const x of this.axis().x) if (Number.isFinite(x)) return x;
    return NaN;
  }

  // The newest x (axis()'s), or of the history when no live frame came yet; NaN if none.
  lastX() {
    const { x } = this.axis();
    for (let k = x.length - 1; k >= 0; k -= 1) if (Number.isFinite(x[k])) return x[k];
    const h = this.history;
    if (!h) return NaN;
    const xs = this.hasTime ? h.times : h.frames;
    for (let k = xs.length - 1; k >= 0; k -= 1) if (Number.isFinite(xs[k])) return xs[k];
    return NaN;
  }

  // One trace of the ROI under `key` from `fromX` on, for a plot: the history before the
  // first live frame, then the live frames; {x, y, breaks, live, start}: the points are
  // x[k], y[k] for k from `start` on, `live` is where the live frames start. With no
  // history to show, x and y are the store's own arrays (not copies: a redraw of
  // hundreds of ROIs copies nothing). `trace` is f, fneu, fcorr, f0, dff or settled
  // (settled F0).
  points(key, trace, fromX = -Infinity) {
    const axis = this.axis();
    const firstLive = this.frames.length ? this.frames[0] : Infinity;
    const past = historyPoints(this.history, key, trace === 'settled' ? 'f0_settled' : trace,
                               { timed: this.hasTime, fromX, beforeFrame: firstLive });
    const s = this.series.get(key);
    const from = Math.max(0, lowerBound(axis.x, fromX));
    const values0 = trace === 'settled' ? this.settledF0(key) : s?.[trace];
    if (past.x.length === 0 && values0) {  // live frames only: the store's own arrays, from `from` on
      return { x: axis.x, y: values0, breaks: axis.breaks, live: 0, start: from };
    }
    const x = past.x;
    const y = past.y;
    const breaks = past.breaks;
    const live = x.length;
    // A break between the history and the live frames when frames between them are unknown.
    const h = this.history;
    if (live > 0 && h && this.frames.length && h.frames.length &&
        h.frames[h.frames.length - 1] + h.bucketFrames < this.frames[from]) breaks.add(live);
    const values = values0;
    for (let k = from; k < axis.x.length; k += 1) {
      if (axis.breaks.has(k)) breaks.add(x.length);
      x.push(axis.x[k]);
      y.push(values ? values[k] : NaN);
    }
    return { x, y, breaks, live, start: 0 };
  }

  // The x positions (axis()'s) of the frames whose registration failed (motion.failed non-zero).
  failedFrames(x = this.frames) {
    return x.filter((_, k) => this.motion.failed[k] !== 0);
  }

  // The position nearest to `x` on axis().x, or -1 when there are no frames.
  nearest(x) {
    const xs = this.axis().x;
    if (xs.length === 0) return -1;
    const k = lowerBound(xs, x);
    let best = -1;
    for (const c of [k - 1, k, k + 1]) {
      if (c >= 0 && c < xs.length && Number.isFinite(xs[c]) &&
          (best < 0 || Math.abs(xs[c] - x) < Math.abs(xs[best] - x))) best = c;
    }
    if (best < 0) {  // no finite x near: look through them all
      for (let c = 0; c < xs.length; c += 1) {
        if (Number.isFinite(xs[c]) && (best < 0 || Math.abs(xs[c] - x) < Math.abs(xs[best] - x))) best = c;
      }
    }
    return best;
  }

  // The settled F0 of the ROI under `key`, aligned with `frames` (NaN where not settled yet).
  settledF0(key) {
    const s = this.series.get(key);
    return this.frames.map((frame) => (s?.settled.has(frame) ? s.settled.get(frame) : NaN));
  }
}
