#!/usr/bin/python3
"""check_motion_benefit.py — what motion correction buys: each synthetic cell's ΔF/F₀
against its true ΔF/F, with and without correction (docs/motion.md).

    check_motion_benefit.py --truth TRUTH_DIR --corrected RUN --uncorrected RUN [--still RUN]

RUN are calmon-analyze outputs for the same moving movie (TRUTH_DIR its truth/) with
tests/golden/motion_benefit_on.json (ROIs = the true cell masks, ring neuropil r 0.7, a
301-frame moving median; "motion": {}) and motion_benefit_off.json (the same without
"motion"); --still, the still twin of the movie analysed without correction, is the
best correction can do. For every cell, Pearson's r of dff_settled (and, for
information, dff_live) with truth/dff.npy. Checks:
  - corrected: r >= 0.9 for every cell;
  - uncorrected: the mean r at least 0.1 lower (the motion is a few px, as at a rig);
  - with --still: the corrected mean r within 0.02 of the still movie's.
Prints the per-cell table. Needs numpy.
"""
import argparse
import os

import numpy as np

from golden_lib import GoldenError, Run, run_main

MIN_CORRECTED = 0.9
MIN_DROP = 0.1
STILL_GAP = 0.02


def correlations(run, truth_dff, which):
    dff = run.npy(which)
    if dff.shape != truth_dff.T.shape:
        raise GoldenError(f"{run.dir}/{which}.npy has shape {dff.shape}, truth/dff.npy {truth_dff.shape}")
    if np.isnan(dff).any():
        raise GoldenError(f"{run.dir}/{which}.npy has {int(np.isnan(dff).sum())} NaN values")
    return np.array([np.corrcoef(dff[:, i], truth_dff[i])[0, 1] for i in range(dff.shape[1])])


def body(check, args):
    truth_dff = np.load(os.path.join(args.truth, "dff.npy"))  # (cells, frames)
    motion = np.load(os.path.join(args.truth, "motion.npy"))
    runs = {"corrected": Run(args.corrected), "uncorrected": Run(args.uncorrected)}
    if args.still:
        runs["still"] = Run(args.still)
    for label, run in runs.items():
        if run.names != [f"cell{k}" for k in range(1, truth_dff.shape[0] + 1)]:
            raise GoldenError(f"{label} run: ROIs {run.names}, expected cell1..cell{truth_dff.shape[0]}")
    if runs["uncorrected"].exists("motion.npy") or not runs["corrected"].exists("motion.npy"):
        raise GoldenError("the corrected run must have motion.npy and the uncorrected one not")
    r = {(label, which): correlations(run, truth_dff, which) for label, run in runs.items()
         for which in ("dff_settled", "dff_live")}
    check.info(f"{truth_dff.shape[1]} frames; true motion dy {motion[:, 0].min():+.2f}..{motion[:, 0].max():+.2f} px, "
               f"dx {motion[:, 1].min():+.2f}..{motion[:, 1].max():+.2f} px (sd {motion[:, 0].std():.2f}, "
               f"{motion[:, 1].std():.2f})")
    labels = list(runs)
    check.info("Pearson r with truth/dff.npy; settled (live)")
    check.info("cell    " + "".join(f"{label:>18}" for label in labels))
    for i in range(truth_dff.shape[0]):
        cells = "".join(f"{r[(label, 'dff_settled')][i]:>11.3f} ({r[(label, 'dff_live')][i]:.3f})" for label in labels)
        check.info(f"cell{i + 1:<4}{cells}")
    means = "".join(f"{r[(label, 'dff_settled')].mean():>11.3f} ({r[(label, 'dff_live')].mean():.3f})"
                    for label in labels)
    check.info(f"mean    {means}")

    corrected, uncorrected = r[("corrected", "dff_settled")], r[("uncorrected", "dff_settled")]
    check.truth(f"corrected: dff_settled r >= {MIN_CORRECTED} for every cell", (corrected >= MIN_CORRECTED).all(),
                f"lowest {corrected.min():.3f} (cell{int(np.argmin(corrected)) + 1})")
    drop = corrected.mean() - uncorrected.mean()
    check.truth(f"uncorrected: mean r at least {MIN_DROP} lower", drop >= MIN_DROP,
                f"mean {uncorrected.mean():.3f} vs {corrected.mean():.3f} corrected: {drop:.3f} lower; "
                f"{int((uncorrected < corrected).sum())} of {len(corrected)} cells lower")
    if args.still:
        still = r[("still", "dff_settled")]
        gap = still.mean() - corrected.mean()
        check.truth(f"corrected: mean r within {STILL_GAP} of the still movie's", abs(gap) <= STILL_GAP,
                    f"still {still.mean():.3f}, corrected {corrected.mean():.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--truth", required=True)
    parser.add_argument("--corrected", required=True)
    parser.add_argument("--uncorrected", required=True)
    parser.add_argument("--still")
    args = parser.parse_args()
    run_main("golden.motion_benefit", lambda check: body(check, args))


if __name__ == "__main__":
    main()
