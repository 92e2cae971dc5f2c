#!/usr/bin/python3
"""check_piecewise.py — calmon's piecewise-rigid registration against the truth of a warped movie (docs/motion.md).

    check_piecewise.py --still DIR --warped DIR --program REGISTER_PIECEWISE --work DIR

DIR are two calmon-synth runs of the same movie (noise, activity and all), one still
and one with --motion-warp, whose truth/displacement.npy holds the true registering
field (dy, dx) of every pixel: the rigid shift plus the warp. The reference is the mean
of the still movie. register_piecewise (calmon's RigidRegistration on the whole frame,
then PiecewiseRegistration around its shift, displacement() and warp_frame, built for
this test) runs on every frame of the warped movie, and the check compares:
  - the estimated per-pixel field with the truth on the valid interior (the pixels at
    least the largest true displacement + 1 px from every edge, where every registered
    pixel is valid): RMS over all frames <= 0.3 px, and printed: RMS between the
    outermost block centres, on the whole frame, the largest error, the blocks that fell
    back;
  - the rigid shift alone against the same truth, which must be worse than 0.3 px RMS
    (a negative control: the warp is there to be found);
  - warp_frame's registered frames with scipy.ndimage.map_coordinates(order=1) at
    (y - dy, x - dx) where calmon's are valid (1e-6 of the frame's max), and calmon's NaN
    pixels with those whose source lies outside the frame (exact).
Needs numpy, scipy and tifffile.
"""
import argparse
import math
import os
import subprocess

import numpy as np
import scipy.ndimage
import tifffile

from golden_lib import GoldenError, load_movie, run_main

RMS_TOLERANCE_PX = 0.3
INTERPOLATION_TOLERANCE = 1e-6  # of the frame's max
BLOCK = 64
OVERLAP = 16


def rms_of(error, region):
    """RMS length of the (dy, dx) error vectors, error (T, 2, H, W), over region (rows, cols)."""
    e = error[:, :, region[0], region[1]]
    return float(math.sqrt(np.mean(np.sum(e ** 2, axis=1))))


def check_registered(check, frames, field, registered):
    height, width = frames.shape[1:]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    worst = 0.0
    nan_ok = True
    for frame, (dy, dx), out in zip(frames, field, registered):
        sy = yy - dy.astype(np.float64)
        sx = xx - dx.astype(np.float64)
        want = scipy.ndimage.map_coordinates(frame.astype(np.float64), [sy, sx], order=1, mode="nearest")
        inside = (sy >= 0) & (sy <= height - 1) & (sx >= 0) & (sx <= width - 1)
        nan_ok &= bool(np.array_equal(np.isnan(out), ~inside))
        valid = ~np.isnan(out)
        worst = max(worst, float(np.abs(out[valid] - want[valid]).max() / np.abs(frame).max()))
    check.truth("warp_frame NaN exactly where the source is outside", nan_ok, f"{len(frames)} frames")
    check.truth("warp_frame vs scipy.ndimage.map_coordinates(order=1)", worst <= INTERPOLATION_TOLERANCE,
                f"max |d| {worst:.3g} of the frame's max (tolerance {INTERPOLATION_TOLERANCE:g})")


def body(check, args):
    still = load_movie(f"{args.still}/movie.tif")
    frames = load_movie(f"{args.warped}/movie.tif")
    truth = np.load(f"{args.warped}/truth/displacement.npy")
    count, height, width = frames.shape
    check.truth("displacement.npy shape and type", truth.shape == (count, 2, height, width) and truth.dtype == np.float32,
                f"{truth.shape} {truth.dtype}, movie {frames.shape}")
    reference = still.astype(np.float64).mean(axis=0).astype(np.float32)
    os.makedirs(args.work, exist_ok=True)
    ref_path = os.path.join(args.work, "reference.tif")
    tifffile.imwrite(ref_path, reference)
    command = [args.program, ref_path, f"{args.warped}/movie.tif", args.work, "--block", str(BLOCK), "--overlap",
               str(OVERLAP)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise GoldenError(f"register_piecewise failed: {done.stderr.strip()}")
    rigid = np.load(os.path.join(args.work, "rigid.npy"))
    blocks = np.load(os.path.join(args.work, "blocks.npy"))
    field = np.load(os.path.join(args.work, "displacement.npy"))
    registered = np.load(os.path.join(args.work, "registered.npy"))
    check.truth("every frame registered rigidly", not (rigid[:, 3] != 0).any(),
                f"peaks {rigid[:, 2].min():.3f}..{rigid[:, 2].max():.3f}")

    warp = truth - np.load(f"{args.warped}/truth/motion.npy")[:, :, None, None]
    margin = int(math.ceil(np.abs(truth).max())) + 1
    interior = (slice(margin, height - margin), slice(margin, width - margin))
    centres = (slice(BLOCK // 2, height - BLOCK // 2), slice(BLOCK // 2, width - BLOCK // 2))
    whole = (slice(None), slice(None))
    check.info(f"{count} frames of {width}x{height}, {blocks.shape[1]}x{blocks.shape[2]} blocks of {BLOCK} px "
               f"(overlap {OVERLAP}); true warp up to {np.abs(warp).max():.2f} px about the rigid shift, "
               f"largest true displacement {np.abs(truth).max():.2f} px; interior margin {margin} px")
    error = field.astype(np.float64) - truth
    rms = rms_of(error, interior)
    largest = float(np.sqrt(np.sum(error[:, :, interior[0], interior[1]] ** 2, axis=1)).max())
    check.truth(f"field vs truth on the interior, RMS <= {RMS_TOLERANCE_PX} px", rms <= RMS_TOLERANCE_PX,
                f"RMS {rms:.3f} px, largest {largest:.3f} px")
    check.info(f"RMS between the outermost block centres {rms_of(error, centres):.3f} px, on the whole frame "
               f"{rms_of(error, whole):.3f} px; blocks fallen back {int(blocks[..., 3].sum())} of "
               f"{blocks[..., 3].size}; block peaks {blocks[..., 2].min():.3f}..{blocks[..., 2].max():.3f}")
    rigid_error = rigid[:, :2, None, None] - truth
    rigid_rms = rms_of(rigid_error, interior)
    check.truth(f"the rigid shift alone is worse than {RMS_TOLERANCE_PX} px RMS", rigid_rms > RMS_TOLERANCE_PX,
                f"RMS {rigid_rms:.3f} px on the interior")
    check_registered(check, frames, field, registered)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--still", required=True)
    parser.add_argument("--warped", required=True)
    parser.add_argument("--program", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    run_main("golden.piecewise", lambda check: body(check, args))


if __name__ == "__main__":
    main()
