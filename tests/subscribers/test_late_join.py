# test_late_join.py — a subscriber that joins while a stream runs gets the ROI names at
# once.
#
# calmond runs with a Status (and so its RoiSetInfo reminder) only every 60 s, and
# calmon-replay streams a movie to it. Mid-stream, once calmond has processed some
# frames, a subscriber joins: calmond must publish the RoiSetInfo to it as soon as its
# subscription arrives (the XPUB socket shows it), and calmon_client must hold the first
# TraceUpdate until those names are there — so the very first update it yields has its
# names, as docs/subscribers.md promises. Before, names stayed None until the next
# Status, and a loop over zip(message.names, ...) failed for a second's worth of frames.
import json
import os
import tempfile
import time
import unittest

import numpy as np
import tifffile
import zmq

import calmon_client
from calmon import wire_pb2
from support import DAEMON, Program, wait_until

REPLAY = os.environ.get("CALMON_REPLAY", "")
FRAMES, HEIGHT, WIDTH, RATE_HZ = 600, 30, 40, 100
NAMES = ["cell1", "px"]
ANALYSIS = {"rois": [{"name": "cell1", "region": {"rect": {"xmin": 5, "xmax": 12, "ymin": 4, "ymax": 10}}},
                     {"name": "px", "region": {"pixel": {"x": 35, "y": 25}}}],
            "baseline": {"moving": {"window": 9}}}
# Far longer than the test: no Status, and no reminder, names the columns.
STATUS_INTERVAL_S = 60
# calmon_client holds an unnamed update this long at most; the names must come sooner.
NAMES_WAIT_S = 5.0


@unittest.skipUnless(DAEMON and os.path.exists(DAEMON) and REPLAY and os.path.exists(REPLAY),
                     "calmond or calmon-replay is not built (CALMON_DAEMON, CALMON_REPLAY)")
class LateJoinTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="calmon-late-join-")
        self.addCleanup(self._tmp.cleanup)
        config = os.path.join(self._tmp.name, "analysis.json")
        with open(config, "w") as f:
            json.dump(ANALYSIS, f)
        movie = os.path.join(self._tmp.name, "movie.tif")
        tifffile.imwrite(movie, np.random.default_rng(5).integers(900, 1100, (FRAMES, HEIGHT, WIDTH)).astype(np.uint16))
        self.daemon = Program([DAEMON, "--analysis", config, "--ingest", "tcp://127.0.0.1:*",
                               "--publish", "tcp://127.0.0.1:*", "--control", "tcp://127.0.0.1:*",
                               "--status-interval", str(STATUS_INTERVAL_S), "--no-http"])
        self.addCleanup(self.daemon.kill)
        ready = json.loads(self.daemon.wait_for_line(lambda line: line.startswith("{")))
        self.publish = ready["publish"]
        self.control = calmon_client.Control(ready["control"], timeout=10)
        self.addCleanup(self.control.close)
        self.replay = Program([REPLAY, movie, "--to", ready["ingest"], "--control", ready["control"],
                               "--rate", str(RATE_HZ), "--progress", "never"])
        self.addCleanup(self.replay.kill)
        wait_until(lambda: self.control.status().frames_processed >= 50, timeout=20, what="the stream to be under way")

    def test_the_first_update_a_late_subscriber_yields_has_its_names(self):
        with calmon_client.Subscriber(self.publish, ("traces",), names_wait=NAMES_WAIT_S) as subscriber:
            subscriber.wait_ready(10)
            first = subscriber.recv(timeout=10)
            joined_mid_stream = first.frame_index
        self.assertGreater(joined_mid_stream, 0)
        self.assertLess(joined_mid_stream, FRAMES, "the stream ended before the subscriber joined")
        self.assertEqual(first.names, NAMES)
        self.assertEqual(self.replay.wait(30), 0)

    def test_calmond_publishes_the_roi_set_to_a_new_subscriber_at_once(self):
        context = zmq.Context.instance()
        socket = context.socket(zmq.SUB)
        socket.setsockopt(zmq.LINGER, 0)
        socket.setsockopt(zmq.SUBSCRIBE, b"rois")
        socket.connect(self.publish)
        try:
            started = time.monotonic()
            self.assertTrue(socket.poll(10_000), "no RoiSetInfo for a new subscriber")
            topic, payload = socket.recv_multipart()
            waited = time.monotonic() - started
        finally:
            socket.close()
        self.assertEqual(topic, b"rois")
        self.assertEqual([roi.name for roi in wire_pb2.RoiSetInfo.FromString(payload).rois], NAMES)
        self.assertLess(waited, STATUS_INTERVAL_S / 2, "it came with a Status, not when the subscription did")
        self.assertEqual(self.replay.wait(30), 0)


if __name__ == "__main__":
    unittest.main()
