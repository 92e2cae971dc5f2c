#!/usr/bin/python3
"""check_imagej.py — ImageJ itself as the reference of calmon-rois: the ROIs ImageJ makes
are measured by calmon as ImageJ measures them, and the ROIs calmon exports are measured
by ImageJ as calmon measures them.

    check_imagej.py --rois CALMON_ROIS --synth CALMON_SYNTH --analyze CALMON_ANALYZE
                    --work DIR [--ij-jar /usr/share/java/ij.jar] [--java java]

1. calmon-synth writes a short movie, which ImageJ opens as it is (so ImageJ's reading of
   calmon-synth's TIFF is checked too, frame by frame); make_imagej_rois.ijm (ImageJ 1.53t, batch mode, no
   display) makes a rectangle, ovals (odd, even, subpixel bounds), polygons (integer,
   subpixel, a triangle whose side runs through pixel centres), freehand outlines
   (integer, subpixel), a wand-traced outline and composites (a donut, two pieces, a
   subpixel polygon joined to an oval), saves each and measures each on every frame.
2. The .roi files go into RoiSet.zip as ImageJ's ROI Manager writes one (an entry
   "<name>.roi" each, deflated, in order); `calmon-rois import RoiSet.zip --movie` reads it.
3. calmon-analyze with those ROIs: each ROI's pixel count must be ImageJ's area and its
   F, frame by frame, ImageJ's mean (printed with 9 decimals: |diff| <= 1e-9).
4. `calmon-rois export` writes the ROIs back as a RoiSet.zip; measure_imagej_rois.ijm has
   ImageJ open each entry (its ROI decoder) and measure it: the same areas and means, and
   ImageJ reads the ROI's name; `calmon-rois import` of that zip gives the same pixels.
5. Masks that only calmon makes (ragged, with holes, pixels touching at a corner) are
   exported the same way and measured by ImageJ: the same pixels, and ImageJ's mean is
   calmon's unweighted F (the weighted one's weights are lost, with a warning).
Exits 77 (ctest: skipped) when ImageJ is not installed.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np

FRAMES = 40
TOLERANCE = 1e-9  # ImageJ's mean is printed with 9 decimals


class Failure(Exception):
    pass


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise Failure(f"{' '.join(map(str, command))} exited {result.returncode}: {result.stderr.strip()}")
    return result


def run_imagej(java, ij_jar, macro, argument, expect):
    # ImageJ 1.53t builds its menus even in batch mode: a headless JVM refuses that, a JVM
    # that is not headless but has no display does it and shows nothing (make_imagej_rois.ijm).
    # Its home is the test's folder, so no one's ImageJ preferences take part.
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    home = os.path.join(os.path.dirname(expect), "imagej-home")
    os.makedirs(home, exist_ok=True)
    result = subprocess.run([java, "-Djava.awt.headless=false", f"-Duser.home={home}", "-jar", ij_jar, "-batch", macro,
                             argument], capture_output=True, text=True, env=env, timeout=240)
    if result.returncode != 0 or not os.path.exists(expect):
        raise Failure(f"ImageJ running {os.path.basename(macro)} (exit {result.returncode}) did not write "
                      f"{expect}: {(result.stdout + result.stderr).strip()[:2000]}")


def read_measures(path):
    """{name: (areas per frame, means per frame)} in the file's order."""
    table = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            areas, means = table.setdefault(row["name"], ([], []))
            areas.append(int(float(row["area"])))
            means.append(float(row["mean"]))
    return table


def pixels_of(region):
    if "rect" in region:
        r = region["rect"]
        return {(x, y) for y in range(r.get("ymin", 0), r["ymax"]) for x in range(r.get("xmin", 0), r["xmax"])}
    if "pixel" in region:
        return {(region["pixel"].get("x", 0), region["pixel"].get("y", 0))}
    mask = region["mask"]
    return set(zip(mask["x"], mask["y"]))


def compare(what, names, pixels, f, measured):
    """calmon's pixels and F against ImageJ's areas and means, ROI by ROI."""
    if list(measured) != names:
        raise Failure(f"{what}: ImageJ measured {list(measured)}, calmon has {names}")
    for i, name in enumerate(names):
        areas, means = measured[name]
        if len(means) != f.shape[0]:
            raise Failure(f"{what}: {name}: ImageJ measured {len(means)} frames, calmon {f.shape[0]}")
        if any(a != len(pixels[name]) for a in areas):
            raise Failure(f"{what}: {name}: calmon has {len(pixels[name])} pixels, ImageJ's area is {areas[0]}")
        diff = np.abs(f[:, i] - np.array(means))
        worst = int(np.argmax(diff))
        if diff[worst] > TOLERANCE:
            raise Failure(f"{what}: {name}: frame {worst}: calmon's F {f[worst, i]!r}, ImageJ's mean {means[worst]!r}")
        print(f"ok {what}: {name}: {len(pixels[name])} pixels = ImageJ's area; F = ImageJ's mean on "
              f"{len(means)} frames (max |diff| {diff.max():.1e})", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rois", required=True)
    parser.add_argument("--synth", required=True)
    parser.add_argument("--analyze", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--ij-jar", default="/usr/share/java/ij.jar")
    parser.add_argument("--java", default="java")
    args = parser.parse_args()
    if not os.path.exists(args.ij_jar) or shutil.which(args.java) is None:
        print(f"SKIPPED: ImageJ is not installed ({args.ij_jar} and {args.java} are needed; "
              "tools/install-deps --test installs Debian's imagej)", flush=True)
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    run([args.synth, os.path.join(work, "synth"), "--frames", str(FRAMES), "--quiet"])
    movie = os.path.join(work, "synth", "movie.tif")

    # 1-2. ImageJ's ROIs, zipped as its ROI Manager does, imported.
    made = os.path.join(work, "imagej")
    os.makedirs(made)
    run_imagej(args.java, args.ij_jar, os.path.join(here, "make_imagej_rois.ijm"), f"{movie}|{made}",
               os.path.join(made, "names.txt"))
    with open(os.path.join(made, "names.txt")) as f:
        names = [line for line in f.read().splitlines() if line]
    roi_set = os.path.join(work, "RoiSet.zip")
    with zipfile.ZipFile(roi_set, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            z.write(os.path.join(made, name + ".roi"), name + ".roi")
    imported = os.path.join(work, "rois.json")
    run([args.rois, "import", roi_set, "--movie", movie, "-o", imported])
    with open(imported) as f:
        rois = json.load(f)["rois"]
    if [roi["name"] for roi in rois] != names:
        raise Failure(f"calmon-rois import named the ROIs {[roi['name'] for roi in rois]}, ImageJ {names}")
    pixels = {roi["name"]: pixels_of(roi["region"]) for roi in rois}

    # 3. calmon's F of each ROI.
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({"rois": rois, "baseline": {"cumulative": {}}, "global_traces": False}, f)
    out = os.path.join(work, "analyzed")
    run([args.analyze, movie, "--config", config, "--out", out, "--quiet"])
    f_trace = np.load(os.path.join(out, "F.npy"))
    compare("ImageJ's ROIs in calmon", names, pixels, f_trace, read_measures(os.path.join(made, "measured.csv")))

    # 4. calmon's export, opened and measured by ImageJ.
    exported = os.path.join(work, "exported.zip")
    run([args.rois, "export", "--from", imported, "-o", exported])
    back = os.path.join(work, "exported")
    os.makedirs(back)
    with zipfile.ZipFile(exported) as z:
        entries = z.namelist()
        if entries != [name + ".roi" for name in names]:
            raise Failure(f"{exported}: entries {entries}, expected one '<name>.roi' per ROI in order")
        z.extractall(back)
    with open(os.path.join(back, "names.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    measured_back = os.path.join(work, "exported.csv")
    run_imagej(args.java, args.ij_jar, os.path.join(here, "measure_imagej_rois.ijm"), f"{movie}|{back}|{measured_back}",
               measured_back)
    with open(measured_back) as f:
        stored = {row["name"]: row["stored_name"] for row in csv.DictReader(f)}
    for name in names:
        if stored.get(name) != name:
            raise Failure(f"ImageJ reads the name {stored.get(name)!r} from calmon's {name}.roi")
    compare("calmon's export in ImageJ", names, pixels, f_trace, read_measures(measured_back))
    again = json.loads(run([args.rois, "import", exported]).stdout)["rois"]
    for roi in again:
        if pixels_of(roi["region"]) != pixels[roi["name"]]:
            raise Failure(f"{roi['name']}: calmon-rois import of its own export gives other pixels")
    print(f"ok calmon's export imported again: the same pixels for all {len(again)} ROIs", flush=True)

    # 5. Masks only calmon makes (Suite2p-like: ragged, with holes, pixels touching at a
    # corner, one weighted), exported and measured by ImageJ.
    random = np.random.default_rng(5)
    masks = []
    for k in range(30):
        w, h = int(random.integers(2, 14)), int(random.integers(2, 14))
        x0, y0 = int(random.integers(0, 80 - w)), int(random.integers(0, 60 - h))
        inside = random.random((h, w)) < 0.2 + 0.7 * (k % 5) / 4
        inside[h // 2, w // 2] = True
        ys, xs = np.nonzero(inside)
        mask = {"x": [int(x0 + x) for x in xs], "y": [int(y0 + y) for y in ys]}
        if k == 0:
            mask["weight"] = [1.0 + (i % 3) for i in range(len(xs))]
        masks.append({"name": f"mask_{k}", "region": {"mask": mask}})
    mask_config = os.path.join(work, "masks.json")
    with open(mask_config, "w") as f:
        json.dump({"rois": masks, "baseline": {"cumulative": {}}, "global_traces": False}, f)
    # ImageJ has no weights: calmon's F of the weighted one is compared unweighted.
    unweighted = [dict(m, region={"mask": {"x": m["region"]["mask"]["x"], "y": m["region"]["mask"]["y"]}})
                  for m in masks]
    with open(os.path.join(work, "masks_unweighted.json"), "w") as f:
        json.dump({"rois": unweighted, "baseline": {"cumulative": {}}, "global_traces": False}, f)
    out = os.path.join(work, "masks_analyzed")
    run([args.analyze, movie, "--config", os.path.join(work, "masks_unweighted.json"), "--out", out, "--quiet"])
    mask_f = np.load(os.path.join(out, "F.npy"))
    mask_zip = os.path.join(work, "masks.zip")
    exported = run([args.rois, "export", "--from", mask_config, "-o", mask_zip])
    if "ROI 'mask_0': its mask's weights are not all 1" not in exported.stderr:
        raise Failure(f"no warning about mask_0's weights: {exported.stderr.strip()}")
    mask_names = [m["name"] for m in masks]
    mask_dir = os.path.join(work, "masks")
    with zipfile.ZipFile(mask_zip) as z:
        z.extractall(mask_dir)
    with open(os.path.join(mask_dir, "names.txt"), "w") as f:
        f.write("\n".join(mask_names) + "\n")
    mask_measured = os.path.join(work, "masks.csv")
    run_imagej(args.java, args.ij_jar, os.path.join(here, "measure_imagej_rois.ijm"),
               f"{movie}|{mask_dir}|{mask_measured}", mask_measured)
    compare("calmon's masks in ImageJ", mask_names, {m["name"]: pixels_of(m["region"]) for m in masks}, mask_f,
            read_measures(mask_measured))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (Failure, OSError, KeyError, ValueError, subprocess.TimeoutExpired) as e:
        print(f"FAIL rois.imagej: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
