# test_live_equals_offline.py — "same numbers live and offline".
#
# The synthetic movie (calmon-synth, 2000 frames of 80x60 uint16) goes through
# calmon-replay into calmond, started with --analysis <config>; calmon-record records
# what calmond publishes. The recording must be calmon-analyze's folder for the same
# movie and config (made by the e2e.analyze.movie.<config> fixture), bit for bit:
# every trace file (F, Fneu, Fcorr, F0/dff/flags live and settled, global_*), same
# dtype and shape — no frame lost — and every projection image both folders have, and
# time.npy (the movie's declared frame interval, sent by calmon-replay). metadata.json must
# report every frame received and nothing lost, and calmond must have processed every
# frame.
#
# Two configs (docs/examples/notebook.json; tests/golden/filters.json — 78 ROIs, windows
# odd, even and longer than the movie, percentiles, maximin, cumulative baselines,
# masks, rings, global neuropil), and motion correction on a moving movie (calmon-synth
# --motion, docs/examples/three-cells-motion.json: the reference from the first 100
# frames, which wait for it; the motion files compared too; and piecewise-rigid,
# docs/examples/three-cells-piecewise.json, --fast only), each replayed --fast and
# paced at 400 frames/s: one
# test class each, `python3 -m unittest test_live_equals_offline.FiltersPaced`. And once
# with CURVE on (keys from calmon-keygen; calmond, calmon-replay, calmon-record and the
# Python Control all use them): encryption changes nothing in the numbers. And once with
# every socket an ipc:// socket file in a private temporary folder (ingest, publish,
# control; calmon-replay, calmon-record and the Python Control connect there): the
# transport changes nothing in the numbers either.
import os
import shutil
import tempfile
import unittest

import e2e_support as e2e

PACED_RATE_HZ = 400  # 2000 frames in 5 s


class LiveEqualsOffline:
    """Mixed into a TestCase per (config, replay mode)."""

    movie_name = "movie"
    config_name = None
    replay_flags = ()
    curve = False
    ipc = False

    def setUp(self):
        missing = e2e.missing_programs()
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.config = e2e.CONFIGS[self.config_name]
        self.movie, self.frames, self.analyzed = e2e.require_fixture(self, self.movie_name, self.config_name)

    def test_the_recording_is_calmon_analyze_output_bit_for_bit(self):
        work = e2e.WorkDir(self, f"{self.config_name}-{self.replay_flags[0].lstrip('-')}")
        recording = work / "recording"
        curve = e2e.CurveKeys(self, work / "keys") if self.curve else None
        client_flags = curve.client_flags if curve else ()
        endpoints = {}
        if self.ipc:
            # A short path (a socket file's path has a limit of about 107 bytes), mode 0700.
            sockets = tempfile.mkdtemp(prefix="calmon-ipc-")
            self.addCleanup(shutil.rmtree, sockets, ignore_errors=True)
            endpoints = {name: "ipc://" + os.path.join(sockets, name) for name in ("ingest", "publish", "control")}
        daemon = e2e.Daemon(self, self.config, curve=curve, **endpoints)
        if self.ipc:
            self.assertEqual((daemon.ingest, daemon.publish, daemon.control_endpoint),
                             (endpoints["ingest"], endpoints["publish"], endpoints["control"]))
        recorder = e2e.start_recorder(self, daemon.publish, recording, *client_flags)

        summary = e2e.replay(self, self.movie, self.frames, daemon, *self.replay_flags, *client_flags)
        lines = e2e.wait_for_recording(self, recorder)
        self.assertIn(f"calmon-record: {self.frames} frames (0 not received), 1 folder, end of stream", lines[-1])

        status = daemon.status()
        self.assertEqual((status.frames_processed, status.gaps, status.missing_frames, sum(status.rejected.values()),
                          status.sessions, status.streaming),
                         (self.frames, 0, 0, 0, 1, False), status)
        self.assertEqual((status.width, status.height), (e2e.WIDTH, e2e.HEIGHT))
        self.assertEqual(sum(status.auth_refused.values()), 0)
        self.assertEqual(bool(status.auth_refused), self.curve)
        daemon.shut_down()

        e2e.check_metadata(self, recording, self.frames)
        images = e2e.compare_with_analyze(self, recording, self.analyzed, self.config, self.movie, self.frames,
                                          times=True)
        print(f"\n{self.config_name}, replay {' '.join(self.replay_flags)}{' with CURVE' if curve else ''}"
              f"{' over ipc://' if self.ipc else ''}: {summary}")
        print(f"bit for bit: every trace file, time.npy, {len(images)} images (.npy and .tif), latest; "
              f"only in calmon-analyze's folder: "
              f"{sorted(e2e.kept_frames_dropped_by_the_daemon(self.config, self.frames)) or 'nothing'}")


class NotebookFast(LiveEqualsOffline, unittest.TestCase):
    config_name = "notebook"
    replay_flags = ("--fast",)


class NotebookPaced(LiveEqualsOffline, unittest.TestCase):
    config_name = "notebook"
    replay_flags = ("--rate", str(PACED_RATE_HZ))


class NotebookFastCurve(LiveEqualsOffline, unittest.TestCase):
    config_name = "notebook"
    replay_flags = ("--fast",)
    curve = True


class NotebookFastIpc(LiveEqualsOffline, unittest.TestCase):
    config_name = "notebook"
    replay_flags = ("--fast",)
    ipc = True


class FiltersFast(LiveEqualsOffline, unittest.TestCase):
    config_name = "filters"
    replay_flags = ("--fast",)


class FiltersPaced(LiveEqualsOffline, unittest.TestCase):
    config_name = "filters"
    replay_flags = ("--rate", str(PACED_RATE_HZ))


class MotionFast(LiveEqualsOffline, unittest.TestCase):
    movie_name = "moving_movie"
    config_name = "motion"
    replay_flags = ("--fast",)


class MotionPaced(LiveEqualsOffline, unittest.TestCase):
    movie_name = "moving_movie"
    config_name = "motion"
    replay_flags = ("--rate", str(PACED_RATE_HZ))


class PiecewiseFast(LiveEqualsOffline, unittest.TestCase):
    movie_name = "moving_movie"
    config_name = "piecewise"
    replay_flags = ("--fast",)


if __name__ == "__main__":
    unittest.main()
