#!/usr/bin/python3
# numpy_peer.py — calmond's per-frame analysis as a scientist would write it in numpy.
#
# The peer calmon-bench compares calmond with (calmon-bench --peer runs it). Per frame:
# running mean/max/min/std projections (Welford), ROI means by slicing, ring neuropil
# means by precomputed index arrays, Fcorr = F - 0.7 * Fneu, a trailing-window median per ROI
# (np.median over the last w samples of every ROI at once), dF/F0, and optionally the
# global mean/median/min. In-process, no sockets. Frames come from a raw uint16 file
# (calmon-bench's frames), the ROIs from the same analysis config calmond got. The window
# is full from the first frame on (so every median costs w samples); it runs for
# --seconds after a short warm-up and prints one line:
# numpy_fps X
import argparse
import json
import time

import numpy as np

R = 0.7
INNER_GAP = 2
MIN_RING_PIXELS = 350
WARMUP_FRAMES = 20


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames-file", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--distinct-frames", type=int, required=True)
    parser.add_argument("--window", type=int, default=501)
    parser.add_argument("--global-traces", choices=["on", "off"], default="off")
    parser.add_argument("--seconds", type=float, default=5.0)
    return parser.parse_args()


def roi_slices(config):
    rects = [roi["region"]["rect"] for roi in config["rois"]]
    return [(slice(r["ymin"], r["ymax"]), slice(r["xmin"], r["xmax"])) for r in rects]


def ring_indices(slices, height, width):
    """Flat pixel indices of each ROI's ring: Chebyshev distance > INNER_GAP from the ROI,
    grown outward until MIN_RING_PIXELS, without any ROI's pixels."""
    in_any_roi = np.zeros((height, width), bool)
    for ys, xs in slices:
        in_any_roi[ys, xs] = True
    yy, xx = np.mgrid[0:height, 0:width]
    rings = []
    for ys, xs in slices:
        dy = np.maximum(np.maximum(ys.start - yy, yy - (ys.stop - 1)), 0)
        dx = np.maximum(np.maximum(xs.start - xx, xx - (xs.stop - 1)), 0)
        distance = np.maximum(dy, dx)
        outer = INNER_GAP + 1
        while True:
            ring = (distance > INNER_GAP) & (distance <= outer) & ~in_any_roi
            if ring.sum() >= MIN_RING_PIXELS or outer > max(height, width):
                break
            outer += 1
        rings.append(np.flatnonzero(ring))
    return rings


def main():
    args = parse_arguments()
    frames = np.fromfile(args.frames_file, dtype=np.uint16).reshape(args.distinct_frames, args.height, args.width)
    with open(args.config) as f:
        config = json.load(f)
    slices = roi_slices(config)
    rings = ring_indices(slices, args.height, args.width)
    n = len(slices)
    w = args.window
    global_traces = args.global_traces == "on"

    mean = np.zeros((args.height, args.width))
    m2 = np.zeros((args.height, args.width))  # Welford: sum of squared deviations
    maximum = np.full((args.height, args.width), -np.inf)
    minimum = np.full((args.height, args.width), np.inf)
    history = np.zeros((n, w))  # the last w Fcorr of every ROI, a ring buffer

    def process(t, frame):
        data = frame.astype(np.float64)
        delta = data - mean
        mean[:] += delta / (t + 1)
        m2[:] += delta * (data - mean)
        np.maximum(maximum, data, out=maximum)
        np.minimum(minimum, data, out=minimum)
        f = np.array([data[ys, xs].mean() for ys, xs in slices])
        flat = data.ravel()
        fneu = np.array([flat[idx].mean() for idx in rings])
        fcorr = f - R * fneu
        if t == 0:
            history[:] = fcorr[:, None]  # a full window from the start: every median costs w
        history[:, t % w] = fcorr
        f0 = np.median(history, axis=1)
        dff = (fcorr - f0) / f0
        if global_traces:
            g = (data.mean(), np.median(data), data.min())
        else:
            g = None
        return dff, g

    t = 0
    for _ in range(WARMUP_FRAMES):
        process(t, frames[t % len(frames)])
        t += 1
    start = time.perf_counter()
    measured = 0
    while time.perf_counter() - start < args.seconds:
        process(t, frames[t % len(frames)])
        t += 1
        measured += 1
    elapsed = time.perf_counter() - start
    np.sqrt(m2 / t)  # the std projection, read once at the end
    print(f"numpy_fps {measured / elapsed:.6g}", flush=True)


if __name__ == "__main__":
    main()
