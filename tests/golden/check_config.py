#!/usr/bin/env python3
"""check_config.py — numpy/scipy's answer for every output of a calmon-analyze run, derived
from the run's config alone.

    check_config.py GROUP --movie MOVIE.tif --out RUN_DIR --config CONFIG.json

Where check_notebook.py replays the notebook's own lines, this reads any config (the
filter stress configs filters.json and filters_short.json) and computes, independently
of calmon, what each ROI's numbers must be (docs/config.md defines them):

  traces       F (pixel, rect, weighted mask), Fneu (pixel, rect, mask, ring computed
               here from neuropil_ring.h's definition, global MEAN/MEDIAN/MIN, none),
               Fcorr = F - r * Fneu, and the global traces
  moving       settled F0 vs scipy median_filter / percentile_filter(Fcorr, p, size=w),
               bit for bit; live F0 vs np.median / np.percentile of the trailing window
  cumulative   np.mean / np.median / np.percentile of Fcorr, settled and live
  maximin      gaussian_filter1d -> minimum_filter1d -> maximum_filter1d (settled), and
               the causal chain of maximin_baseline.h (live)
  dff          (Fcorr - F0) / F0, NaN and flag bit 0 exactly where F0 <= 0
  projections  every projection (ranges, last N, crops) and kept frame

Moving and maximin baselines are computed on calmon's own Fcorr column (the F calmon
measured); `traces` separately pins Fcorr to numpy's, so the whole chain is numpy's.
"""
import sys

import numpy as np

import golden_lib as g


def rois_with(config, kind):
    for roi in config["rois"]:
        baseline = g.effective_baseline(roi, config)
        if g.baseline_kind(baseline) == kind:
            yield roi, baseline[kind]


def check_layout(c, data, run, config):
    frames, n = data.shape[0], len(config["rois"])
    want_names = [roi.get("name") or f"roi{i}" for i, roi in enumerate(config["rois"])]
    c.truth("rois.json names == config ROI names", run.names == want_names,
            f"{len(run.names)} ROIs in rois.json, {n} in the config")
    c.truth("rois.json frames/width/height", (run.rois["frames"], run.rois["height"], run.rois["width"]) ==
            data.shape, f"{run.rois['frames']} frames of {run.rois['width']}x{run.rois['height']}, movie {data.shape}")
    for name in ("F", "Fneu", "Fcorr", "F0_live", "dff_live", "flags_live", "F0_settled", "dff_settled",
                 "flags_settled"):
        a = run.npy(name)
        c.truth(f"{name}.npy shape", a.shape == (frames, n), f"{a.shape} (want {(frames, n)}, dtype {a.dtype})")


def check_traces(c, data, run, config):
    check_layout(c, data, run, config)
    globals_ = g.global_traces(data)
    if config.get("global_traces", True):
        c.close("global_mean (np.mean(data, axis=(1,2)))", run.npy("global_mean"), globals_["MEAN"], 1e-9)
        c.exact("global_mean, bit for bit", run.npy("global_mean"), globals_["MEAN"])
        c.exact("global_median (np.median(data, axis=(1,2)))", run.npy("global_median"), globals_["MEDIAN"])
        c.exact("global_min (np.min(data, axis=(1,2)))", run.npy("global_min"), globals_["MIN"])
    by_name = {roi["name"]: roi for roi in run.rois["rois"]}
    for roi in config["rois"]:
        name = roi["name"]
        region = roi["region"]
        F_ref = g.region_trace(data, region)
        F = run.column("F", name)
        kind = g.region_kind(region)
        unit = g.region_is_unit_weight(region)
        if unit:
            c.exact(f"{name}: F ({kind})", F, F_ref)
        else:
            c.close(f"{name}: F (weighted mask)", F, F_ref, 1e-12)
        Fneu_ref, r, what, neu_exact = g.neuropil_reference(data, roi, config, globals_)
        Fneu = run.column("Fneu", name)
        Fcorr = run.column("Fcorr", name)
        if Fneu_ref is None:
            c.exact(f"{name}: Fneu = 0 (no neuropil)", Fneu, np.zeros_like(F_ref))
            c.exact(f"{name}: Fcorr = F (no neuropil)", Fcorr, F_ref)
            continue
        neuropil = g.effective_neuropil(roi, config)
        if "ring" in neuropil:
            ys, xs = g.ring_pixels(roi, config["rois"], neuropil["ring"], data.shape[1], data.shape[2])
            c.truth(f"{name}: ring pixel count", by_name[name]["neuropil_pixels"] == len(xs),
                    f"calmon {by_name[name]['neuropil_pixels']}, numpy's ring {len(xs)}")
        if neu_exact:
            c.exact(f"{name}: Fneu ({what})", Fneu, Fneu_ref)
        else:
            c.close(f"{name}: Fneu ({what})", Fneu, Fneu_ref, 1e-12)
        Fcorr_ref = F_ref - r * Fneu_ref
        label = f"{name}: Fcorr = F - {r:g} * Fneu"
        if unit and neu_exact:
            c.exact(label, Fcorr, Fcorr_ref)
        else:
            c.close(label, Fcorr, Fcorr_ref, 1e-12, scale=np.abs(F_ref) + r * np.abs(Fneu_ref))
        c.exact(f"{name}: Fcorr == F - r*Fneu of its own columns", Fcorr, F - r * Fneu)


def check_moving(c, data, run, config):
    for roi, spec in rois_with(config, "moving"):
        name = roi["name"]
        w = spec["window"]
        p = spec.get("percentile")
        F = run.column("Fcorr", name)
        what = f"median_filter(F, {w})" if p is None else f"percentile_filter(F, {p:g}, size={w})"
        c.exact(f"{name}: settled {what}", run.column("F0_settled", name), g.scipy_moving(F, w, p))
        what = "np.median" if p is None else f"np.percentile(., {p:g})"
        c.exact(f"{name}: live {what} of last {w}", run.column("F0_live", name), g.trailing_quantile(F, w, p))


def check_cumulative(c, data, run, config):
    for roi, spec in rois_with(config, "cumulative"):
        name = roi["name"]
        F = run.column("Fcorr", name)
        what = g.describe_baseline({"cumulative": spec})
        F0 = g.cumulative_value(F, spec)
        c.close(f"{name}: settled {what}", run.column("F0_settled", name), np.full(len(F), F0), 1e-12)
        c.close(f"{name}: live {what} of F[:t+1]", run.column("F0_live", name), g.cumulative_live(F, spec), 1e-12)


def check_maximin(c, data, run, config):
    for roi, spec in rois_with(config, "maximin"):
        name = roi["name"]
        w = spec["window"]
        sigma = float(spec.get("sigma", 0.0))
        F = run.column("Fcorr", name)
        # The gaussian's rounding is relative to the samples it averages, not to its result
        # (which crosses 0 for a trace of both signs): the tolerance is 1e-12 of max |F|.
        scale = np.full(len(F), np.max(np.abs(F)))
        c.close(f"{name}: settled maximin w={w} sigma={sigma:g}", run.column("F0_settled", name),
                g.scipy_maximin(F, w, sigma), 1e-12, scale=scale)
        c.close(f"{name}: live maximin w={w} sigma={sigma:g}", run.column("F0_live", name),
                g.maximin_live(F, w, sigma), 1e-12, scale=scale)
        if sigma > 0:
            # Diagnosis for the last bits: scipy's own chain (correlate1d, minimum_filter1d,
            # maximum_filter1d) with the kernel's exp() taken from the C library instead of
            # numpy's SIMD exp, which may differ by an ulp.
            c.exact(f"{name}: settled, scipy chain with a libm-exp kernel", run.column("F0_settled", name),
                    g.scipy_maximin(F, w, sigma, exp=g.libm_exp))
            c.exact(f"{name}: live, with a libm-exp kernel", run.column("F0_live", name),
                    g.maximin_live(F, w, sigma, exp=g.libm_exp))


def check_dff(c, data, run, config):
    for kind in ("settled", "live"):
        undefined = flagged = other_bits = 0
        mismatches = []
        for roi in config["rois"]:
            name = roi["name"]
            Fcorr = run.column("Fcorr", name)
            F0 = run.column(f"F0_{kind}", name)
            bad = ~(F0 > 0)
            c.exact(f"{name}: dff_{kind} = (Fcorr - F0) / F0", run.column(f"dff_{kind}", name),
                    g.dff_reference(Fcorr, F0))
            flags = run.column(f"flags_{kind}", name)
            undefined += int(bad.sum())
            flagged += int(((flags & 1) != 0).sum())
            other_bits += int(((flags & ~np.uint8(1)) != 0).sum())
            wrong = np.nonzero(((flags & 1) != 0) != bad)[0]
            if len(wrong):
                mismatches.append(f"{name} frame {wrong[0]} (F0 {F0[wrong[0]]!r}, flags {flags[wrong[0]]})")
        c.truth(f"flags_{kind}: bit 0 <=> F0 <= 0, no other bit", not mismatches and other_bits == 0,
                f"all {len(config['rois'])} ROIs: {undefined} samples with F0 <= 0 (dff NaN), {flagged} flagged, "
                f"{other_bits} with other bits" + (f"; wrong at {mismatches[0]}" if mismatches else ""))


def projection_name(p):
    if p.get("name"):
        return p["name"]
    if "range" in p:
        r = p["range"]
        name = f"frames_{r.get('begin', 0)}_{r['end'] if 'end' in r else 'end'}"
    elif "last" in p:
        name = f"last_{p['last']}"
    else:
        name = "all"
    if "crop" in p:
        r = p["crop"]
        name += f"_crop_x{r.get('xmin', 0)}-{r.get('xmax', 0)}_y{r.get('ymin', 0)}-{r.get('ymax', 0)}"
    return name


def check_projections(c, data, run, config):
    projections = config.get("projections") or [{}]
    for p in projections:
        name = projection_name(p)
        if "range" in p:
            r = p["range"]
            frames = data[int(r.get("begin", 0)):(int(r["end"]) if "end" in r else None)]
            label = f"data[{r.get('begin', 0)}:{r.get('end', '')}]"
        elif "last" in p:
            frames = data[-int(p["last"]):]
            label = f"data[-{p['last']}:]"
        else:
            frames = data
            label = "data"
        if "crop" in p:
            r = p["crop"]
            frames = frames[:, r.get("ymin", 0):r.get("ymax", 0), r.get("xmin", 0):r.get("xmax", 0)]
            label += f"[:, {r.get('ymin', 0)}:{r.get('ymax', 0)}, {r.get('xmin', 0)}:{r.get('xmax', 0)}]"
        stats = [s.lower() for s in p.get("stats", [])] or ["mean", "max", "min", "std"]
        for stat in dict.fromkeys(stats):
            file = f"{name}_{stat}"
            if frames.shape[0] == 0:
                c.truth(f"{file}: no frames, no file", not run.exists(file + ".npy"), f"{label} is empty")
                continue
            want = getattr(frames, stat)(axis=0)
            if stat in ("max", "min"):
                c.exact(f"{file} = {label}.{stat}(0)", run.npy(file), want.astype(np.float64))
            else:
                c.close(f"{file} = {label}.{stat}(0)", run.npy(file), want, 1e-9)
    for k in config.get("keep_frames", []):
        index = int(k) % data.shape[0]
        c.exact(f"frame_{index} = data[{k}]", run.npy(f"frame_{index}"), data[int(k)].astype(np.float64))


GROUPS = {
    "traces": check_traces,
    "moving": check_moving,
    "cumulative": check_cumulative,
    "maximin": check_maximin,
    "dff": check_dff,
    "projections": check_projections,
}


def main():
    parser = g.common_args(__doc__.splitlines()[1])
    parser.add_argument("--label", default="config", help="name of this run in the output (e.g. filters)")
    args = parser.parse_args()
    if args.group not in GROUPS:
        parser.error(f"unknown group '{args.group}'; one of {', '.join(GROUPS)}")

    def body(c):
        data = g.load_movie(args.movie)
        run = g.Run(args.out)
        config = g.load_config(args.config)
        for i, roi in enumerate(config.get("rois", [])):
            roi.setdefault("name", f"roi{i}")
        print(f"golden.{args.label}.{args.group}: movie {args.movie} {data.shape} {data.dtype}, "
              f"config {args.config}, run {args.out}", flush=True)
        GROUPS[args.group](c, data, run, config)

    g.run_main(f"golden.{args.label}.{args.group}", body)


if __name__ == "__main__":
    main()
