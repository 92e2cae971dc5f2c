#!/usr/bin/python3
"""make_motion_configs.py — writes the static configs of the motion golden tests.

    make_motion_configs.py TRUTH_DIR OUT_DIR

TRUTH_DIR is the truth/ folder of the default 80x60 synthetic movie (calmon-synth, seed
1; its cells do not depend on --motion or --frames). Writes, into OUT_DIR:
  - motion_analysis.json: every kind of ROI and neuropil the motion checks compare
    (check_motion_analysis.py): the ten true cells as unit masks, three as weighted masks
    (their soft footprints), pixels, rectangles at and across the borders (where
    registered frames have pixels from outside the frame), neuropil as a pixel, a
    rectangle, a mask and the three global statistics; "motion": {}.
  - motion_benefit_on.json / motion_benefit_off.json: the ten true cells as unit masks
    with a ring neuropil (r 0.7), a 301-frame moving-median baseline, with and without
    "motion": {} (check_motion_benefit.py).
The configs are committed; run this again only if the synthetic cells change.
"""
import json
import os
import sys

import numpy as np


def mask_region(ys, xs, weights=None):
    order = np.lexsort((xs, ys))  # row-major, as numpy lists them
    mask = {"x": [int(v) for v in xs[order]], "y": [int(v) for v in ys[order]]}
    if weights is not None:
        mask["weight"] = [round(float(w), 6) for w in weights[order]]
    return {"mask": mask}


def cell_masks(truth):
    labels = np.load(os.path.join(truth, "masks.npy"))
    return [mask_region(*np.nonzero(labels == k)) for k in range(1, int(labels.max()) + 1)]


def weighted_masks(truth, cells):
    weights = np.load(os.path.join(truth, "weights.npy"))
    regions = []
    for k in cells:
        w = weights[k - 1]
        ys, xs = np.nonzero(w >= 0.01)
        regions.append(mask_region(ys, xs, w[ys, xs]))
    return regions


def write(path, config):
    with open(path, "w") as f:
        f.write("{\n")
        for key, value in config.items():
            last = key == list(config)[-1]
            if key == "rois":
                f.write('  "rois": [\n')
                f.write(",\n".join("    " + json.dumps(roi, separators=(", ", ": ")) for roi in value))
                f.write("\n  ]" + ("" if last else ",") + "\n")
            else:
                f.write(f'  "{key}": {json.dumps(value)}' + ("" if last else ",") + "\n")
        f.write("}\n")


def analysis_config(truth):
    masks = cell_masks(truth)
    rois = []
    globals_ = ["MEAN", "MEDIAN", "MIN"]
    for k, region in enumerate(masks, start=1):
        if k % 4 == 1:
            neuropil = {"global": globals_[(k // 4) % 3], "r": 0.7}
        elif k % 4 == 2:
            neuropil = None
        else:
            neuropil = {"global": globals_[k % 3], "r": 0.7}
        roi = {"name": f"cell{k}", "region": region}
        if neuropil:
            roi["neuropil"] = neuropil
        rois.append(roi)
    for k, region in zip((1, 3, 9), weighted_masks(truth, (1, 3, 9))):
        rois.append({"name": f"cell{k}_weighted", "region": region,
                     "neuropil": {"region": {"rect": {"xmin": 0, "xmax": 80, "ymin": 0, "ymax": 3}}, "r": 0.5}})
    rois += [
        {"name": "pixel_cell3", "region": {"pixel": {"x": 21, "y": 25}},
         "neuropil": {"region": {"pixel": {"x": 20, "y": 28}}, "r": 1.0}},
        {"name": "pixel_left", "region": {"pixel": {"x": 0, "y": 30}},
         "neuropil": {"region": {"pixel": {"x": 79, "y": 30}}, "r": 0.7}},
        {"name": "pixel_corner", "region": {"pixel": {"x": 79, "y": 59}}},
        {"name": "pixel_top", "region": {"pixel": {"x": 40, "y": 0}},
         "neuropil": {"region": {"rect": {"xmin": 35, "xmax": 45, "ymin": 0, "ymax": 2}}, "r": 0.7}},
        {"name": "rect_right", "region": {"rect": {"xmin": 74, "xmax": 80, "ymin": 20, "ymax": 40}},
         "neuropil": {"region": masks[1], "r": 0.3}},
        {"name": "rect_bottom_left", "region": {"rect": {"xmin": 0, "xmax": 12, "ymin": 52, "ymax": 60}},
         "neuropil": {"global": "MEDIAN", "r": 0.7}},
        {"name": "rect_centre", "region": {"rect": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}},
         "neuropil": {"region": {"rect": {"xmin": 0, "xmax": 80, "ymin": 57, "ymax": 60}}, "r": 0.7}},
        {"name": "rect_frame", "region": {"rect": {"xmin": 0, "xmax": 80, "ymin": 0, "ymax": 60}}},
    ]
    return {
        "rois": rois,
        "baseline": {"moving": {"window": 101}},
        "projections": [{"name": "all", "stats": ["MEAN", "MAX", "MIN", "STD"]}],
        "keep_frames": [0, 299, -1],
        "global_traces": True,
        "motion": {},
    }


def benefit_config(truth, motion):
    rois = [{"name": f"cell{k}", "region": region} for k, region in enumerate(cell_masks(truth), start=1)]
    config = {
        "rois": rois,
        "neuropil": {"ring": {}, "r": 0.7},
        "baseline": {"moving": {"window": 301}},
        "projections": [{"name": "all", "stats": ["MEAN"]}],
    }
    if motion:
        config["motion"] = {}
    return config


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    truth, out = sys.argv[1:]
    write(os.path.join(out, "motion_analysis.json"), analysis_config(truth))
    write(os.path.join(out, "motion_benefit_on.json"), benefit_config(truth, True))
    write(os.path.join(out, "motion_benefit_off.json"), benefit_config(truth, False))


if __name__ == "__main__":
    main()
