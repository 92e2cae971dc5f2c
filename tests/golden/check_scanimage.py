#!/usr/bin/python3
"""check_scanimage.py — calmon-rig-sim's ScanImage-style files and calmon's reading of them,
against tifffile, an independent reader (docs/follow.md#scanimage-files).

    check_scanimage.py --series DIR --classic DIR --movie MOVIE.tif --analyze CALMON_ANALYZE --work DIR

DIR holds a series written by `calmon-rig-sim --scanimage --channels 2 --planes 3
--rate 30 --frames-per-file 25` (BigTIFF in --series, classic TIFF in --classic); MOVIE.tif
is calmon-synth's movie with the same frames (`--frames 120 --rate 90`). Checks:
  - tifffile calls every file ScanImage (TiffFile.is_scanimage); for the BigTIFF files
    its scanimage_metadata (the static header) gives our frame and volume rates, saved
    channels, slices and frames per file; for the classic files tifffile's own MATLAB
    parser (matlabstr2py) gives the same from the Software tag;
  - over the series, every page's frameNumbers and frameTimestamps_sec (parsed by
    tifffile) are frame k's: k + 1 and k / 90 s, with channels fastest (2 pages a frame);
  - every page's pixels, read by tifffile, are the movie's frame k plus 1000·channel +
    100·plane, plane = k mod 3 — ScanImage's order, channels, then planes, then volumes;
  - calmon-analyze on each file with --channel c --slice z reads exactly the pages tifffile
    finds for that channel and plane at each whole time point of the file: the time point
    count, global_mean.npy (np.mean of each page, bit for bit) and the first and last
    frames kept (keep_frames, bit for bit);
  - its time.npy is, bit for bit, ts - ts[0], where ts are the frameTimestamps_sec that
    tifffile's MATLAB parser reads from those pages' descriptions, and rois.json names the
    "acquisition clock" with the rate of one plane, scanVolumeRate (fast z, 3 planes).
"""
import argparse
import glob
import json
import os
import subprocess

import numpy as np
import tifffile

from golden_lib import GoldenError, run_main

CHANNELS, PLANES, VOLUMES, FRAMES_PER_FILE = 2, 3, 40, 25
VOLUME_RATE = 30.0
FRAME_RATE = VOLUME_RATE * PLANES


def series_files(folder):
    files = sorted(glob.glob(os.path.join(folder, "rig_00001_*.tif")))
    if len(files) != -(-VOLUMES * PLANES // FRAMES_PER_FILE):
        raise GoldenError(f"{folder}: {len(files)} files, expected {-(-VOLUMES * PLANES // FRAMES_PER_FILE)}")
    return files


def check_header(c, path, frame_data, label):
    c.exact(f"{label} scanFrameRate", np.float64(frame_data["SI.hRoiManager.scanFrameRate"]), np.float64(FRAME_RATE))
    c.exact(f"{label} scanVolumeRate", np.float64(frame_data["SI.hRoiManager.scanVolumeRate"]),
            np.float64(VOLUME_RATE))
    c.exact(f"{label} channelSave", np.ravel(frame_data["SI.hChannels.channelSave"]), np.arange(1, CHANNELS + 1))
    c.exact(f"{label} actualNumSlices", np.int64(frame_data["SI.hStackManager.actualNumSlices"]), np.int64(PLANES))
    c.exact(f"{label} logFramesPerFile", np.int64(frame_data["SI.hScan2D.logFramesPerFile"]),
            np.int64(FRAMES_PER_FILE))
    c.exact(f"{label} fast z", np.bool_(frame_data["SI.hFastZ.enable"]), np.bool_(True))


def read_series(c, files, bigtiff, movie):
    """Every page of the series: (file, page in file, frame k, channel, pixels)."""
    pages = []
    for path in files:
        name = os.path.basename(path)
        with tifffile.TiffFile(path) as tif:
            if not tif.is_scanimage:
                raise GoldenError(f"{path}: tifffile does not see a ScanImage file")
            if tif.is_bigtiff != bigtiff:
                raise GoldenError(f"{path}: BigTIFF is {tif.is_bigtiff}, expected {bigtiff}")
            if bigtiff:
                meta = tif.scanimage_metadata
                if not meta or "FrameData" not in meta:
                    raise GoldenError(f"{path}: tifffile finds no ScanImage static header")
                c.exact(f"{name} static header version", np.int64(meta["version"]), np.int64(3))
                check_header(c, path, meta["FrameData"], f"{name} static header")
            software = tifffile.matlabstr2py(tif.pages.first.software)
            check_header(c, path, software, f"{name} Software tag")
        # tifffile's shortcut for classic ScanImage files (pages computed from the distance
        # between the first ones, docs/follow.md) is left out: every IFD is read.
        with tifffile.TiffFile(path, is_scanimage=False) as tif:
            for i, page in enumerate(tif.pages):
                lines = tifffile.matlabstr2py(page.description)
                pages.append((path, i, lines, page.asarray()))
    got_numbers = np.array([p[2]["frameNumbers"] for p in pages])
    got_times = np.array([p[2]["frameTimestamps_sec"] for p in pages], dtype=np.float64)
    k = np.arange(len(pages)) // CHANNELS
    c.exact("pages in the series", np.int64(len(pages)), np.int64(VOLUMES * PLANES * CHANNELS))
    c.exact("frameNumbers, channels fastest", got_numbers, k + 1)
    c.exact("frameNumberAcquisition", np.array([p[2]["frameNumberAcquisition"] for p in pages]), k + 1)
    # Written with 9 decimals: k / 90 rounded there.
    c.exact("frameTimestamps_sec = k / frame rate", got_times, np.round(k / FRAME_RATE, 9))
    want = []
    for g in range(len(pages)):
        frame, channel = divmod(g, CHANNELS)
        offset = 1000 * channel + 100 * (frame % PLANES)
        want.append(np.minimum(movie[frame].astype(np.int64) + offset, 65535).astype(np.uint16))
    c.exact("pixels: movie frame k + 1000*channel + 100*plane", np.stack([p[3] for p in pages]), np.stack(want))
    return pages


def check_calmon_reads(c, pages, analyze, work, label):
    by_file = {}
    for index, (path, i, lines, pixels) in enumerate(pages):
        by_file.setdefault(path, []).append((index, pixels, lines["frameTimestamps_sec"]))
    config = os.path.join(work, "keep.json")
    with open(config, "w") as f:
        json.dump({"keep_frames": [0, -1], "projections": []}, f)
    for path, file_pages in by_file.items():
        first_page = file_pages[0][0]
        in_file = {g: pixels for g, pixels, _ in file_pages}
        stamps = {g: float(ts) for g, _, ts in file_pages}
        # Whole time points: every channel of every plane of volume v is in this file.
        volumes = sorted({g // (CHANNELS * PLANES) for g in in_file})
        whole = [v for v in volumes if all(v * CHANNELS * PLANES + j in in_file for j in range(CHANNELS * PLANES))]
        for channel in range(CHANNELS):
            for plane in range(PLANES):
                want = np.stack([in_file[(v * PLANES + plane) * CHANNELS + channel] for v in whole])
                out = os.path.join(work, f"{label}_{os.path.basename(path)}_c{channel}_z{plane}")
                subprocess.run([analyze, path, "--out", out, "--config", config, "--channel", str(channel),
                                "--slice", str(plane), "--quiet"], check=True, stdout=subprocess.DEVNULL)
                name = f"{label} {os.path.basename(path)} (starts at page {first_page}) c{channel} z{plane}"
                got_mean = np.load(os.path.join(out, "global_mean.npy"))
                c.exact(f"{name} time points", np.int64(got_mean.shape[0]), np.int64(len(whole)))
                c.exact(f"{name} global_mean", got_mean, np.mean(want, axis=(1, 2)))
                c.exact(f"{name} first frame", np.load(os.path.join(out, "frame_0.npy")), want[0].astype(np.float64))
                last = len(whole) - 1
                c.exact(f"{name} last frame", np.load(os.path.join(out, f"frame_{last}.npy")),
                        want[-1].astype(np.float64))
                ts = np.array([stamps[(v * PLANES + plane) * CHANNELS + channel] for v in whole], dtype=np.float64)
                c.exact(f"{name} time.npy = ts - ts[0]", np.load(os.path.join(out, "time.npy")), ts - ts[0])
                with open(os.path.join(out, "rois.json")) as f:
                    rois = json.load(f)
                if rois.get("time_source") != "acquisition clock":
                    raise GoldenError(f"{name}: rois.json time_source {rois.get('time_source')!r}")
                c.exact(f"{name} rois.json frame_rate_hz", np.float64(rois["frame_rate_hz"]), np.float64(VOLUME_RATE))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", required=True)
    parser.add_argument("--classic", required=True)
    parser.add_argument("--movie", required=True)
    parser.add_argument("--analyze", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    def body(c):
        movie = tifffile.imread(args.movie)
        if movie.shape[0] != VOLUMES * PLANES:
            raise GoldenError(f"{args.movie}: {movie.shape[0]} frames, expected {VOLUMES * PLANES}")
        os.makedirs(args.work, exist_ok=True)
        for folder, bigtiff, label in ((args.series, True, "bigtiff"), (args.classic, False, "classic")):
            pages = read_series(c, series_files(folder), bigtiff, movie)
            check_calmon_reads(c, pages, args.analyze, args.work, label)

    run_main("scanimage", body)


if __name__ == "__main__":
    main()
