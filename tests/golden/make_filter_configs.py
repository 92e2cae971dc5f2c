#!/usr/bin/env python3
"""make_filter_configs.py — how filters.json and filters_short.json were made (not run by ctest).

    make_filter_configs.py TRUTH_DIR OUT_DIR

TRUTH_DIR is `calmon-synth DIR`'s DIR/truth of the default movie (seed 1, 80x60): the
masks of cells 1, 4 and 10 come from its masks.npy and weights.npy. The configs are
committed as static JSON; rerun this only to change them on purpose.
"""
import json
import sys

import numpy as np

truth, out_dir = sys.argv[1], sys.argv[2]
masks = np.load(f"{truth}/masks.npy")
weights = np.load(f"{truth}/weights.npy")


def px(x, y):
    return {"pixel": {"x": x, "y": y}}


def rect(x0, x1, y0, y1):
    return {"rect": {"xmin": x0, "xmax": x1, "ymin": y0, "ymax": y1}}


def mask(xs, ys, w=None):
    m = {"x": [int(v) for v in xs], "y": [int(v) for v in ys]}
    if w is not None:
        m["weight"] = [float(v) for v in w]
    return {"mask": m}


def npx(x, y, r):
    """A neuropil from one pixel, the notebook's way."""
    return {"region": px(x, y), "r": r}


def moving(w, p=None):
    b = {"window": w}
    if p is not None:
        b["percentile"] = p
    return {"moving": b}


def cumulative(**k):
    return {"cumulative": k}


def maximin(w, s):
    return {"maximin": {"window": w, "sigma": s}}


def roi(name, region, neuropil=None, baseline=None):
    r = {"name": name, "region": region}
    if neuropil is not None:
        r["neuropil"] = neuropil
    if baseline is not None:
        r["baseline"] = baseline
    return r


# Masks from the synthetic movie's ground truth.
ys1, xs1 = np.nonzero(masks == 1)                      # cell 1, unit weights
w4 = weights[3]                                         # cell 4, soft footprint
ys4, xs4 = np.nonzero(w4 > 0.05)
lam4 = [float(f"{v:.6g}") for v in w4[ys4, xs4]]
rng = np.random.default_rng(7)
ys10, xs10 = np.nonzero(masks == 10)                    # cell 10: shuffled order, random weights, one 0
order = rng.permutation(len(xs10))
lam10 = [float(f"{v:.4g}") for v in rng.uniform(0.05, 2.0, len(xs10))]
lam10[3] = 0.0

rois = []
# Moving medians, odd and even, small and large, longer than the movie (2000 frames).
for w in (1, 2, 3, 4, 10, 11, 100, 101, 500, 1000, 1999, 2000, 2001, 2500, 4000, 4001):
    rois.append(roi(f"px_w{w}", px(21, 25), npx(20, 28, 0.7), moving(w)))
rois.append(roi("rect_cell2_ring_w201", rect(59, 68, 27, 35), {"ring": {}, "r": 0.7}, moving(201)))
rois.append(roi("rect_cell2_ring_w2001", rect(59, 68, 27, 35), {"ring": {"inner_gap": 1, "min_pixels": 60}, "r": 0.7}, moving(2001)))
# Moving percentiles.
for w, p in ((201, 0), (201, 8), (201, 10), (201, 33.3), (201, 50), (201, 90), (201, 100), (200, 33.3),
             (1000, 8), (2500, 90), (4, 50), (3, 100), (1, 10), (2, 0), (2001, 33.3), (4001, 10), (30, 50)):
    rois.append(roi(f"px_w{w}_p{p:g}", px(60, 30), npx(56, 33, 0.7), moving(w, p)))
# Cumulative baselines.
rois.append(roi("px_cum_mean_r1", px(39, 40), npx(39, 45, 1.0), cumulative(mean=True)))
rois.append(roi("rect_cum_median", rect(15, 35, 20, 35), npx(39, 45, 0.2), cumulative()))
for p in (0, 10, 33.3, 90, 100):
    rois.append(roi(f"px_cum_p{p:g}", px(60, 30), npx(56, 33, 0.7), cumulative(percentile=p)))
rois.append(roi("mask4_cum_mean", mask(xs4, ys4, lam4), {"global": "MEAN", "r": 0.7}, cumulative(mean=True)))
# Maximin (window, sigma), sigma 0 included.
for w, s in ((600, 10), (101, 3.5), (60, 0), (2001, 5), (1, 0), (4, 1), (2500, 20), (1, 2), (30, 0.5)):
    rois.append(roi(f"px_maximin_w{w}_s{s:g}", px(39, 40), npx(39, 45, 0.2), maximin(w, s)))
# Regions and neuropil sources, with the config's default baseline (moving median 301).
rois += [
    roi("rect_cell1_table", rect(15, 35, 20, 35), {"region": rect(15, 35, 36, 40), "r": 0.7}),
    roi("rect_row", rect(30, 50, 5, 6), {"region": px(30, 3), "r": 0.2}),
    roi("rect_col", rect(75, 76, 10, 50), {"global": "MIN", "r": 0.2}),
    roi("rect_top_global_mean_r1", rect(0, 80, 0, 20), {"global": "MEAN", "r": 1.0}),
    roi("mask1_unit", mask(xs1, ys1), {"ring": {}, "r": 0.7}),
    roi("mask4_weighted_ring", mask(xs4, ys4, lam4), {"ring": {"inner_gap": 1, "min_pixels": 100}, "r": 0.7}),
    roi("mask10_shuffled", mask(xs10[order], ys10[order], lam10), {"region": mask(xs4[:20], ys4[:20], lam4[:20]), "r": 0.7}),
    roi("px_neuropil_unit_mask", px(24, 24), {"region": mask([24, 25, 26, 30], [31, 31, 31, 2]), "r": 1.0}),
    roi("px_ring_gap0", px(50, 10), {"ring": {"inner_gap": 0, "min_pixels": 8}, "r": 0.7}),
    roi("px_corner_ring", px(0, 0), {"ring": {"inner_gap": 3, "min_pixels": 50}, "r": 0.7}),
    roi("px_ring_whole_frame", px(79, 59), {"ring": {"inner_gap": 0, "min_pixels": 100000}, "r": 0.7}),
    roi("rect_ring_gap5_min1", rect(44, 48, 40, 44), {"ring": {"inner_gap": 5, "min_pixels": 1}, "r": 1.0}),
    roi("px_global_mean_r1", px(21, 25), {"global": "MEAN", "r": 1.0}),
    roi("px_global_median_r07", px(60, 30), {"global": "MEDIAN", "r": 0.7}),
    roi("px_global_min_r02", px(39, 40), {"global": "MIN", "r": 0.2}),
    roi("px_global_mean_r0", px(63, 30), {"global": "MEAN", "r": 0.0}),
    roi("px_pixel_r0", px(4, 31), npx(4, 38, 0.0)),
    roi("px_no_neuropil", px(11, 9), {}),
    roi("px_default_neuropil", px(44, 12)),
    roi("px_r1_w11", px(21, 25), npx(20, 28, 1.0), moving(11)),
    # Fcorr of both signs (two background pixels, r = 1), and exactly 0: F0 <= 0 -> NaN, flagged.
    roi("px_mixed_sign_w11", px(57, 23), npx(58, 23, 1.0), moving(11)),
    roi("px_mixed_sign_w2", px(57, 23), npx(58, 23, 1.0), moving(2)),
    roi("px_mixed_sign_w30_p90", px(57, 23), npx(58, 23, 1.0), moving(30, 90)),
    roi("px_mixed_sign_maximin", px(57, 23), npx(58, 23, 1.0), maximin(5, 1)),
    roi("px_mixed_sign_cum_median", px(57, 23), npx(58, 23, 1.0), cumulative()),
    roi("px_self_neuropil_r1", px(21, 25), npx(21, 25, 1.0), moving(11)),
]
filters = {
    "neuropil": {"global": "MEDIAN", "r": 0.5},
    "baseline": {"moving": {"window": 301}},
    "rois": rois,
    "projections": [
        {},
        {"range": {"begin": 100, "end": 500}},
        {"range": {"begin": 1500}, "stats": ["MEAN", "STD"]},
        # Ranges end inside the movie: one beyond it is an error (docs/config.md).
        {"range": {"begin": 1900, "end": 2000}, "stats": ["MAX", "MEAN"]},
        {"range": {"begin": 1999}, "stats": ["MAX"]},
        {"last": 50},
        {"last": 1, "stats": ["MEAN", "STD"]},
        {"last": 2000, "stats": ["MEAN", "STD", "MIN"]},
        {"last": 5000, "stats": ["MEAN", "MAX"]},
        {"last": 50, "crop": {"xmin": 55, "xmax": 75, "ymin": 23, "ymax": 40}},
        {"crop": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}},
        {"name": "cell3_first100", "range": {"begin": 0, "end": 100}, "crop": {"xmin": 0, "xmax": 10, "ymin": 23, "ymax": 40}},
        {"name": "one_pixel_one_frame", "range": {"begin": 3, "end": 4}, "crop": {"xmin": 5, "xmax": 6, "ymin": 7, "ymax": 8}},
        {"name": "repeated_stats", "stats": ["MAX", "MEAN", "MAX"], "range": {"begin": 7, "end": 1234}},
    ],
    "keep_frames": [0, 1, 999, 1998, -1, -2000],
}

short_rois = []
for w in (1, 2, 36, 37, 38, 73, 74, 75, 101, 200):
    short_rois.append(roi(f"px_w{w}", px(21, 25), npx(20, 28, 0.7), moving(w)))
short_rois.append(roi("px_default_baseline", px(60, 30), npx(56, 33, 0.7)))
for w, p in ((37, 10), (38, 90), (200, 33.3), (2, 100), (36, 0), (101, 50), (75, 8)):
    short_rois.append(roi(f"px_w{w}_p{p:g}", px(60, 30), npx(56, 33, 0.7), moving(w, p)))
short_rois += [
    roi("px_cum_mean", px(39, 40), npx(39, 45, 0.7), cumulative(mean=True)),
    roi("px_cum_median", px(39, 40), npx(39, 45, 0.7), cumulative()),
    roi("px_cum_p10", px(39, 40), npx(39, 45, 0.7), cumulative(percentile=10)),
]
for w, s in ((10, 3), (50, 12), (37, 0), (200, 30), (1, 0.3), (2, 9.2)):
    short_rois.append(roi(f"px_maximin_w{w}_s{s:g}", px(39, 40), npx(39, 45, 0.2), maximin(w, s)))
short_rois += [
    roi("rect_cell1_ring", rect(15, 35, 20, 35), {"ring": {}, "r": 0.7}, moving(38)),
    roi("px_global_mean", px(21, 25), {"global": "MEAN", "r": 1.0}, moving(37)),
    roi("px_global_median", px(60, 30), {"global": "MEDIAN", "r": 0.7}, moving(74)),
    roi("px_global_min", px(39, 40), {"global": "MIN", "r": 0.2}, moving(200, 90)),
    roi("mask4_rect_neuropil", mask(xs4, ys4, lam4), {"region": rect(30, 50, 45, 50), "r": 0.7}, moving(101)),
    roi("px_mixed_sign_w11", px(57, 23), npx(58, 23, 1.0), moving(11)),
    roi("px_mixed_sign_w38_p33.3", px(57, 23), npx(58, 23, 1.0), moving(38, 33.3)),
    roi("px_self_neuropil_r1", px(21, 25), npx(21, 25, 1.0), cumulative(mean=True)),
]
short = {
    "rois": short_rois,
    "projections": [
        {},
        {"last": 50},
        {"last": 10, "crop": {"xmin": 55, "xmax": 75, "ymin": 23, "ymax": 40}},
        {"range": {"begin": 30, "end": 37}},
        {"range": {"begin": 36}, "stats": ["MEAN"]},
        {"crop": {"xmin": 0, "xmax": 10, "ymin": 23, "ymax": 40}, "stats": ["MAX", "STD"]},
    ],
    "keep_frames": [0, 20, -1],
}

def dump(config, path):
    lines = ["{"]
    for key in config:
        if key in ("rois", "projections"):
            items = config[key]
            lines.append(f'  "{key}": [')
            for i, item in enumerate(items):
                lines.append("    " + json.dumps(item) + ("," if i + 1 < len(items) else ""))
            lines.append("  ],")
        else:
            lines.append(f'  "{key}": {json.dumps(config[key])},')
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    open(path, "w").write("\n".join(lines) + "\n")

dump(filters, f"{out_dir}/filters.json")
dump(short, f"{out_dir}/filters_short.json")
print(f"{len(rois)} ROIs in filters.json, {len(short_rois)} in filters_short.json")
