# test_live_edits.py — live ROI edits keep every ROI they do not touch, end to end.
#
# calmond replays the synthetic movie with notebook.json's ROIs while calmon-record
# records; mid-stream (each once calmond's Status says it processed enough frames) an
# ROI is added, one renamed and one removed. A second calmond runs the same frames
# without edits. Stitched by ROI id across the recording's version folders, every trace
# file of the ROIs no edit restarted is the same bit for bit in both recordings; the
# added ROI appears at one frame and has every row from there, the removed one ends at
# one frame with every row (settled ones too) up to it; nothing is lost.
import os
import unittest

import numpy as np

import e2e_support as e2e
from support import Program, wait_until

FRAMES = 1200
RATE_HZ = 300  # 4 s: the edits land mid-stream
EDIT_AFTER = (300, 550, 800)  # frames processed before each edit
ADDED = {"name": "added", "region": {"rect": {"xmin": 30, "xmax": 36, "ymin": 20, "ymax": 26}}}
RENAMED_ID, REMOVED_ID = 2, 3


def stitched(recording, name, roi_id, frames):
    """ROI `roi_id`'s column of trace file `name`, over the session's version folders:
    (values per frame as float64, NaN where the ROI was not in the set; a mask of its frames)."""
    metadata = e2e.load_json(recording, "metadata.json")
    values = np.full(frames, np.nan)
    present = np.zeros(frames, bool)
    for segment in metadata["segments"]:
        folder = os.path.join(recording, segment["folder"])
        ids = [roi.get("id") for roi in e2e.load_json(folder, "rois.json")["rois"]]
        if roi_id not in ids:
            continue
        column = np.load(os.path.join(folder, name))[:, ids.index(roi_id)]
        first = int(segment["first_frame_index"])
        values[first:first + len(column)] = column
        present[first:first + len(column)] = True
    return values, present


def same_bits(a, b):
    return np.array_equal(a.view(np.uint64), b.view(np.uint64))


class LiveEditsTest(unittest.TestCase):
    def setUp(self):
        missing = e2e.missing_programs()
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.movie, _, _ = e2e.require_fixture(self, "movie", "notebook")
        self.config = e2e.CONFIGS["notebook"]
        self.work = e2e.WorkDir(self, "live-edits")

    def record(self, out, edit):
        """A replay of FRAMES frames recorded into `out`; `edit(daemon)` runs beside it."""
        daemon = e2e.Daemon(self, self.config)
        recorder = e2e.start_recorder(self, daemon.publish, out)
        replay = Program([e2e.REPLAY, self.movie, "--to", daemon.ingest, "--control", daemon.control_endpoint,
                          "--last", str(FRAMES - 1), "--rate", str(RATE_HZ), "--progress", "never",
                          "--timeout", str(e2e.REPLAY_TIMEOUT_S)])
        self.addCleanup(e2e.stop, replay)
        edit(daemon)
        self.assertEqual(replay.wait(e2e.STREAM_DEADLINE_S), 0, replay.stderr_lines)
        e2e.wait_for_recording(self, recorder)
        return daemon

    def edits(self, daemon):
        self.versions = []
        for after, do in zip(EDIT_AFTER, (
                lambda: daemon.control.add_rois([ADDED]),
                lambda: daemon.control.update_roi(id=RENAMED_ID, new_name="renamed"),
                lambda: daemon.control.remove_rois(ids=[REMOVED_ID]))):
            wait_until(lambda: daemon.status().frames_processed >= after, timeout=e2e.STREAM_DEADLINE_S,
                       what=f"{after} frames processed")
            rois = do()
            status = daemon.status()
            self.assertTrue(status.streaming, "the edit came after the end of the stream")
            self.assertEqual(status.roi_set_version, rois.version)
            self.versions.append(rois)

    def test_untouched_rois_are_bit_for_bit_those_of_a_run_without_edits(self):
        edited, plain = self.work / "edited", self.work / "plain"
        self.record(edited, self.edits)
        self.record(plain, lambda daemon: None)

        added, renamed, removed = self.versions
        self.assertEqual([rois.version for rois in self.versions], [1, 2, 3])
        first_ids = list(range(1, 16))  # notebook.json's 15 ROIs, ids 1..15 in order
        self.assertEqual(added.ids, first_ids + [16])
        self.assertEqual(renamed.names[renamed.ids.index(RENAMED_ID)], "renamed")
        self.assertNotIn(REMOVED_ID, removed.ids)

        metadata = e2e.load_json(edited, "metadata.json")
        self.assertEqual(metadata["end_reason"], "end_of_stream")
        self.assertEqual(metadata["dropped_updates"], 0)
        self.assertEqual(metadata["roi_set_versions"], [0, 1, 2, 3])
        for segment in metadata["segments"]:
            self.assertEqual((segment["frames_not_received"], segment["settled_not_received"]), (0, 0), segment)
            self.assertEqual(segment["settled_frames"], segment["frames"], segment)
        plain_ids = [roi["id"] for roi in e2e.load_json(plain, "rois.json")["rois"]]
        self.assertEqual(plain_ids, first_ids)

        for roi_id in first_ids:
            if roi_id == REMOVED_ID:
                continue
            for name in e2e.TRACE_FILES:
                values, present = stitched(edited, name, roi_id, FRAMES)
                expected, _ = stitched(plain, name, roi_id, FRAMES)
                self.assertTrue(present.all(), f"ROI {roi_id} {name}: frames missing")
                self.assertTrue(same_bits(values, expected), f"ROI {roi_id} {name}: differs from the run without edits")

        # The added ROI from its first frame on, the removed one up to its last: every row.
        for roi_id, starts in ((16, True), (REMOVED_ID, False)):
            for name in ("F.npy", "F0_live.npy", "F0_settled.npy", "flags_settled.npy"):
                values, present = stitched(edited, name, roi_id, FRAMES)
                edge = int(np.argmin(present)) if not starts else int(np.argmax(present))
                self.assertTrue(0 < edge < FRAMES, f"ROI {roi_id} {name}")
                self.assertTrue((present[edge:] if starts else present[:edge]).all(), f"ROI {roi_id} {name}")
                self.assertFalse((present[:edge] if starts else present[edge:]).any(), f"ROI {roi_id} {name}")
                if name == "flags_settled.npy":
                    self.assertFalse((values[present].astype(np.uint32) & 8).any(), "settled rows not received")
        # Before its removal, the removed ROI's live values are those of the run without edits.
        values, present = stitched(edited, "F0_live.npy", REMOVED_ID, FRAMES)
        expected, _ = stitched(plain, "F0_live.npy", REMOVED_ID, FRAMES)
        self.assertTrue(same_bits(values[present], expected[present]))


if __name__ == "__main__":
    unittest.main()
