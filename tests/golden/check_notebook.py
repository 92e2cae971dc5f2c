#!/usr/bin/env python3
"""check_notebook.py — the course notebook's own numpy/scipy code vs calmon-analyze.

    check_notebook.py GROUP --movie MOVIE.tif --out RUN_DIR --config notebook.json

RUN_DIR is `calmon-analyze MOVIE.tif --config docs/examples/notebook.json --out RUN_DIR`.
Each GROUP is one section of exercises of the course notebook, written as the
notebook writes it, and compared with calmon's files at docs/golden-tests.md's tolerances:

  frames                data[0], data[115], data[-1]                       bit-exact
  projections           data.mean/max/min/std(0), data[100:500].max(0), the
                        three cell crops                                   max/min bit-exact, mean/std 1e-9
  global_neuropil       np.mean/median/min(data, axis=(1, 2))              median/min bit-exact, mean 1e-9
  neuropil_correction   cell - r * neuropil, r = 1.0 / 0.7 / 0.2           1e-12 (bit-exact reported)
  cumulative_baselines  np.mean / np.median / np.percentile(F, 10)         1e-12, numpy 'linear'
  median_filter         median_filter(F, 11 / 201 / 501 / 1001)            settled F0 bit for bit
  live_baseline         np.median(F[t-w+1:t+1]) for every t                bit-exact
  dff                   F - F0, (F - F0) / F0                              bit-exact; NaN + flag where F0 <= 0
"""
import sys

import numpy as np
from scipy.ndimage import median_filter

import golden_lib as g

# The notebook's pixels (section 3 numbering, as docs/config.md and notebook.json name them).
CELL1 = dict(cell=(40, 39), neuropil=(45, 39))  # (y, x): data[:, 40, 39], data[:, 45, 39]
CELL2 = dict(cell=(30, 60), neuropil=(33, 56))
CELL3 = dict(cell=(25, 21), neuropil=(28, 20))


def corr_traces(data):
    """Section 3's opening cell, verbatim."""
    cell1_corr_trace = data[:, 40, 39] - 0.7 * data[:, 45, 39]
    cell2_corr_trace = data[:, 30, 60] - 0.7 * data[:, 33, 56]
    cell3_corr_trace = data[:, 25, 21] - 0.7 * data[:, 28, 20]
    return cell1_corr_trace, cell2_corr_trace, cell3_corr_trace


def check_frames(c, data, run, config):
    for label, k in (("data[0]", 0), ("data[115]", 115), ("data[-1]", -1)):
        rep_image = data[k, :, :]
        index = k % data.shape[0]
        c.exact(f"{label} vs frame_{index}.npy", run.npy(f"frame_{index}"), rep_image.astype(np.float64))
        tif = run.path(f"frame_{index}.tif")
        if run.exists(f"frame_{index}.tif"):
            from tifffile import imread

            c.exact(f"{label} vs frame_{index}.tif (float32)", imread(tif), rep_image.astype(np.float32))


def check_projections(c, data, run, config):
    # Section 1: representative images.
    c.close("data[:, :, :].mean(axis=0) vs all_mean", run.npy("all_mean"), data[:, :, :].mean(axis=0), 1e-9)
    c.exact("data.max(axis=0) vs all_max", run.npy("all_max"), data.max(axis=0).astype(np.float64))
    c.exact("data.min(axis=0) vs all_min", run.npy("all_min"), data.min(axis=0).astype(np.float64))
    c.close("data.std(axis=0) vs all_std", run.npy("all_std"), data.std(axis=0), 1e-9)
    c.exact("data[100:500].max(axis=0)", run.npy("frames_100_500_max"),
            data[100:500, :, :].max(axis=0).astype(np.float64))
    # The three cells of the cell table, cropped.
    c.close("data[:, 20:35, 15:35].mean(axis=0) (cell 1)", run.npy("cell1_crop_mean"),
            data[:, 20:35, 15:35].mean(axis=0), 1e-9)
    c.close("data[:, 23:40, 55:75].mean(axis=0) (cell 2)", run.npy("cell2_crop_mean"),
            data[:, 23:40, 55:75].mean(axis=0), 1e-9)
    c.exact("data[0:100, 23:40, 0:10].max(axis=0) (cell 3)", run.npy("cell3_first100_max"),
            data[0:100, 23:40, 0:10].max(axis=0).astype(np.float64))


def check_global_neuropil(c, data, run, config):
    npil_mean = np.mean(data, axis=(1, 2))
    npil_median = np.median(data, axis=(1, 2))
    npil_min = np.min(data, axis=(1, 2))
    c.close("np.mean(data, axis=(1,2)) vs global_mean", run.npy("global_mean"), npil_mean, 1e-9)
    c.exact("np.mean(data, axis=(1,2)), bit for bit", run.npy("global_mean"), npil_mean)
    c.exact("np.median(data, axis=(1,2)) vs global_median", run.npy("global_median"), npil_median)
    c.exact("np.min(data, axis=(1,2)) vs global_min", run.npy("global_min"), npil_min.astype(np.float64))


def check_neuropil_correction(c, data, run, config):
    cases = (("cell3_r1.0", (25, 21), (28, 20), 1.0),
             ("cell2_r0.7", (30, 60), (33, 56), 0.7),
             ("cell1_r0.2", (40, 39), (45, 39), 0.2))
    for name, (cy, cx), (ny, nx), r in cases:
        cell_trace = data[:, cy, cx]
        neuropil_trace = data[:, ny, nx]
        F_corr = cell_trace - r * neuropil_trace
        c.exact(f"{name}: F = data[:, {cy}, {cx}]", run.column("F", name), cell_trace.astype(np.float64))
        c.exact(f"{name}: Fneu = data[:, {ny}, {nx}]", run.column("Fneu", name), neuropil_trace.astype(np.float64))
        scale = np.abs(cell_trace) + r * np.abs(neuropil_trace)
        c.close(f"{name}: cell - {r} * neuropil", run.column("Fcorr", name), F_corr, 1e-12, scale=scale)
        c.exact(f"{name}: cell - {r} * neuropil, bit for bit", run.column("Fcorr", name), F_corr)
    # Section 3's traces (r = 0.7) feed every baseline ROI of the config.
    traces = dict(zip(("cell1", "cell2", "cell3"), corr_traces(data)))
    for name in run.names:
        cell = name.split("_")[0]
        if name in {case[0] for case in cases} or cell not in traces:
            continue
        c.exact(f"{name}: Fcorr = {cell}_corr_trace", run.column("Fcorr", name), traces[cell])


def check_cumulative_baselines(c, data, run, config):
    cell1_corr_trace, cell2_corr_trace, cell3_corr_trace = corr_traces(data)
    cases = (("cell1_mean", "np.mean(cell1_corr_trace)", np.mean(cell1_corr_trace)),
             ("cell2_median", "np.median(cell2_corr_trace)", np.median(cell2_corr_trace)),
             ("cell3_p10", "np.percentile(cell3_corr_trace, 10)", np.percentile(cell3_corr_trace, 10)),
             ("cell1_median", "np.median(cell1_corr_trace)", np.median(cell1_corr_trace)))
    for name, label, F0 in cases:
        settled = run.column("F0_settled", name)
        c.close(f"{name}: settled F0 == {label}", settled, np.full(settled.shape, F0), 1e-12)
        c.close(f"{name}: last live F0 == {label}", run.column("F0_live", name)[-1:], np.array([F0]), 1e-12)
    # Live, the same statistic of the frames so far, at every frame.
    for name, trace, spec in (("cell1_mean", cell1_corr_trace, {"mean": True}),
                              ("cell2_median", cell2_corr_trace, {}),
                              ("cell3_p10", cell3_corr_trace, {"percentile": 10})):
        c.close(f"{name}: live F0[t] == stat(F[:t+1])", run.column("F0_live", name),
                g.cumulative_live(trace, spec), 1e-12)


def notebook_trace(data, roi):
    """The notebook's corrected trace of a pixel ROI, with the ROI's own pixels and r:
    data[:, y, x] - r * data[:, ny, nx] (section 3 writes it with r = 0.7)."""
    x, y = roi["region"]["pixel"]["x"], roi["region"]["pixel"]["y"]
    neuropil = roi["neuropil"]
    nx, ny = neuropil["region"]["pixel"]["x"], neuropil["region"]["pixel"]["y"]
    r = neuropil.get("r", g.DEFAULT_R)
    return data[:, y, x] - r * data[:, ny, nx], f"(data[:, {y}, {x}] - {r:g} * data[:, {ny}, {nx}])"


def moving_rois(data, config):
    """(name, window, trace, label) of the config's moving-median ROIs, in config order."""
    for roi in config["rois"]:
        baseline = g.effective_baseline(roi, config)
        if g.baseline_kind(baseline) == "moving" and "percentile" not in baseline["moving"]:
            trace, label = notebook_trace(data, roi)
            yield roi["name"], baseline["moving"]["window"], trace, label


def check_median_filter(c, data, run, config):
    checked = set()
    for name, w, trace, label in moving_rois(data, config):
        F0 = median_filter(trace, w)
        c.exact(f"{name}: median_filter(F, {w})", run.column("F0_settled", name), F0)
        checked.add(w)
    c.info("F = data[:, y, x] - r * data[:, ny, nx] with each ROI's pixels and r (notebook section 3)")
    if not {11, 201, 501, 1001} <= checked:
        raise g.GoldenError(f"the config lacks some of the notebook's windows 11, 201, 501, 1001 (has {sorted(checked)})")


def check_live_baseline(c, data, run, config):
    for name, w, F, label in moving_rois(data, config):
        live = np.array([np.median(F[max(0, t - w + 1):t + 1]) for t in range(len(F))])
        c.exact(f"{name}: np.median(F[max(0,t-{w}+1):t+1])", run.column("F0_live", name), live)


def check_dff(c, data, run, config):
    cell1_corr_trace, cell2_corr_trace, cell3_corr_trace = corr_traces(data)
    # Section 4, verbatim where calmon has the output.
    F0 = np.median(cell1_corr_trace)
    df = cell1_corr_trace - F0
    c.exact("cell1_median: cell1_corr_trace - np.median(.)",
            run.column("Fcorr", "cell1_median") - run.column("F0_settled", "cell1_median"), df)
    for w in (201, 11):
        F0 = median_filter(cell3_corr_trace, w)
        df = cell3_corr_trace - F0
        name = f"cell3_w{w}"
        c.exact(f"{name}: cell3_corr_trace - median_filter(., {w})",
                run.column("Fcorr", name) - run.column("F0_settled", name), df)
    for name, trace in (("cell1_w201", cell1_corr_trace), ("cell2_w201", cell2_corr_trace),
                        ("cell3_w201", cell3_corr_trace), ("cell3_w11", cell3_corr_trace)):
        w = int(name.split("_w")[1])
        F0 = median_filter(trace, w)
        dff = g.dff_reference(trace, F0)  # (trace - F0) / F0, NaN where F0 <= 0
        undefined = ~(F0 > 0)
        c.exact(f"{name}: (F - F0) / F0 (settled)", run.column("dff_settled", name), dff)
        flags = run.column("flags_settled", name)
        c.truth(f"{name}: settled flag bit 0 <=> F0 <= 0", np.array_equal((flags & 1) != 0, undefined),
                f"{int(undefined.sum())} frames with F0 <= 0, {int(((flags & 1) != 0).sum())} flagged")
        live_F0 = np.array([np.median(trace[max(0, t - w + 1):t + 1]) for t in range(len(trace))])
        c.exact(f"{name}: (F - F0) / F0 (live)", run.column("dff_live", name), g.dff_reference(trace, live_F0))
        live_flags = run.column("flags_live", name)
        c.truth(f"{name}: live flag bit 0 <=> F0 <= 0", np.array_equal((live_flags & 1) != 0, ~(live_F0 > 0)),
                f"{int((~(live_F0 > 0)).sum())} frames with F0 <= 0, {int(((live_flags & 1) != 0).sum())} flagged")
    # Every ROI: the published ΔF/F₀ is (Fcorr - F0) / F0 of the published columns.
    n_nan = 0
    for name in run.names:
        for kind in ("settled", "live"):
            F0 = run.column(f"F0_{kind}", name)
            n_nan += int((~(F0 > 0)).sum())
            c.exact(f"{name}: dff_{kind} == (Fcorr - F0_{kind}) / F0_{kind}", run.column(f"dff_{kind}", name),
                    g.dff_reference(run.column("Fcorr", name), F0))
    c.info(f"{n_nan} (ROI, frame, live/settled) samples have F0 <= 0 and ΔF/F₀ NaN")


GROUPS = {
    "frames": check_frames,
    "projections": check_projections,
    "global_neuropil": check_global_neuropil,
    "neuropil_correction": check_neuropil_correction,
    "cumulative_baselines": check_cumulative_baselines,
    "median_filter": check_median_filter,
    "live_baseline": check_live_baseline,
    "dff": check_dff,
}


def main():
    parser = g.common_args(__doc__.splitlines()[1])
    args = parser.parse_args()
    if args.group not in GROUPS:
        parser.error(f"unknown group '{args.group}'; one of {', '.join(GROUPS)}")

    def body(c):
        data = g.load_movie(args.movie)
        run = g.Run(args.out)
        config = g.load_config(args.config)
        print(f"golden.{args.group}: movie {args.movie} {data.shape} {data.dtype}, run {args.out}", flush=True)
        GROUPS[args.group](c, data, run, config)

    g.run_main(f"golden.{args.group}", body)


if __name__ == "__main__":
    main()
