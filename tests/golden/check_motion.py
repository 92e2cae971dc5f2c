#!/usr/bin/env python3
"""check_motion.py — the true shifts of `calmon-synth --motion` are true.

    check_motion.py --still DIR --moving DIR [--every N]

DIR are two calmon-synth runs of the same movie, noise-free and float64, one still and
one with --motion. For every N-th frame t, with (dy, dx) = truth/motion.npy[t]:

- scipy.ndimage.shift(still[t], (-dy, -dx)) — the unmoved scene carried to where the
  moving frame looks — equals moving[t] on the interior pixels (the shift's reach plus 3
  from every edge, where the spline needs no value from outside the frame), within 2% of
  the frame's brightest pixel at any pixel and 0.3% RMS: what a cubic spline can do on
  cell edges half a pixel wide (calmon-synth itself renders the moved scene exactly);
- the same with the opposite sign, or with the shift 0.25 px off on both axes, is worse
  by a clear factor (negative controls: the check can tell);
- when scikit-image is installed, phase_cross_correlation(still[t], moving[t],
  upsample_factor=100) finds (dy, dx) within 0.1 px: the sign convention is skimage's.
  Both frames go through a Hann window first (after removing their mean): phase
  correlation takes a frame as periodic, and the jump between opposite edges biases it
  by about 0.1 px on this movie, windowed by 0.05 px at most.

One line of evidence per comparison (golden_lib.Checker); exit 1 with the first failure.
"""
import argparse
import math

import numpy as np
from scipy import ndimage

import golden_lib

MAX_TOLERANCE = 0.02  # of the frame's brightest interior pixel, at any interior pixel
RMS_TOLERANCE = 0.003
REGISTRATION_TOLERANCE_PX = 0.1


def load_run(folder):
    movie = golden_lib.load_movie(f"{folder}/movie.tif").astype(np.float64)
    return movie


def moved_scene(still_frame, shift):
    """The unmoved scene seen from a frame whose shift is `shift`: scene(p + shift)."""
    return ndimage.shift(still_frame, -np.asarray(shift), order=3, mode="nearest")


def windowed(frame):
    window = np.outer(np.hanning(frame.shape[0]), np.hanning(frame.shape[1]))
    return (frame - frame.mean()) * window


def mismatch(predicted, moving_frame, scale, margin):
    inner = (slice(margin, -margin), slice(margin, -margin))
    diff = predicted[inner] - moving_frame[inner]
    return float(np.abs(diff).max() / scale), float(np.sqrt(np.mean(diff**2)) / scale)


def check(checker, args):
    still = load_run(args.still)
    moving = load_run(args.moving)
    shifts = np.load(f"{args.moving}/truth/motion.npy")
    checker.truth("motion.npy shape and type", shifts.shape == (moving.shape[0], 2) and shifts.dtype == np.float64,
                  f"{shifts.shape} {shifts.dtype}, movie {moving.shape}")
    checker.truth("still and moving movies alike", still.shape == moving.shape, f"{still.shape} vs {moving.shape}")
    margin = int(math.ceil(np.abs(shifts).max())) + 3
    checker.info(f"largest |shift| {np.abs(shifts).max():.3f} px; interior margin {margin} px")
    try:
        from skimage.registration import phase_cross_correlation
    except ImportError:
        phase_cross_correlation = None
        checker.info("scikit-image not installed: the phase_cross_correlation comparison is skipped")

    worst = {"true": [0.0, 0.0], "opposite": [math.inf, math.inf], "off": [math.inf, math.inf], "pcc": 0.0}
    for t in range(0, moving.shape[0], args.every):
        d = shifts[t]
        scale = float(np.abs(still[t][margin:-margin, margin:-margin]).max())
        true_max, true_rms = mismatch(moved_scene(still[t], d), moving[t], scale, margin)
        opp_max, opp_rms = mismatch(moved_scene(still[t], -d), moving[t], scale, margin)
        off_max, off_rms = mismatch(moved_scene(still[t], d + 0.25), moving[t], scale, margin)
        worst["true"] = [max(worst["true"][0], true_max), max(worst["true"][1], true_rms)]
        worst["opposite"] = [min(worst["opposite"][0], opp_max), min(worst["opposite"][1], opp_rms)]
        worst["off"] = [min(worst["off"][0], off_max), min(worst["off"][1], off_rms)]
        ok = true_max <= MAX_TOLERANCE and true_rms <= RMS_TOLERANCE
        detail = f"shift ({d[0]:+.3f}, {d[1]:+.3f}): max {true_max:.4f}, RMS {true_rms:.4f} of the brightest pixel"
        checker.truth(f"frame {t}: still shifted by the truth = moving", ok, detail)
        checker.truth(f"frame {t}: opposite sign and 0.25 px off are worse", min(opp_rms, off_rms) > 2 * true_rms,
                      f"RMS opposite {opp_rms:.4f}, 0.25 px off {off_rms:.4f}, truth {true_rms:.4f}")
        if phase_cross_correlation is not None:
            found, _, _ = phase_cross_correlation(windowed(still[t]), windowed(moving[t]), upsample_factor=100)
            error = float(np.abs(np.asarray(found) - d).max())
            worst["pcc"] = max(worst["pcc"], error)
            checker.truth(f"frame {t}: phase_cross_correlation(still, moving) finds it",
                          error <= REGISTRATION_TOLERANCE_PX,
                          f"({found[0]:+.2f}, {found[1]:+.2f}) vs truth ({d[0]:+.3f}, {d[1]:+.3f}): {error:.3f} px")
    checker.info(f"truth: worst max {worst['true'][0]:.4f}, worst RMS {worst['true'][1]:.4f} (tolerances "
                 f"{MAX_TOLERANCE}, {RMS_TOLERANCE}); opposite sign best RMS {worst['opposite'][1]:.4f}; "
                 f"0.25 px off best RMS {worst['off'][1]:.4f}; phase_cross_correlation worst {worst['pcc']:.3f} px")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--still", required=True)
    parser.add_argument("--moving", required=True)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    golden_lib.run_main("golden.motion", lambda checker: check(checker, args))


if __name__ == "__main__":
    main()
