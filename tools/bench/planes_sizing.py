#!/usr/bin/env python3
"""planes_sizing.py — how many planes of a volumetric session one machine keeps up with.

    tools/bench/planes_sizing.py --calmond build/bin/calmond --planes 5 --rois 33334 \
        --width 600 --height 600 --rate 2 --volumes 120

Starts one calmond per plane on this machine (ipc:// endpoints in a scratch folder,
--plane Z, no dashboard, --max-rois as needed), each with the same kind of ROI set as
calmon-bench (N 12x12 rectangles at seeded random positions, the automatic neuropil
ring, a moving-median baseline of --window frames), then sends --volumes volumes of
random uint16 frames (8 distinct volumes, cycled) at --rate volumes per second with
calmon_client.VolumeSender, each plane to its calmond, on an absolute schedule — after
--warmup volumes, sent at the same rate, whose backlog (each session's start compiles
its ROI set) is left to drain first. Every second of the measured part (from its third second:
a Status covers the second before it) it asks each calmond's Status; at the end it prints one `name value` line per figure: ROI updates per second sent, frames processed, the largest ingest queue and
lag (Status.lag_p99_ms, acquisition to publication) seen, how long after the last
volume the last end of stream was acknowledged, and each calmond's resident memory.
The machine kept up if every frame was processed, the queues stayed near empty and the
lag stayed near one frame's processing time. docs/scale.md has the method and the
figures. No subscriber runs: subscribers are expected on another machine.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import calmon_client


def roi_set(rois, width, height, window, seed):
    rng = np.random.default_rng(seed)
    side = 12
    xs = rng.integers(0, width - side, rois)
    ys = rng.integers(0, height - side, rois)
    return {
        "neuropil": {"ring": {}, "r": 0.7},
        "baseline": {"moving": {"window": window}},
        "rois": [{"name": f"roi{i}", "region": {"rect": {"xmin": int(x), "xmax": int(x) + side - 1,
                                                         "ymin": int(y), "ymax": int(y) + side - 1}}}
                 for i, (x, y) in enumerate(zip(xs, ys))],
    }


def resident_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calmond", required=True)
    parser.add_argument("--planes", type=int, default=5)
    parser.add_argument("--rois", type=int, default=33334, help="ROIs per plane")
    parser.add_argument("--width", type=int, default=600)
    parser.add_argument("--height", type=int, default=600)
    parser.add_argument("--window", type=int, default=501)
    parser.add_argument("--rate", type=float, default=2.0, help="volumes per second")
    parser.add_argument("--volumes", type=int, default=120, help="volumes measured")
    parser.add_argument("--warmup", type=int, default=10, help="volumes sent before measuring")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a calmond may make no progress")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="calmon-planes-")
    daemons, controls = [], []
    try:
        config = os.path.join(scratch, "rois.json")
        with open(config, "w") as f:
            json.dump(roi_set(args.rois, args.width, args.height, args.window, args.seed), f)
        routes = {}
        for z in range(args.planes):
            endpoint = {name: f"ipc://{scratch}/plane{z}-{name}" for name in ("ingest", "publish", "control")}
            daemon = subprocess.Popen([args.calmond, "--analysis", config, "--plane", str(z), "--no-http",
                                       "--max-rois", str(max(20000, args.rois)), "--ingest", endpoint["ingest"],
                                       "--publish", endpoint["publish"], "--control", endpoint["control"]],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            daemons.append(daemon)
            ready = daemon.stdout.readline()
            if '"ready"' not in ready:
                sys.exit(f"planes_sizing: calmond of plane {z} did not start: {ready.strip()}")
            controls.append(calmon_client.Control(endpoint["control"], timeout=args.timeout))
            routes[z] = (endpoint["ingest"], endpoint["control"])

        rng = np.random.default_rng(args.seed)
        volumes = rng.integers(100, 4000, (8, args.planes, args.height, args.width), dtype=np.uint16)
        worst_queue, worst_lag, lags_p50 = 0, 0.0, []
        with calmon_client.VolumeSender(routes, timeout=args.timeout) as sender:
            start = time.monotonic()
            for k in range(args.warmup):
                time.sleep(max(0.0, start + k / args.rate - time.monotonic()))
                sender.send(volumes[k % len(volumes)])
            warmup_started = start
            deadline = time.monotonic() + args.timeout
            while any(control.status().frames_processed < args.warmup for control in controls):
                if time.monotonic() > deadline:
                    sys.exit(f"planes_sizing: the warm-up's {args.warmup} volumes were not processed "
                             f"within {args.timeout} s")
                time.sleep(0.1)
            warmup_drained = time.monotonic() - warmup_started
            start = time.monotonic()
            next_status = start + 2.0  # Status covers the last second: the warm-up's is left out
            for k in range(args.volumes):
                due = start + k / args.rate
                while time.monotonic() < due:
                    if time.monotonic() >= next_status:  # each calmond's Status, once a second
                        for control in controls:
                            status = control.status()
                            worst_queue = max(worst_queue, status.ingest_queue_frames)
                            worst_lag = max(worst_lag, status.lag_p99_ms)
                            lags_p50.append(status.lag_p50_ms)
                        next_status = time.monotonic() + 1.0
                    time.sleep(max(0.0, min(0.01, due - time.monotonic())))
                sender.send(volumes[k % len(volumes)])
            last_sent = time.monotonic()
            reports = sender.end_of_stream()
            drained = time.monotonic() - last_sent
        memory = [resident_mib(daemon.pid) for daemon in daemons]
        processed = sum(report.frames_processed for report in reports.values()) - args.planes * args.warmup
        print(f"planes {args.planes}")
        print(f"rois_per_plane {args.rois}")
        print(f"frame {args.width}x{args.height}")
        print(f"volumes_per_second {args.rate:g}")
        print(f"roi_updates_per_second {args.planes * args.rois * args.rate:.0f}")
        print(f"frames_sent {args.planes * args.volumes}")
        print(f"frames_processed {processed}")
        print(f"warmup_processed_after_s {warmup_drained:.2f}")
        print(f"max_ingest_queue_frames {worst_queue}")
        print(f"median_lag_p50_ms {np.median(lags_p50) if lags_p50 else float('nan'):.1f}")
        print(f"max_lag_p99_ms {worst_lag:.1f}")
        print(f"last_acknowledged_after_s {drained:.2f}")
        print(f"daemon_rss_mib_each {' '.join(f'{m:.0f}' for m in memory)}")
        return 0 if processed == args.planes * args.volumes else 1
    finally:
        for control in controls:
            control.close()
        for daemon in daemons:
            daemon.terminate()
        for daemon in daemons:
            try:
                daemon.wait(30)
            except subprocess.TimeoutExpired:
                daemon.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
