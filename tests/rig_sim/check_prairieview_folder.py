#!/usr/bin/env python3
"""Checks a PrairieView-style folder written by calmon's writer with independent readers:
Debian's tifffile for the OME-TIFFs and xml.etree for the XML.

    check_prairieview_folder.py DRIVER WORKDIR

DRIVER is rig_sim_write_prairieview (tests/rig_sim/write_prairieview.cc). Two series are
written into WORKDIR: a two-channel T-series and a one-channel series of 3 planes. For
each, every file must be an OME-TIFF (tifffile's is_ome) of one uint16 page whose pixels
are the documented source pattern through its channel's gain and offset; the XML must
name exactly the files in the folder, with cycle, channel and index matching the names,
and relativeTime/absoluteTime on the frame period's grid. Prints one line per check and
exits 1 if any failed.
"""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import tifffile

FAILURES = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not ok:
        FAILURES.append(name)


def source(width, height, volume, plane):
    """The driver's source frame: (3x + 5y + 7v + 11p) mod 4000 + 1."""
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    return (3 * x + 5 * y + 7 * volume + 11 * plane) % 4000 + 1


def stored(values, position):
    """Channel number `position` (0 for the first given): value * (position + 1) + 1000 * position, saturated."""
    return np.minimum(values * (position + 1) + 1000 * position, 65535).astype(np.uint16)


def check_series(driver, folder, width, height, channels, planes, volumes, period):
    label = f"{len(channels)} channel(s), {planes} plane(s)"
    if os.path.exists(folder):
        shutil.rmtree(folder)
    run = subprocess.run([driver, folder, str(width), str(height), ",".join(map(str, channels)), str(planes),
                          str(volumes), repr(period)], capture_output=True, text=True)
    check(f"{label}: the driver ran", run.returncode == 0, run.stdout.strip() + run.stderr.strip())
    if run.returncode != 0:
        return
    xml_path = run.stdout.split(" xml ", 1)[1].strip()
    series = os.path.basename(xml_path)[: -len(".xml")]
    root = ET.parse(xml_path).getroot()
    check(f"{label}: the XML is a PVScan", root.tag == "PVScan", root.tag)
    state = {v.get("key"): v.get("value") for v in root.findall("./PVStateShard/PVStateValue")}
    check(f"{label}: framePeriod, pixelsPerLine, linesPerFrame",
          float(state["framePeriod"]) == period and int(state["pixelsPerLine"]) == width
          and int(state["linesPerFrame"]) == height, str(state))

    frames = []  # (cycle, frame element), in document order
    for sequence in root.findall("Sequence"):
        for frame in sequence.findall("Frame"):
            frames.append((int(sequence.get("cycle")), frame))
    check(f"{label}: {volumes * planes} frames in the XML", len(frames) == volumes * planes, str(len(frames)))

    pattern = re.compile(re.escape(series) + r"_Cycle(\d{5})_Ch(\d+)_(\d{6})\.ome\.tif$")
    named = set()
    bad_names, bad_times, bad_files = [], [], []
    first_absolute = float(frames[0][1].get("absoluteTime"))
    for i, (cycle, frame) in enumerate(frames):
        volume, plane = divmod(i, planes)
        index = int(frame.get("index"))
        want_cycle, want_index = (volume + 1, plane + 1) if planes > 1 else (1, volume + 1)
        if (cycle, index) != (want_cycle, want_index):
            bad_names.append(f"frame {i}: cycle {cycle} index {index}")
        relative = float(frame.get("relativeTime"))
        absolute = float(frame.get("absoluteTime"))
        want_relative = (plane if planes > 1 else volume) * period
        if abs(relative - want_relative) > 1e-9 or abs(absolute - first_absolute - i * period) > 1e-9:
            bad_times.append(f"frame {i}: relativeTime {relative} absoluteTime {absolute}")
        files = frame.findall("File")
        if [int(f.get("channel")) for f in files] != channels:
            bad_files.append(f"frame {i}: channels {[f.get('channel') for f in files]}")
            continue
        for position, file in enumerate(files):
            name = file.get("filename")
            named.add(name)
            match = pattern.match(name)
            if not match or tuple(map(int, match.groups())) != (cycle, channels[position], index):
                bad_names.append(name)
                continue
            with tifffile.TiffFile(os.path.join(folder, name)) as tif:
                ome = ET.fromstring(tif.ome_metadata) if tif.is_ome else None
                if not tif.is_ome or len(tif.pages) != 1:
                    bad_files.append(f"{name}: is_ome {tif.is_ome}, {len(tif.pages)} pages")
                    continue
                pixels = tif.pages[0].asarray()
            ns = {"ome": "http://www.openmicroscopy.org/Schemas/OME/2016-06"}
            p = ome.find(".//ome:Pixels", ns)
            c = ome.find(".//ome:Channel", ns)
            if (p.get("Type"), int(p.get("SizeX")), int(p.get("SizeY")), c.get("Name")) != (
                    "uint16", width, height, f"Ch{channels[position]}"):
                bad_files.append(f"{name}: OME-XML {p.attrib} {c.attrib}")
            want = stored(source(width, height, volume, plane), position)
            if pixels.dtype != np.uint16 or pixels.shape != (height, width) or not np.array_equal(pixels, want):
                bad_files.append(f"{name}: pixels differ from the source through channel {channels[position]}")
    check(f"{label}: cycle, index and channel in the XML match each file's name", not bad_names, "; ".join(bad_names[:3]))
    check(f"{label}: relativeTime and absoluteTime on the {period} s grid", not bad_times, "; ".join(bad_times[:3]))
    check(f"{label}: every file an OME-TIFF (tifffile) with the source's pixels for its channel", not bad_files,
          "; ".join(bad_files[:3]))
    on_disk = set(os.listdir(folder)) - {os.path.basename(xml_path)}
    check(f"{label}: the XML names exactly the {len(on_disk)} files in the folder", on_disk == named,
          f"not named {sorted(on_disk - named)[:3]}, missing {sorted(named - on_disk)[:3]}")
    # The channels differ visibly: same frame, different channel, different pixels.
    if len(channels) > 1:
        first = [tifffile.imread(os.path.join(folder, f.get("filename"))) for f in frames[0][1].findall("File")]
        check(f"{label}: the channels of a frame differ", not np.array_equal(first[0], first[1]),
              f"means {[float(a.mean()) for a in first]}")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    driver, work = argv[1], argv[2]
    os.makedirs(work, exist_ok=True)
    check_series(driver, os.path.join(work, "tseries"), 40, 30, [1, 2], 1, 12, 0.04)
    check_series(driver, os.path.join(work, "volumes"), 33, 21, [2], 3, 4, 0.01)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
