#!/usr/bin/env python3
"""run_fresh.py — runs a tool into an output folder emptied first, so a golden check never
reads a stale file from an earlier run.

    run_fresh.py OUT_DIR [--expect FILE]... -- COMMAND [ARGS...]

Removes OUT_DIR, runs COMMAND (which writes OUT_DIR), and fails with one line if the
command fails or an expected file is missing afterwards.
"""
import argparse
import os
import shutil
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: run_fresh.py OUT_DIR [--expect FILE]... -- COMMAND [ARGS...]")
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--expect", action="append", default=[])
    args = parser.parse_args(argv[:split])
    command = argv[split + 1:]
    if not command:
        sys.exit("run_fresh.py: no command given")
    shutil.rmtree(args.out_dir, ignore_errors=True)
    print("+ " + " ".join(command), flush=True)
    status = subprocess.run(command).returncode
    if status != 0:
        print(f"FAIL: {os.path.basename(command[0])} exited with status {status}", file=sys.stderr)
        sys.exit(1)
    for name in args.expect:
        path = os.path.join(args.out_dir, name)
        if not os.path.exists(path):
            print(f"FAIL: {path} was not written", file=sys.stderr)
            sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
