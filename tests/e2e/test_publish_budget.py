# test_publish_budget.py — "a subscriber that never reads costs at most the publish budget".
#
# calmond runs with a small publish budget (32 MiB) and many projection snapshots
# (--snapshot-hz 20, ~12 MB each on 512x512 frames). A raw pyzmq SUB socket subscribes to
# "projections" with a receive queue of one message and a small kernel buffer, and is
# never read; calmon-record records the same session normally; 512x512 frames stream in
# at ~100 frames/s. Then:
#   - calmond's resident memory (VmRSS, sampled all along) stays under its level before
#     the stuck subscriber came plus the budget plus an allowance (today it grew by every
#     snapshot the stuck subscriber's queue held: up to 1000 of them);
#   - the recorder got every frame's trace and the stream's final snapshot
#     (metadata.json: nothing lost) although snapshots were withheld (Status.withheld);
#   - once the stuck subscriber is gone, calmond's memory falls back (the held snapshots
#     were mapped memory, returned to the system when freed).
# Memory is a resource bound, not a timing: no assertion depends on speed.
import json
import threading
import time
import unittest

import numpy as np
import zmq

from calmon import wire_pb2
import e2e_support as e2e
from support import wait_until

MIB = 1 << 20
BUDGET_MIB = 32
ALLOWANCE_MIB = 24      # ZeroMQ's and the kernel's buffers, the ingest queue, allocator slack
SIDE = 512
WARMUP_FRAMES = 100
FRAMES = 600
CONFIG = {"rois": [{"name": "cell", "region": {"rect": {"xmin": 100, "xmax": 112, "ymin": 200, "ymax": 212}}}],
          "baseline": {"moving": {"window": 21}}}


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


class RssSampler:
    """VmRSS of a process every 10 ms on a thread, until stopped; the largest seen."""

    def __init__(self, pid):
        self.pid, self.largest, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.01):
            self.largest = max(self.largest, rss_mib(self.pid))

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.largest


class PublishBudgetTest(unittest.TestCase):
    def setUp(self):
        missing = e2e.missing_programs()
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.context = zmq.Context()
        self.addCleanup(self.context.destroy, 0)
        rng = np.random.default_rng(9)
        self.movie = [rng.integers(100, 4000, (SIDE, SIDE), dtype=np.uint16) for _ in range(8)]

    def send(self, push, sequence):
        header = wire_pb2.FrameHeader(sequence=sequence, width=SIDE, height=SIDE, pixel_type=wire_pb2.UINT16)
        push.send_multipart([header.SerializeToString(), self.movie[sequence % len(self.movie)]], copy=False)

    def stream(self, push, first, count):
        for sequence in range(first, first + count):
            self.send(push, sequence)
            time.sleep(0.01)  # pacing the sender: ~100 frames/s

    def test_a_stuck_projections_subscriber_costs_at_most_the_budget(self):
        work = e2e.WorkDir(self, "budget")
        config = work / "config.json"
        with open(config, "w") as f:
            json.dump(CONFIG, f)
        daemon = e2e.Daemon(self, config, "--publish-budget-mib", str(BUDGET_MIB), "--snapshot-hz", "20",
                            "--no-http")
        pid = daemon.program.process.pid
        recorder = e2e.start_recorder(self, daemon.publish, work / "recording")
        push = self.context.socket(zmq.PUSH)
        push.connect(daemon.ingest)
        self.addCleanup(push.close, 0)

        self.stream(push, 1, WARMUP_FRAMES)
        wait_until(lambda: daemon.status().frames_processed == WARMUP_FRAMES, timeout=30, what="the warm-up frames")
        before = rss_mib(pid)

        stuck = self.context.socket(zmq.SUB)
        stuck.setsockopt(zmq.RCVHWM, 1)
        stuck.setsockopt(zmq.RCVBUF, 64 * 1024)
        stuck.setsockopt(zmq.LINGER, 0)
        stuck.setsockopt(zmq.SUBSCRIBE, b"projections")
        subscribers = daemon.status().subscribers
        stuck.connect(daemon.publish)
        wait_until(lambda: daemon.status().subscribers == subscribers + 1, timeout=10,
                   what="the stuck subscriber's subscription")

        sampler = RssSampler(pid)
        self.stream(push, WARMUP_FRAMES + 1, FRAMES)
        push.send(wire_pb2.FrameHeader(end_of_stream=True).SerializeToString())
        lines = e2e.wait_for_recording(self, recorder)
        largest = sampler.stop()
        status = daemon.status()
        print(f"\nVmRSS {before:.1f} MiB before the stuck subscriber, at most {largest:.1f} MiB with it; "
              f"withheld {dict(status.withheld)}, held now {status.publish_bytes_held / MIB:.1f} MiB")
        if not e2e.SANITIZER:
            self.assertLessEqual(largest, before + BUDGET_MIB + ALLOWANCE_MIB, "calmond's memory outgrew the budget")
        self.assertGreater(status.withheld.get("projections", 0), 0, "the stuck subscriber never filled the budget")
        self.assertNotIn("traces", status.withheld)

        # The recorder lost nothing: every frame's trace, the stream's final snapshot.
        frames = WARMUP_FRAMES + FRAMES
        self.assertIn(f"calmon-record: {frames} frames (0 not received), 1 folder, end of stream", lines[-1])
        e2e.check_metadata(self, work / "recording", frames)

        stuck.close(0)  # it leaves: what it held is freed, and the memory returned
        if not e2e.SANITIZER:
            wait_until(lambda: rss_mib(pid) <= before + ALLOWANCE_MIB / 2, timeout=10,
                       what=f"calmond's memory to fall back near {before:.1f} MiB")
        daemon.shut_down()


if __name__ == "__main__":
    unittest.main()
