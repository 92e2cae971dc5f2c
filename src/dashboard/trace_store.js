// trace_store.js — the recent history of every ROI's traces, from TraceUpdate batches.
//
// Keeps the last `capacity` frames in plain arrays (F, Fneu, Fcorr, live F0, ΔF/F₀ per
// ROI) and the settled F0 by frame index as it arrives (w//2 frames late). An update's
// values are in the order of its ROI-set version; the version's RoiSetInfo (setRoiSet)
// says which ROI each position is, by the ROI's id. History is kept per ROI id, so an
// edit of the set — an ROI added, renamed or removed — keeps every other ROI's history:
// a new ROI's traces start where it was added (NaN before), a removed ROI's history goes.
// A version whose ROIs are not known has its own keys. A new session (the
// frame index starts again) starts the history again. With motion correction on
// calmond, each frame's shift (TraceUpdate.motion: dy, dx, px) and failure code
// (0 registered) are kept beside `frames` too; `hasMotion` says whether any came since
// the history last started. So is each frame's time in seconds (TraceUpdate.time_s, NaN
// where calmond knows none) and whether frames went missing just before it: the plots'
// time axis is seconds when the frames have times (frames otherwise), and a line never
// joins across missing frames.

const num = (v) => (v === undefined ? NaN : Number(v));  // protobuf JSON: "NaN", int64 as text
const TRACES = ['f', 'fneu', 'fcorr', 'f0', 'dff'];

// The key an ROI's history is kept under: its id, or (from a calmond that gives no ids)
// its version and position.
export function roiKey(roi, version, position) {
  return roi?.id !== undefined ? `id${roi.id}` : `v${version}#${position}`;
}

export class TraceStore {
  constructor(capacity = 1500) {
    this.capacity = capacity;
    this.version = -1;
    this.rois = 0;  // ROIs in the newest update
    this.updates = 0;
    this.versions = new Map();  // ROI-set version -> the keys of its ROIs, in order
    this.sessions = 0;  // new sessions seen after the first (the history started again)
    this.clear();
  }

  clear() {
    this.frames = [];
    this.times = [];
    this.gapBefore = [];
    this.hasTime = false;  // until an update of this history carries a time
    this.motion = { dy: [], dx: [], failed: [] };
    this.hasMotion = false;  // until an update of this history carries motion
    this.series = new Map();  // ROI key -> { f, fneu, fcorr, f0, dff, settled: Map(frame -> f0) }
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

  add(update) {
    const version = update.roi_set_version ?? 0;
    const frame = num(update.frame_index);
    const live = !update.settled_only && update.f && update.f.length > 0;
    if (live && this.frames.length > 0 && frame <= this.frames[this.frames.length - 1]) {  // a new session
      this.clear();
      this.sessions += 1;
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
                               settled: new Map() });
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
    });
    if (this.frames.length > this.capacity) this.trim(this.frames.length - this.capacity);
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

  // The x positions (axis()'s) of the frames whose registration failed (motion.failed non-zero).
  failedFrames(x = this.frames) {
    return x.filter((_, k) => this.motion.failed[k] !== 0);
  }

  // The position nearest to `x` on axis().x, or -1 when there are no frames.
  nearest(x) {
    const xs = this.axis().x;
    let best = -1;
    for (let k = 0; k < xs.length; k += 1) {
      if (Number.isFinite(xs[k]) && (best < 0 || Math.abs(xs[k] - x) < Math.abs(xs[best] - x))) best = k;
    }
    return best;
  }

  // The settled F0 of the ROI under `key`, aligned with `frames` (NaN where not settled yet).
  settledF0(key) {
    const s = this.series.get(key);
    return this.frames.map((frame) => (s?.settled.has(frame) ? s.settled.get(frame) : NaN));
  }
}
