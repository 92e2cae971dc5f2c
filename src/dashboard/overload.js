// overload.js — whether calmond is falling behind, from its recent Status messages.
//
// Status carries the lag from each frame's acquisition to the publication of its
// traces (lag_p50_ms, lag_p99_ms over the last status interval; 0 when the frames carry
// no acquisition time) and the depth of its ingest queue (ingest_queue_frames,
// ingest_queue_bytes). calmond is falling behind when the p99 lag passes LAG_LIMIT_MS,
// or when the queue grew at each of the last GROWING_STATUSES statuses and holds at
// least MIN_GROWING_FRAMES frames.

export const LAG_LIMIT_MS = 1000;
export const GROWING_STATUSES = 3;
export const MIN_GROWING_FRAMES = 10;

const num = (v) => Number(v ?? 0) || 0;  // protobuf JSON: uint64 as text, absent as 0

// "lag p50 12 ms, p99 40 ms" when the lag is known, else null.
export function lagText(status) {
  if (!(num(status.lag_p99_ms) > 0)) return null;
  return `lag p50 ${num(status.lag_p50_ms).toFixed(0)} ms, p99 ${num(status.lag_p99_ms).toFixed(0)} ms`;
}

// The warning to show for `statuses` (oldest first, the newest last), or null.
export function fallingBehind(statuses) {
  const last = statuses.at(-1);
  if (!last || !last.streaming) return null;
  const recent = statuses.slice(-(GROWING_STATUSES + 1)).map((s) => num(s.ingest_queue_frames));
  const growing = recent.length === GROWING_STATUSES + 1 && recent.every((n, i) => i === 0 || n > recent[i - 1]) &&
                  recent.at(-1) >= MIN_GROWING_FRAMES;
  const lagging = num(last.lag_p99_ms) > LAG_LIMIT_MS;
  if (!lagging && !growing) return null;
  const parts = [];
  if (lagging) {
    parts.push(`frames wait ${(num(last.lag_p99_ms) / 1000).toFixed(1)} s before their traces are published`);
  }
  if (growing) {
    const mib = num(last.ingest_queue_bytes) / 1048576;
    parts.push(`${num(last.ingest_queue_frames)} frames (${mib.toFixed(1)} MiB) are queued and the queue keeps growing`);
  }
  return `calmond is falling behind: ${parts.join('; ')}`;
}
