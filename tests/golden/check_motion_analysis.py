#!/usr/bin/python3
"""check_motion_analysis.py — calmon-analyze's motion correction against scikit-image,
scipy, numpy and the synthetic movie's true motion (docs/motion.md, docs/golden-tests.md).

    check_motion_analysis.py --movie MOVIE.tif --truth TRUTH_DIR --out RUN_DIR --config CONFIG.json

RUN_DIR is calmon-analyze's output for MOVIE with CONFIG (a "motion" section: the
defaults). From the same movie, numpy/scipy/scikit-image recompute:
  1. the shifts: skimage.registration.phase_cross_correlation(reference, frame,
     upsample_factor=10, normalization="phase") with calmon's reference.npy, both tapered
     by docs/motion.md's cosine edge weight, for every frame calmon registered (0.05 px);
     the normalized peak at that shift from the whitened cross-power spectrum (1e-5);
  2. the shifts against truth/motion.npy: after removing the reference's constant
     offset (the median of the difference), rms <= 0.1 px and max <= 0.5 px per axis;
     the reference itself registered onto the truth-aligned mean of the movie finds that
     offset (0.1 px);
  3. the reference: motion_correction.h's rule rebuilt in numpy — seed by the binned
     frames' pairwise correlations, then reference_iterations refinements averaging the
     better half of the frames shifted back — against reference.npy (1e-6 of its max);
  4. the registered frames: scipy.ndimage.shift(frame, (dy, dx), order=1, mode="constant",
     cval=nan) with calmon's own shifts, as float32; the kept frames, NaN pattern exact;
  5. from that stack: every ROI's F and Fneu (np.nanmean; weighted masks nansum(w*x) /
     sum(w over valid pixels)), global nanmean / nanmedian / nanmin, Fcorr, flag bit 4
     exactly where an ROI or its neuropil region touched a NaN pixel, bit 1 where none was
     left; the projections np.mean/max/min/std(axis=0) with NaN propagating.
Needs numpy, scipy, tifffile and scikit-image (tools/install-deps --test).
"""
import argparse
import os
import warnings

import numpy as np
import scipy.ndimage
from skimage.registration import phase_cross_correlation

from golden_lib import GoldenError, Run, load_config, load_movie, region_kind, run_main

# Motion defaults (config.proto Motion, docs/motion.md)
UPSAMPLE = 10
TAPER = 8
REFERENCE_FRAMES = 100
REFERENCE_ITERATIONS = 3
SEED_NEIGHBOURS = 20
MAX_BINNED_PIXELS = 16384

SKIMAGE_TOLERANCE = 0.05  # px: half the refinement grid's step
PEAK_TOLERANCE = 1e-5  # absolute, on a normalized peak of ~0.3: float32 spectra vs float64
TRUTH_RMS = 0.1  # px, per axis
TRUTH_MAX = 0.5  # px, per axis
OFFSET_TOLERANCE = 0.1  # px
REFERENCE_TOLERANCE = 1e-6  # of the reference's max: float32 shifted frames summed in double
PIXEL_TOLERANCE = 1e-6  # relative: float32 bilinear interpolation, a few ulp (eps 1.2e-7)
FLAG_OUTSIDE = 16
FLAG_NON_FINITE = 2


def taper_weights(n, t):
    """docs/motion.md's cosine edge weight along one axis: ½(1 − cos(π(i + ½)/T)) for the
    T pixels nearest a border, i the distance to it, 1 further in."""
    i = np.arange(n)
    from_edge = np.minimum(i, n - 1 - i)
    w = np.ones(n)
    inside = from_edge < t
    w[inside] = 0.5 * (1.0 - np.cos(np.pi * (from_edge[inside] + 0.5) / t))
    return w


def tapered(image):
    w = np.outer(taper_weights(image.shape[0], TAPER), taper_weights(image.shape[1], TAPER))
    return (image.astype(np.float64) - image.mean(dtype=np.float64)) * w


def register(tapered_reference, frame):
    """scikit-image's shift of `frame` onto the reference, and the normalized peak there:
    the whitened cross-power spectrum summed at that shift, over the pixel count."""
    f = tapered(frame)
    shift = phase_cross_correlation(tapered_reference, f, upsample_factor=UPSAMPLE, normalization="phase")[0]
    cross = np.fft.fft2(tapered_reference) * np.conj(np.fft.fft2(f))
    cross /= np.maximum(np.abs(cross), 100 * np.finfo(np.float32).eps)
    ky = np.fft.fftfreq(f.shape[0])[:, None]
    kx = np.fft.fftfreq(f.shape[1])[None, :]
    value = np.abs((cross * np.exp(2j * np.pi * (ky * shift[0] + kx * shift[1]))).sum()) / f.size
    return shift, value


def shifted(frame, shift):
    """The frame moved by (dy, dx), bilinear, NaN where the source is outside, as float32."""
    moved = scipy.ndimage.shift(frame.astype(np.float64), shift, order=1, mode="constant", cval=np.nan)
    return moved.astype(np.float32)


def numpy_reference(frames):
    """motion_correction.h's reference, in numpy: the seed from the binned frames'
    Pearson correlations, then REFERENCE_ITERATIONS refinements by the better half."""
    n, height, width = frames.shape
    data = frames.astype(np.float64)
    bin_ = max(1, int(np.ceil(np.sqrt(height * width / MAX_BINNED_PIXELS))))
    hb, wb = height // bin_, width // bin_
    binned = data[:, :hb * bin_, :wb * bin_].reshape(n, hb, bin_, wb, bin_).sum(axis=(2, 4)).reshape(n, -1)
    binned -= binned.mean(axis=1, keepdims=True)
    binned /= np.linalg.norm(binned, axis=1, keepdims=True)
    correlation = binned @ binned.T
    k = min(SEED_NEIGHBOURS, n - 1)
    others = np.where(np.eye(n, dtype=bool), -np.inf, correlation)
    scores = -np.sort(-others, axis=1)[:, :k].sum(axis=1)
    seed = int(np.argmax(scores))  # the first of equals
    to_seed = others[seed].copy()
    to_seed[seed] = np.inf
    group = np.argsort(-to_seed, kind="stable")[:k + 1]
    reference = data[group].mean(axis=0)
    for _ in range(REFERENCE_ITERATIONS):
        tapered_reference = tapered(reference)
        results = [register(tapered_reference, frame) for frame in frames]
        peaks = np.array([peak for _, peak in results])
        kept = np.argsort(-peaks, kind="stable")[:(n + 1) // 2]
        moved = np.stack([shifted(frames[i], results[i][0]) for i in kept]).astype(np.float64)
        valid = ~np.isnan(moved)
        count = valid.sum(axis=0)
        total = np.where(valid, moved, 0.0).sum(axis=0)
        reference = np.where(count > 0, total / np.maximum(count, 1), reference)
    return reference, seed


def region_pixels(region):
    """(ys, xs, weights or None) of a config region."""
    kind = region_kind(region)
    if kind == "pixel":
        p = region["pixel"]
        return np.array([p.get("y", 0)]), np.array([p.get("x", 0)]), None
    if kind == "rect":
        r = region["rect"]
        ys, xs = np.mgrid[r.get("ymin", 0):r.get("ymax", 0), r.get("xmin", 0):r.get("xmax", 0)]
        return ys.ravel(), xs.ravel(), None
    m = region["mask"]
    weights = m.get("weight", [])
    w = np.asarray(weights, np.float64) if weights and any(v != 1.0 for v in weights) else None
    return np.asarray(m["y"]), np.asarray(m["x"]), w


def region_nanmean(stack, region):
    """np.nanmean over the region's valid pixels (a weighted mask: nansum(w·x) / sum(w) over
    the valid ones), NaN when none is; and where any pixel was NaN."""
    ys, xs, w = region_pixels(region)
    values = stack[:, ys, xs]
    touched = np.isnan(values).any(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN is the answer
        if w is None:  # accumulated in float64, rounded to float32 like the stack
            return np.nanmean(values, axis=1, dtype=np.float64).astype(np.float32).astype(np.float64), touched
        valid = ~np.isnan(values)
        weight_sum = (w[None, :] * valid).sum(axis=1)
        total = np.nansum(values.astype(np.float64) * w[None, :], axis=1)
        return np.where(weight_sum > 0, total / np.where(weight_sum > 0, weight_sum, 1.0), np.nan), touched


def check_shifts(check, movie, run, truth_dir):
    motion = run.npy("motion")
    failed = run.npy("motion_failed")
    peak = run.npy("motion_peak")
    reference = run.npy("reference")
    frames = movie.shape[0]
    if motion.shape != (frames, 2) or failed.shape != (frames,) or peak.shape != (frames,):
        raise GoldenError(f"motion files: shapes {motion.shape}, {failed.shape}, {peak.shape}; the movie has {frames}")
    registered = failed == 0
    check.truth("every frame registered (motion_failed.npy all 0)", registered.all(),
                f"failure codes {np.bincount(failed, minlength=6).tolist()}, peaks {peak.min():.3f}..{peak.max():.3f}")
    tapered_reference = tapered(reference)
    results = [register(tapered_reference, movie[t]) for t in np.flatnonzero(registered)]
    want = np.array([shift for shift, _ in results])
    check.close("(dy, dx) vs skimage phase_cross_correlation, tapered", motion[registered], want,
                SKIMAGE_TOLERANCE, scale=np.ones_like(want))
    check.close("motion_peak vs the whitened spectrum at that shift", peak[registered],
                np.array([value for _, value in results]), PEAK_TOLERANCE, scale=np.ones(int(registered.sum())))

    truth = np.load(os.path.join(truth_dir, "motion.npy"))
    difference = motion[registered] - truth[registered]
    offset = np.median(difference, axis=0)
    error = difference - offset
    rms = np.sqrt((error ** 2).mean(axis=0))
    worst = np.abs(error).max(axis=0)
    check.info(f"true motion: dy {truth[:, 0].min():+.2f}..{truth[:, 0].max():+.2f} px, "
               f"dx {truth[:, 1].min():+.2f}..{truth[:, 1].max():+.2f} px")
    check.info(f"estimated minus true: reference offset (median) dy {offset[0]:+.3f} dx {offset[1]:+.3f} px; "
               f"then rms dy {rms[0]:.3f} dx {rms[1]:.3f} px, max dy {worst[0]:.3f} dx {worst[1]:.3f} px")
    check.truth(f"vs truth/motion.npy: rms <= {TRUTH_RMS} px, max <= {TRUTH_MAX} px per axis",
                (rms <= TRUTH_RMS).all() and (worst <= TRUTH_MAX).all(),
                f"rms {rms[0]:.3f}, {rms[1]:.3f} px; max {worst[0]:.3f}, {worst[1]:.3f} px")
    # The reference sits where the scene is moved by −offset: registering it onto the
    # movie's truth-aligned mean (every frame moved back by its true shift) finds that.
    aligned = np.nanmean(np.stack([shifted(f, s) for f, s in zip(movie, truth)]), axis=0)
    inner = (slice(TAPER, -TAPER), slice(TAPER, -TAPER))
    fill = np.where(np.isnan(aligned), np.nanmean(aligned[inner]), aligned)
    found = phase_cross_correlation(tapered(fill), tapered(reference), upsample_factor=UPSAMPLE,
                                    normalization="phase")[0]
    check.close("reference onto the truth-aligned mean vs −offset", found, -offset, OFFSET_TOLERANCE,
                scale=np.ones(2))


def check_reference(check, movie, run):
    reference = run.npy("reference")
    want, seed = numpy_reference(movie[:REFERENCE_FRAMES])
    check.info(f"numpy's seed frame: {seed}")
    check.close(f"reference.npy vs the rule in numpy ({REFERENCE_FRAMES} frames, {REFERENCE_ITERATIONS} refinements)",
                reference, want, REFERENCE_TOLERANCE, scale=np.full(want.shape, np.abs(want).max()))


def check_registered(check, movie, run, config):
    motion = run.npy("motion")
    stack = np.stack([shifted(frame, shift) for frame, shift in zip(movie, motion)])
    pixel_scale = np.full(stack.shape[1:], np.nanmax(np.abs(stack)))
    for name in sorted(f[:-4] for f in os.listdir(run.dir) if f.startswith("frame_") and f.endswith(".npy")):
        t = int(name[len("frame_"):])
        got = run.npy(name)
        check.truth(f"{name}: NaN exactly where scipy's source is outside", np.array_equal(np.isnan(got),
                                                                                         np.isnan(stack[t])),
                    f"{int(np.isnan(stack[t]).sum())} NaN pixels")
        check.close(f"{name} vs scipy.ndimage.shift(order=1)", got, stack[t], PIXEL_TOLERANCE, scale=pixel_scale)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        global_want = {"MEAN": np.nanmean(stack, axis=(1, 2)).astype(np.float64),
                       "MEDIAN": np.nanmedian(stack, axis=(1, 2)).astype(np.float64),
                       "MIN": np.nanmin(stack, axis=(1, 2)).astype(np.float64)}
    for stat, want in global_want.items():
        check.close(f"global_{stat.lower()} vs np.nan{stat.lower()}(axis=(1, 2))", run.npy(f"global_{stat.lower()}"),
                    want, PIXEL_TOLERANCE)

    flags_live, flags_settled = run.npy("flags_live"), run.npy("flags_settled")
    touched_any = 0
    none_left_any = 0
    for roi in config["rois"]:
        name = roi["name"]
        f, touched = region_nanmean(stack, roi["region"])
        neuropil = roi.get("neuropil")
        fneu = np.zeros_like(f)
        r = 0.0
        if neuropil:
            r = neuropil.get("r", 0.7)
            if "region" in neuropil:
                fneu, neuropil_touched = region_nanmean(stack, neuropil["region"])
                touched = touched | neuropil_touched
            else:
                fneu = global_want[neuropil["global"]]
        check.close(f"{name}: F vs nanmean of the registered stack", run.column("F", name), f, PIXEL_TOLERANCE)
        check.close(f"{name}: Fneu", run.column("Fneu", name), fneu, PIXEL_TOLERANCE)
        check.close(f"{name}: Fcorr = F - {r:g} Fneu", run.column("Fcorr", name), f - r * fneu, PIXEL_TOLERANCE,
                    scale=np.abs(f) + r * np.abs(fneu))
        none_left = ~np.isfinite(f) | ~np.isfinite(fneu)
        column = flags_live[:, run.index(name)]
        check.truth(f"{name}: flags_live bit 4 where a NaN pixel was left out",
                    np.array_equal((column & FLAG_OUTSIDE) != 0, touched),
                    f"{int(touched.sum())} frames touched, {int(((column & FLAG_OUTSIDE) != 0).sum())} flagged")
        check.truth(f"{name}: flags_live bit 1 where none was left", np.array_equal((column & FLAG_NON_FINITE) != 0,
                                                                                   none_left),
                    f"{int(none_left.sum())} frames with none, {int(((column & FLAG_NON_FINITE) != 0).sum())} flagged")
        # flags_settled carries bit 0 alone (docs/output.md): ΔF/F₀'s baseline, not the pixels.
        settled = flags_settled[:, run.index(name)]
        check.truth(f"{name}: flags_settled has no bit but 0", not (settled & ~np.uint8(1)).any(),
                    f"bits seen {sorted(set(np.unique(settled).tolist()))}")
        touched_any += int(touched.any())
        none_left_any += int(none_left.any())
    # The config is made so that both cases occur (a check that cannot fail is no check).
    check.truth("some ROIs touched the NaN border, some had no pixel left", touched_any >= 3 and none_left_any >= 1,
                f"{touched_any} ROIs touched it, {none_left_any} had frames with none left")

    for stat, function in (("mean", np.mean), ("max", np.max), ("min", np.min), ("std", np.std)):
        want = function(stack, axis=0)
        check.close(f"all_{stat} vs np.{stat}(registered stack, axis=0)", run.npy(f"all_{stat}"), want,
                    PIXEL_TOLERANCE, scale=pixel_scale)


def body(check, args):
    movie = load_movie(args.movie)
    run = Run(args.out)
    config = load_config(args.config)
    if "motion" not in config or config["motion"]:
        raise GoldenError(f"{args.config}: expected \"motion\": {{}} (the defaults this check assumes)")
    check_shifts(check, movie, run, args.truth)
    check_reference(check, movie, run)
    check_registered(check, movie, run, config)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--movie", required=True)
    parser.add_argument("--truth", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    run_main("golden.motion_analysis", lambda check: body(check, args))


if __name__ == "__main__":
    main()
