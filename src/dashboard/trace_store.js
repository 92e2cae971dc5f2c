// trace_store.js — the recent history of every ROI's traces, from TraceUpdate batches.
//
// Keeps the last `capacity` frames per ROI in plain arrays (F, Fneu, Fcorr, live F0,
// ΔF/F₀) and the settled F0 by frame index as it arrives (w//2 frames late). A new
// roi_set_version means a new set of ROIs: the history starts again. With motion
// correction on calmond, each frame's shift (TraceUpdate.motion: dy, dx, px) and failure
// code (0 registered) are kept beside `frames` too; `hasMotion` says whether any came
// since the history last started. So is each frame's time in seconds (TraceUpdate.time_s,
// NaN where calmond knows none) and whether frames went missing just before it: the plots'
// time axis is seconds when the frames have times (frames otherwise), and a line never
// joins across missing frames.

const num = (v) => (v === undefined ? NaN : Number(v));  // protobuf JSON: "NaN", int64 as text

export class TraceStore {
  constructor(capacity = 1500) {
    this.capacity = capacity;
    this.version = -1;
    this.rois = 0;
    this.updates = 0;
    this.clear();
  }

  clear() {
    this.frames = [];
    this.times = [];
    this.gapBefore = [];
    this.hasTime = false;  // until an update of this history carries a time
    this.motion = { dy: [], dx: [], failed: [] };
    this.hasMotion = false;  // until an update of this history carries motion
    this.series = [];  // per ROI: { f, fneu, fcorr, f0, dff, settled: Map(frame -> f0) }
  }

  add(update) {
    const version = update.roi_set_version ?? 0;
    if (version !== this.version && !update.settled_only) {
      this.version = version;
      this.clear();
    }
    for (const settled of update.settled ?? []) {
      if ((settled.roi_set_version ?? 0) !== this.version) continue;
      const frame = num(settled.frame_index);
      settled.f0.forEach((value, i) => this.series[i]?.settled.set(frame, num(value)));
    }
    if (update.settled_only || !update.f || update.f.length === 0) return;
    this.updates += 1;
    const n = update.f.length;
    this.rois = n;
    while (this.series.length < n) {
      this.series.push({ f: [], fneu: [], fcorr: [], f0: [], dff: [], settled: new Map() });
    }
    this.frames.push(num(update.frame_index));
    if (update.time_s !== undefined) this.hasTime = true;
    this.times.push(num(update.time_s));
    this.gapBefore.push(num(update.missing_before ?? 0) > 0);
    // protobuf JSON leaves out zeros: a motion of {} is a registered frame not moved.
    const motion = update.motion;
    if (motion) this.hasMotion = true;
    this.motion.dy.push(motion ? num(motion.dy ?? 0) : NaN);
    this.motion.dx.push(motion ? num(motion.dx ?? 0) : NaN);
    this.motion.failed.push(motion ? num(motion.failed ?? 0) : 0);
    for (let i = 0; i < n; i += 1) {
      const s = this.series[i];
      s.f.push(num(update.f[i]));
      s.fneu.push(num(update.fneu?.[i]));
      s.fcorr.push(num(update.fcorr?.[i]));
      s.f0.push(num(update.f0?.[i]));
      s.dff.push(num(update.dff?.[i]));
    }
    if (this.frames.length > this.capacity) this.trim(this.frames.length - this.capacity);
  }

  trim(count) {
    const first = this.frames[count];
    this.frames.splice(0, count);
    this.times.splice(0, count);
    this.gapBefore.splice(0, count);
    for (const values of Object.values(this.motion)) values.splice(0, count);
    for (const s of this.series) {
      for (const key of ['f', 'fneu', 'fcorr', 'f0', 'dff']) s[key].splice(0, count);
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

  // Settled F0 aligned with `frames` (NaN where not settled yet).
  settledF0(i) {
    const s = this.series[i];
    return this.frames.map((frame) => (s.settled.has(frame) ? s.settled.get(frame) : NaN));
  }
}
