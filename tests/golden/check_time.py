#!/usr/bin/python3
"""check_time.py — calmon-analyze's time base (time.npy, rois.json's time_source and
frame_rate_hz) on files whose time comes from a declared rate, against numpy.

    check_time.py --movie MOVIE.tif --analyze CALMON_ANALYZE --work DIR

MOVIE.tif is calmon-synth's movie, whose ImageJ description carries finterval=. Checks:
  - the synthetic movie without a config rate: time.npy is np.arange(n) / (1 / finterval),
    bit for bit, finterval as tifffile reads it; time_source "declared frame rate";
  - the same movie with the config's frame_rate_hz: the config's rate wins;
  - a plain TIFF of the same frames (tifffile, no description) with the config's
    frame_rate_hz: np.arange(n) / rate, bit for bit; time_source "config frame rate";
  - the plain TIFF without one: no time.npy (one left by an earlier run into the same
    folder is removed), time_source "" and frame_rate_hz 0.
(ScanImage's acquisition clock is checked by check_scanimage.py.)
"""
import argparse
import json
import os
import subprocess

import numpy as np
import tifffile

from golden_lib import GoldenError, run_main

CONFIG_RATE = 7.3


def analyze(analyze_program, movie, out, config=None):
    command = [analyze_program, movie, "--out", out, "--quiet"]
    if config is not None:
        command += ["--config", config]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "rois.json")) as f:
        return json.load(f)


def expect_source(name, rois, source):
    if rois.get("time_source") != source:
        raise GoldenError(f"{name}: rois.json time_source {rois.get('time_source')!r}, expected {source!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--movie", required=True)
    parser.add_argument("--analyze", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    def body(c):
        os.makedirs(args.work, exist_ok=True)
        with tifffile.TiffFile(args.movie) as tif:
            finterval = float(tif.imagej_metadata["finterval"])
            frames = tif.asarray()
        n = frames.shape[0]
        declared = 1.0 / finterval

        out = os.path.join(args.work, "synth")
        rois = analyze(args.analyze, args.movie, out)
        expect_source("synthetic movie", rois, "declared frame rate")
        c.exact("synthetic movie: rois.json frame_rate_hz = 1 / finterval", np.float64(rois["frame_rate_hz"]),
                np.float64(declared))
        c.exact("synthetic movie: time.npy = arange(n) / (1 / finterval)", np.load(os.path.join(out, "time.npy")),
                np.arange(n) / declared)

        config = os.path.join(args.work, "rate.json")
        with open(config, "w") as f:
            json.dump({"frame_rate_hz": CONFIG_RATE}, f)
        out = os.path.join(args.work, "synth_config_rate")
        rois = analyze(args.analyze, args.movie, out, config)
        expect_source("synthetic movie, config rate", rois, "config frame rate")
        c.exact("synthetic movie, config rate: time.npy = arange(n) / rate", np.load(os.path.join(out, "time.npy")),
                np.arange(n) / CONFIG_RATE)

        plain = os.path.join(args.work, "plain.tif")
        tifffile.imwrite(plain, frames, metadata=None)
        with tifffile.TiffFile(plain) as tif:
            if tif.pages.first.description:
                raise GoldenError(f"{plain}: has a description {tif.pages.first.description!r}")
        out = os.path.join(args.work, "plain")
        rois = analyze(args.analyze, plain, out, config)
        expect_source("plain TIFF, config rate", rois, "config frame rate")
        c.exact("plain TIFF, config rate: rois.json frame_rate_hz", np.float64(rois["frame_rate_hz"]),
                np.float64(CONFIG_RATE))
        c.exact("plain TIFF, config rate: time.npy = arange(n) / rate", np.load(os.path.join(out, "time.npy")),
                np.arange(n) / CONFIG_RATE)

        rois = analyze(args.analyze, plain, out)  # the same folder: the earlier time.npy must go
        expect_source("plain TIFF, no rate", rois, "")
        c.exact("plain TIFF, no rate: rois.json frame_rate_hz", np.float64(rois["frame_rate_hz"]), np.float64(0))
        if os.path.exists(os.path.join(out, "time.npy")):
            raise GoldenError("plain TIFF, no rate: time.npy was written (or an old one kept)")
        c.exact("plain TIFF, no rate: traces still written", np.int64(np.load(os.path.join(out, "global_mean.npy")).size),
                np.int64(n))

    run_main("time", body)


if __name__ == "__main__":
    main()
