# test_crashed_recording.py — what survives calmon-record killed with SIGKILL mid-session.
#
# calmond analyses the synthetic movie (1000 one-pixel ROIs, a moving median of 11
# frames, so that both live and settled rows stream) while calmon-replay sends it at 200
# frames/s and calmon-record records it, flushing every 2 s. Once a flush has happened
# and rows written since lie in every trace file past its header's count, the recorder
# is killed with SIGKILL: no chance to close anything. Then
#   - every .npy loads with numpy, with exactly the rows of the last flush (the count
#     metadata.json gives), each equal, bit for bit, to calmon-analyze's row for that frame;
#   - `calmon-record --repair` keeps the whole rows past the headers: afterwards the live
#     files (time.npy with them) all hold the same rows, more than before, as do the
#     settled files, still equal to calmon-analyze's;
#     metadata.json counts them and says end_reason "crashed"; a second repair changes
#     nothing.
import json
import os
import subprocess
import unittest

import numpy as np

import e2e_support as e2e
from support import wait_until

LIVE = ["F.npy", "Fneu.npy", "Fcorr.npy", "F0_live.npy", "dff_live.npy", "flags_live.npy"]
SETTLED = ["F0_settled.npy", "dff_settled.npy", "flags_settled.npy"]
# The synthetic movie declares its frame interval, which calmon-replay passes on: time.npy
# is a live file too, its rows of 8 bytes written as they come like the others.
TIME = "time.npy"
ROIS = 1000  # rows of 8000 bytes
CONFIG = {
    "rois": [{"name": f"px{i}", "region": {"pixel": {"x": i % e2e.WIDTH, "y": i // e2e.WIDTH}}} for i in range(ROIS)],
    "baseline": {"moving": {"window": 11}},
    "global_traces": False,
    "projections": [{"name": "all", "stats": ["MEAN"]}],
}


def rows_of(path):
    """(rows its header counts, whole rows its data holds) of an .npy file."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, _, dtype = np.lib.format._read_array_header(f, version)
        data_start = f.tell()
    return shape[0], (os.path.getsize(path) - data_start) // (dtype.itemsize * int(np.prod(shape[1:])))


class CrashedRecordingTest(unittest.TestCase):
    def setUp(self):
        missing = e2e.missing_programs()
        if missing or not os.path.exists(e2e.ANALYZE):
            self.skipTest("not available: " + ", ".join(missing or ["CALMON_ANALYZE"]))
        self.movie, self.frames = e2e.MOVIES["movie"]
        self.assertTrue(os.path.exists(self.movie), "run the e2e fixtures first (ctest -L e2e)")
        self.work = e2e.WorkDir(self, "crashed")
        self.config = self.work / "config.json"
        with open(self.config, "w") as f:
            json.dump(CONFIG, f)
        self.analyzed = self.work / "analyzed"
        subprocess.run([e2e.ANALYZE, self.movie, "--config", self.config, "--out", self.analyzed, "--quiet"],
                       check=True, timeout=120)

    def assert_rows_are_analyzes(self, recording, name, rows):
        recorded = np.load(os.path.join(recording, name))
        self.assertEqual(len(recorded), rows, name)
        expected = np.load(os.path.join(self.analyzed, name))[:rows]
        e2e.assert_same_array(self, recorded, expected, name, "(frame, ROI)")

    def repair(self, recording):
        result = subprocess.run([e2e.RECORD, "--repair", recording], capture_output=True, text=True, timeout=60)
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        return result.stdout

    def test_a_recording_killed_mid_session_loads_and_repair_recovers_its_rows(self):
        recording = self.work / "recording"
        daemon = e2e.Daemon(self, self.config)
        recorder = e2e.start_recorder(self, daemon.publish, recording, "--flush-interval", "2")
        sender = e2e.Program([e2e.REPLAY, self.movie, "--to", daemon.ingest, "--rate", "200", "--progress", "never"])
        self.addCleanup(e2e.stop, sender)

        def flushed_rows():
            try:
                segments = e2e.load_json(recording, "metadata.json")["segments"]
            except (OSError, ValueError):  # not written yet, or replaced under our feet
                return 0
            return segments[0]["frames"] if segments else 0

        def rows_past_every_header():
            return all(whole > in_header for in_header, whole in map(rows_of, self.paths(recording, LIVE + SETTLED)))

        wait_until(lambda: flushed_rows() >= 100, timeout=e2e.STREAM_DEADLINE_S, what="a flush of 100 frames")
        wait_until(rows_past_every_header, timeout=e2e.STREAM_DEADLINE_S, what="rows past every header")
        recorder.kill()  # SIGKILL
        self.assertEqual(recorder.process.returncode, -9)
        e2e.stop(sender)

        # As the recorder left it: valid arrays with the rows of the last flush, calmon-analyze's numbers.
        metadata = e2e.load_json(recording, "metadata.json")
        self.assertEqual(metadata["end_reason"], "recording")
        segment = metadata["segments"][0]
        before = {name: rows_of(os.path.join(recording, name)) for name in LIVE + SETTLED + [TIME]}
        self.assertEqual(before[TIME][0], segment["frames"], TIME)
        self.assert_rows_are_analyzes(recording, TIME, before[TIME][0])
        for names, flushed in ((LIVE, segment["frames"]), (SETTLED, segment["settled_frames"])):
            for name in names:
                in_header, whole = before[name]
                self.assertEqual(in_header, flushed, name)
                self.assertGreater(whole, in_header, name)
                self.assert_rows_are_analyzes(recording, name, in_header)

        report = self.repair(recording)
        print("\n" + report, end="")

        # Repaired: one row count per group, more rows than flushed, still calmon-analyze's numbers.
        counts = {}
        for group in (LIVE + [TIME], SETTLED):
            after = {rows_of(os.path.join(recording, name)) for name in group}
            self.assertEqual(len(after), 1, f"{group}: {after}")
            (rows, whole), = after
            self.assertEqual(rows, whole, "a partial row was left")
            self.assertEqual(rows, min(before[name][1] for name in group))
            self.assertGreater(rows, before[group[0]][0])
            for name in group:
                self.assert_rows_are_analyzes(recording, name, rows)
            counts[group[0]] = rows
        live, settled = counts["F.npy"], counts["F0_settled.npy"]
        metadata = e2e.load_json(recording, "metadata.json")
        segment = metadata["segments"][0]
        self.assertEqual((metadata["end_reason"], metadata["frames_recorded"]), ("crashed", live))
        self.assertEqual((segment["frames"], segment["frames_received"], segment["frames_not_received"],
                          segment["settled_frames"], segment["settled_not_received"]),
                         (live, live, 0, settled, 0), segment)
        recovered_live, recovered_settled = live - before["F.npy"][0], settled - before["F0_settled.npy"][0]
        self.assertEqual(report, f"calmon-record: .: {live} live rows (+{recovered_live} past the last flush), "
                                 f"{settled} settled rows (+{recovered_settled} past the last flush)\n"
                                 f"calmon-record: repaired {recording}: {live} frames recorded, "
                                 f"end_reason \"crashed\"\n")
        with open(os.path.join(recording, "status.jsonl"), "rb") as f:
            self.assertTrue(f.read().endswith(b"\n"))

        # Repairing again changes nothing.
        names = LIVE + SETTLED + [TIME, "metadata.json", "status.jsonl"]
        files = {name: self.read(recording, name) for name in names}
        self.repair(recording)
        for name in names:
            self.assertEqual(self.read(recording, name), files[name], name)

    @staticmethod
    def paths(folder, names):
        return [os.path.join(folder, name) for name in names]

    @staticmethod
    def read(folder, name):
        with open(os.path.join(folder, name), "rb") as f:
            return f.read()


if __name__ == "__main__":
    unittest.main()
