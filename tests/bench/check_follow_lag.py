#!/usr/bin/python3
"""check_follow_lag.py — calmon-bench --follow-lag, briefly: it runs and reports every frame.

    check_follow_lag.py CALMON_BENCH CALMON_FOLLOW

Runs calmon-bench --follow-lag on a few small frames (the real calmon-follow behind a
writer of a growing ScanImage-style series, rolling over to a new file several times) and
checks its output: every figure docs/benchmarks.md describes is there as a "name value"
line, every frame arrived once (lost 0, duplicated 0), the end of stream came and
calmon-follow exited 0. Speed is not asserted: the lag's figures only have to be numbers,
the percentiles in order. Standard library only.
"""

import math
import subprocess
import sys

FIGURES = [
    "follow_rate_hz", "follow_poll_ms", "files_on_tmpfs", "frames_written", "frames_received", "lost",
    "duplicated", "unexpected", "lag_p50_us", "lag_p99_us", "lag_p999_us", "lag_max_us", "follow_cpu_s",
    "follow_cpu_percent", "follow_cpu_us_per_frame", "end_of_stream_seen", "follow_exit_status",
]
FRAMES = 60


def main():
    bench, follow = sys.argv[1], sys.argv[2]
    command = [bench, "--follow-lag", "--calmon-follow", follow, "--rate", "200", "--frames", str(FRAMES),
               "--warmup", "5", "--width", "80", "--height", "60", "--frames-per-file", "20", "--poll-ms", "2"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    sys.stderr.write(run.stderr)
    print(run.stdout, end="")
    failures = []
    if run.returncode != 0:
        failures.append(f"exit status {run.returncode}")
    figures = {}
    for line in run.stdout.splitlines():
        name, _, value = line.partition(" ")
        try:
            figures[name] = float(value)
        except ValueError:
            failures.append(f"not a 'name value' line: {line!r}")
    for name in FIGURES:
        if name not in figures:
            failures.append(f"no {name} line")
        elif not math.isfinite(figures[name]):
            failures.append(f"{name} is {figures[name]}")
    expected = {"frames_written": FRAMES, "frames_received": FRAMES, "lost": 0, "duplicated": 0, "unexpected": 0,
                "end_of_stream_seen": 1, "follow_exit_status": 0, "follow_poll_ms": 2, "follow_rate_hz": 200}
    for name, value in expected.items():
        if name in figures and figures[name] != value:
            failures.append(f"{name} is {figures[name]:g}, expected {value}")
    lags = [figures.get(name) for name in ("lag_p50_us", "lag_p99_us", "lag_p999_us", "lag_max_us")]
    if None not in lags and lags != sorted(lags):
        failures.append(f"the lag's percentiles are out of order: {lags}")
    if figures.get("follow_cpu_s", 0) < 0:
        failures.append("follow_cpu_s is negative: calmon-follow's /proc/<pid>/stat was not read")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
