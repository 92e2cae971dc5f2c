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
#
# With --registration (calmon-bench --registration-peer), rigid registration instead: the
# frames file holds a reference and the moving frames; each frame is registered onto the
# reference the way calmon's RigidRegistration does it (docs/motion.md), written in numpy
# as a scientist would: the mean taken away and the cosine taper, numpy.fft.fft2, the
# cross-power spectrum divided by its magnitude, numpy.fft.ifft2, the largest value
# within +-max_shift, then the correlation on a grid of step 1/upsample_factor around it
# (ceil(1.5 f) points a side) as the upsampled DFT of Guizar-Sicairos et al. computes it,
# two matrix products with complex exponentials; then scipy.ndimage.shift(order=1, NaN
# outside). Every frame is timed alone (wall and thread CPU time) for --seconds, and the
# medians printed (numpy_registration_median_us, numpy_registration_cpu_median_us) with
# the shifts found (numpy_registration_shift dy dx, one line per frame). If scikit-image
# is there, the same for phase_cross_correlation(reference, frame, upsample_factor,
# normalization="phase") with the same shift (skimage_registration_*median_us): no taper,
# and the integer peak searched over the whole image.
import argparse
import json
import math
import time

import numpy as np

R = 0.7
INNER_GAP = 2
MIN_RING_PIXELS = 350
WARMUP_FRAMES = 20


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames-file", required=True)
    parser.add_argument("--config")
    parser.add_argument("--registration", action="store_true")
    parser.add_argument("--max-shift", type=int, default=20)
    parser.add_argument("--upsample-factor", type=int, default=10)
    parser.add_argument("--taper-width", type=int, default=8)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--distinct-frames", type=int, required=True)
    parser.add_argument("--window", type=int, default=501)
    parser.add_argument("--global-traces", choices=["on", "off"], default="off")
    parser.add_argument("--seconds", type=float, default=5.0)
    return parser.parse_args()


def roi_slices(config):
    # The config is printed without default values: a rectangle at x = 0 or y = 0 has no "xmin" or "ymin".
    rects = [roi["region"]["rect"] for roi in config["rois"]]
    return [(slice(r.get("ymin", 0), r["ymax"]), slice(r.get("xmin", 0), r["xmax"])) for r in rects]


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


def taper_weights(n, t):
    distance = np.minimum(np.arange(n), n - 1 - np.arange(n))
    if t == 0:
        return np.ones(n)
    return np.where(distance < t, 0.5 * (1 - np.cos(np.pi * (distance + 0.5) / t)), 1.0)


def registration_peer(args):
    import scipy.ndimage

    h, w = args.height, args.width
    movie = np.fromfile(args.frames_file, dtype=np.uint16).reshape(args.distinct_frames, h, w)
    reference, frames = movie[0], movie[1:]
    taper = np.outer(taper_weights(h, args.taper_width), taper_weights(w, args.taper_width))
    limit, factor = args.max_shift, args.upsample_factor

    def tapered(image):
        image = image.astype(np.float64)
        return (image - image.mean()) * taper

    reference_fft = np.fft.fft2(tapered(reference))
    rows = np.r_[0 : limit + 1, h - limit : h]  # shifts 0..limit, then -limit..-1
    cols = np.r_[0 : limit + 1, w - limit : w]
    region = math.ceil(1.5 * factor) if factor > 1 else 1
    steps = (np.arange(region) - region // 2) / factor
    fy, fx = np.fft.fftfreq(h), np.fft.fftfreq(w)

    def register(frame):
        cross = reference_fft * np.fft.fft2(tapered(frame)).conj()
        cross /= np.maximum(np.abs(cross), 100 * np.finfo(np.float32).eps)
        correlation = np.fft.ifft2(cross).real
        window = correlation[np.ix_(rows, cols)]
        iy, ix = np.unravel_index(np.argmax(window), window.shape)
        dy = rows[iy] - h if rows[iy] > limit else rows[iy]
        dx = cols[ix] - w if cols[ix] > limit else cols[ix]
        if factor == 1:
            return float(dy), float(dx)
        ys, xs = dy + steps, dx + steps
        grid = np.exp(2j * np.pi * np.outer(ys, fy)) @ cross @ np.exp(2j * np.pi * np.outer(fx, xs))
        j, i = np.unravel_index(np.argmax(np.abs(grid)), grid.shape)
        return ys[j], xs[i]

    def timed(method):
        times, cpu_times, shifts, t = [], [], [], 0
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds or t < len(frames):
            frame = frames[t % len(frames)]
            before, cpu_before = time.perf_counter(), time.thread_time()
            dy, dx = method(frame)
            scipy.ndimage.shift(frame.astype(np.float32), (dy, dx), order=1, mode="constant", cval=np.nan)
            cpu_times.append(time.thread_time() - cpu_before)
            times.append(time.perf_counter() - before)
            if t < len(frames):
                shifts.append((dy, dx))
            t += 1
        return np.median(times) * 1e6, np.median(cpu_times) * 1e6, shifts

    numpy_median, numpy_cpu_median, shifts = timed(register)
    print(f"numpy_registration_median_us {numpy_median:.6g}", flush=True)
    print(f"numpy_registration_cpu_median_us {numpy_cpu_median:.6g}", flush=True)
    for dy, dx in shifts:
        print(f"numpy_registration_shift {dy:.9g} {dx:.9g}", flush=True)
    try:
        from skimage.registration import phase_cross_correlation
    except ImportError:
        return

    def skimage_register(frame):
        shift, _, _ = phase_cross_correlation(reference, frame, upsample_factor=factor, normalization="phase")
        return shift

    skimage_median, skimage_cpu_median, _ = timed(skimage_register)
    print(f"skimage_registration_median_us {skimage_median:.6g}", flush=True)
    print(f"skimage_registration_cpu_median_us {skimage_cpu_median:.6g}", flush=True)


def main():
    args = parse_arguments()
    if args.registration:
        registration_peer(args)
        return
    if args.config is None:
        raise SystemExit("numpy_peer.py: --config is needed (or --registration)")
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
