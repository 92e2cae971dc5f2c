# test_record.py — calmon-record against a fake calmond: the files hold exactly what
# was published, gaps and ROI-set changes included, and it stops when it should.
import json
import os
import tempfile
import unittest

import numpy as np
import tifffile
from google.protobuf import json_format

from calmon import wire_pb2
from fake_daemon import FakeDaemon
from support import RECORD, LiveRows, Program, roi_set_info, settled_only, snapshot, wait_until

NAN = np.nan


def load(folder, name):
    return np.load(os.path.join(folder, name))


def rows_so_far(folder, name):
    """The shape of a file the recorder is writing; None while it is being created (no header yet)."""
    try:
        return load(folder, name).shape
    except (FileNotFoundError, ValueError):
        return None


def read_bytes(folder, name):
    with open(os.path.join(folder, name), "rb") as f:
        return f.read()


def load_json(folder, name):
    with open(os.path.join(folder, name)) as f:
        return json.load(f)


def assert_equal_arrays(test, actual, expected, what):
    test.assertEqual(actual.shape, expected.shape, what)
    test.assertTrue(np.array_equal(actual, expected, equal_nan=True), f"{what}: {actual} != {expected}")


def stamped(update, stream_id, daemon_id=0):
    """`update` as a calmond run `daemon_id` publishes it for a session of stream `stream_id`."""
    update.stream_id, update.daemon_id = stream_id, daemon_id
    return update


class RecorderTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="calmon-record-test-")
        self.out = os.path.join(self._tmp.name, "out")

    def tearDown(self):
        self._tmp.cleanup()

    def start_recorder(self, daemon, *extra):
        recorder = Program([RECORD, self.out, "--from", daemon.publish_endpoint, "--quiet", *extra])
        line = recorder.wait_for_line(lambda line: line.startswith("calmon-record:"))
        self.assertEqual(line, "calmon-record: ready")
        return recorder

    def test_a_stream_with_a_dropped_update_and_an_roi_change_is_recorded_bit_for_bit(self):
        names = ["cell1", "cell2", "np"]
        first = LiveRows(10, 3, seed=1)
        second = LiveRows(6, 2, seed=2, first_frame=10)
        image = np.arange(48, dtype=np.float64).reshape(6, 8) / 7.0
        with FakeDaemon(roi_set_info(1, names)) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_streaming(True)
            for t in range(10):
                update = first.live_update(t, 1)
                if t >= 2:
                    first.add_settled(update, t - 2, 1)
                if t != 5:  # frame 5's update (and frame 3's settled row in it) is lost
                    daemon.publish("traces", update)
                if t == 4:
                    daemon.drain()
                    # Flushed while recording: numpy opens the files before the end.
                    wait_until(lambda: rows_so_far(self.out, "F.npy") == (5, 3), what="5 rows in F.npy while recording")
            # A live ROI change: the new set's first frame carries the old set's tail,
            # and a continuation with the same frame_index carries the rest.
            daemon.set_roi_info(roi_set_info(2, ["a", "b"]))
            update = second.live_update(10, 2)
            first.add_settled(update, 8, 1)
            daemon.publish("traces", update)
            continuation = settled_only(10, 2, 110)
            first.add_settled(continuation, 9, 1)
            daemon.publish("traces", continuation)
            for t in range(11, 16):
                update = second.live_update(t, 2)
                if t - 2 >= 10:
                    second.add_settled(update, t - 2, 2)
                daemon.publish("traces", update)
            tail = settled_only(16, 2, 115)
            second.add_settled(tail, 14, 2)
            daemon.publish("traces", tail)
            end = settled_only(16, 2, 115, end_of_stream=True)
            second.add_settled(end, 15, 2)
            daemon.publish("traces", end)
            daemon.set_streaming(False)
            daemon.publish("projections", snapshot(16, {"all_mean": image, "latest": image * 2}))
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
            stderr = "\n".join(recorder.stderr_lines)

        # The first ROI set: frames 0..9 in OUT itself, frame 5 not received.
        expected = {name: getattr(first, attr).copy() for name, attr in [
            ("F.npy", "f"), ("Fneu.npy", "fneu"), ("Fcorr.npy", "fcorr"), ("F0_live.npy", "f0"),
            ("dff_live.npy", "dff"), ("F0_settled.npy", "settled_f0"), ("dff_settled.npy", "settled_dff")]}
        for name in ["F.npy", "Fneu.npy", "Fcorr.npy", "F0_live.npy", "dff_live.npy"]:
            expected[name][5] = NAN
        for name in ["F0_settled.npy", "dff_settled.npy"]:
            expected[name][3] = NAN
        for name, values in expected.items():
            actual = load(self.out, name)
            self.assertEqual(actual.dtype, np.float64, name)
            assert_equal_arrays(self, actual, values, name)
        flags_live = first.flags.copy()
        flags_live[5] = 8
        assert_equal_arrays(self, load(self.out, "flags_live.npy"), flags_live, "flags_live")
        self.assertEqual(load(self.out, "flags_live.npy").dtype, np.uint8)
        flags_settled = first.settled_flags.copy()
        flags_settled[3] = 8
        assert_equal_arrays(self, load(self.out, "flags_settled.npy"), flags_settled, "flags_settled")
        for name in ["mean", "median", "min"]:
            values = getattr(first, "global_" + name).copy()
            values[5] = NAN
            assert_equal_arrays(self, load(self.out, f"global_{name}.npy"), values, "global_" + name)

        # The second ROI set from frame 10 on, in OUT/roi_set_2.
        folder = os.path.join(self.out, "roi_set_2")
        for name, attr in [("F.npy", "f"), ("dff_live.npy", "dff"), ("F0_settled.npy", "settled_f0"),
                           ("dff_settled.npy", "settled_dff")]:
            assert_equal_arrays(self, load(folder, name), getattr(second, attr), "roi_set_2/" + name)
        assert_equal_arrays(self, load(folder, "flags_live.npy"), second.flags, "roi_set_2/flags_live")

        rois = load_json(self.out, "rois.json")
        self.assertEqual([roi["name"] for roi in rois["rois"]], names)
        self.assertEqual([roi["index"] for roi in rois["rois"]], [0, 1, 2])
        self.assertEqual(rois["rois"][1]["region"], "rectangle x 1:3, y 0:3")
        self.assertEqual(rois["rois"][1]["neuropil"], "mask of 3 pixels, r = 0.7")
        self.assertEqual(rois["rois"][1]["neuropil_pixels"], 3)
        self.assertEqual(rois["rois"][1]["baseline"], "moving median, window 5")
        self.assertEqual(rois["rois"][1]["region_spec"], {"rect": {"xmin": 1, "xmax": 3, "ymin": 0, "ymax": 3}})
        self.assertEqual((rois["frames"], rois["width"], rois["height"], rois["pixel_type"]), (10, 8, 6, "uint16"))
        self.assertEqual([roi["name"] for roi in load_json(folder, "rois.json")["rois"]], ["a", "b"])

        metadata = load_json(self.out, "metadata.json")
        self.assertEqual(metadata["end_reason"], "end_of_stream")
        self.assertEqual(metadata["source"], daemon.publish_endpoint)
        self.assertEqual(metadata["frames_recorded"], 15)
        self.assertEqual(metadata["dropped_updates"], 1)
        self.assertEqual(metadata["roi_set_versions"], [1, 2])
        # 64-bit ns times are strings in protobuf's JSON, as the stream and daemon ids are.
        self.assertRegex(metadata["end_time_ns"], r"^[0-9]+$")
        self.assertGreaterEqual(int(metadata["end_time_ns"]), int(metadata["start_time_ns"]))
        first_folder, second_folder = metadata["segments"]
        self.assertEqual((first_folder["folder"], first_folder["first_frame_index"], first_folder["frames"],
                          first_folder["frames_not_received"], first_folder["settled_frames"],
                          first_folder["settled_not_received"], first_folder["end_of_stream"]),
                         (".", 0, 10, 1, 10, 1, False))
        self.assertEqual((second_folder["folder"], second_folder["first_frame_index"], second_folder["frames"],
                          second_folder["settled_frames"], second_folder["end_of_stream_received"]),
                         ("roi_set_2", 10, 6, 6, True))
        self.assertEqual(metadata["projections"][0]["frame_index"], 16)

        with open(os.path.join(self.out, "status.jsonl")) as f:
            statuses = [json_format.Parse(line, wire_pb2.Status()) for line in f]
        self.assertGreater(len(statuses), 0)
        self.assertEqual(statuses[0].latency_p50_us, 120.0)
        self.assertEqual(statuses[0].rejected["bad_header"], 2)

        assert_equal_arrays(self, load(self.out, "all_mean.npy"), image, "all_mean.npy")
        assert_equal_arrays(self, load(self.out, "latest.npy"), image * 2, "latest.npy")
        assert_equal_arrays(self, tifffile.imread(os.path.join(self.out, "all_mean.tif")),
                            image.astype(np.float32), "all_mean.tif")
        self.assertIn("frames 5..5 not received", stderr)

    def test_the_motion_of_each_frame_is_recorded_beside_its_traces_and_the_reference_image_saved(self):
        rows = LiveRows(8, 2, seed=17)
        # dy, dx, peak, failed per frame; frame 3's update is lost, frame 5 failed (low peak).
        motion = np.array([[-1.25, 0.5, 0.41, 0], [-1.3, 0.6, 0.38, 0], [0.0, 0.1, 0.35, 0], [2.0, -2.0, 0.4, 0],
                           [0.75, -0.25, 0.33, 0], [0.0, 0.0, 0.02, 3], [1.5, 0.0, 0.3, 0], [-0.1, 0.2, 0.39, 0]])
        reference = np.arange(48, dtype=np.float64).reshape(6, 8) / 3.0
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_streaming(True)
            for t in range(8):
                update = rows.live_update(t, 0)
                update.motion.dy, update.motion.dx, update.motion.peak = motion[t, :3]
                update.motion.failed = int(motion[t, 3])
                if t != 3:
                    daemon.publish("traces", update)
            end = settled_only(8, 0, 107, end_of_stream=True)
            for t in range(8):
                rows.add_settled(end, t, 0)
            daemon.publish("traces", end)
            daemon.set_streaming(False)
            daemon.publish("projections", snapshot(8, {"all_mean": reference * 2, "reference": reference}))
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)

        # calmon-analyze's layout (src/io/motion_files.h); the frame not received is NaN, 255.
        expected_shift = motion[:, :2].copy()
        expected_peak = motion[:, 2].copy()
        expected_failed = motion[:, 3].astype(np.uint8)
        expected_shift[3], expected_peak[3], expected_failed[3] = NAN, NAN, 255
        shift, peak, failed = load(self.out, "motion.npy"), load(self.out, "motion_peak.npy"), \
            load(self.out, "motion_failed.npy")
        self.assertEqual((shift.dtype, peak.dtype, failed.dtype), (np.float64, np.float64, np.uint8))
        assert_equal_arrays(self, shift, expected_shift, "motion.npy")
        assert_equal_arrays(self, peak, expected_peak, "motion_peak.npy")
        assert_equal_arrays(self, failed, expected_failed, "motion_failed.npy")
        self.assertEqual(load(self.out, "F.npy").shape[0], len(shift), "a motion row per trace row")
        # The snapshot's "reference" image is a projection file like any other.
        assert_equal_arrays(self, load(self.out, "reference.npy"), reference, "reference.npy")
        assert_equal_arrays(self, tifffile.imread(os.path.join(self.out, "reference.tif")),
                            reference.astype(np.float32), "reference.tif")
        self.assertIn("reference", load_json(self.out, "metadata.json")["projections"][0]["images"])

    def test_a_motion_row_past_the_last_flush_is_kept_by_repair_only_where_every_live_file_has_it(self):
        rows = LiveRows(6, 1, seed=18)
        with FakeDaemon(roi_set_info(0, ["x"])) as daemon, \
                self.start_recorder(daemon, "--flush-interval", "0.05") as recorder:
            daemon.set_streaming(True)
            for t in range(4):
                update = rows.live_update(t, 0)
                update.motion.dy, update.motion.dx, update.motion.peak = t, -t, 0.5
                daemon.publish("traces", update)
            daemon.drain()
            wait_until(lambda: rows_so_far(self.out, "motion_failed.npy") == (4,)
                       and load_json(self.out, "metadata.json")["segments"][0]["frames"] == 4,
                       what="4 frames flushed")
            recorder.kill()
        # Frames 4 and 5 reached every trace file past the headers; the motion files hold
        # frame 4 whole, and frame 5 only in motion.npy and half of it in motion_peak.npy.
        for name, attr in [("F.npy", "f"), ("Fneu.npy", "fneu"), ("Fcorr.npy", "fcorr"), ("F0_live.npy", "f0"),
                           ("dff_live.npy", "dff")]:
            self.append_rows(name, getattr(rows, attr)[4:6])
        self.append_rows("flags_live.npy", rows.flags[4:6])
        for name in ["mean", "median", "min"]:
            self.append_rows(f"global_{name}.npy", getattr(rows, "global_" + name)[4:6])
        self.append_rows("motion.npy", np.array([[4.0, -4.0], [5.0, -5.0]]))
        self.append_rows("motion_peak.npy", np.array([0.5]))
        with open(os.path.join(self.out, "motion_peak.npy"), "ab") as f:
            f.write(b"\0\0\0")
        self.append_rows("motion_failed.npy", np.array([0], np.uint8))
        with Program([RECORD, "--repair", self.out]) as repair:
            self.assertEqual(repair.wait(), 0, repair.stderr_lines)
        self.assertEqual(repair.lines[0], "calmon-record: .: 5 live rows (+1 past the last flush), "
                                          "0 settled rows")
        assert_equal_arrays(self, load(self.out, "motion.npy"), np.array([[t, -t] for t in range(5)], np.float64),
                            "motion.npy")
        assert_equal_arrays(self, load(self.out, "motion_peak.npy"), np.full(5, 0.5), "motion_peak.npy")
        assert_equal_arrays(self, load(self.out, "motion_failed.npy"), np.zeros(5, np.uint8), "motion_failed.npy")
        assert_equal_arrays(self, load(self.out, "F.npy"), rows.f[:5], "F.npy")

    def test_stops_after_the_frames_asked_for(self):
        rows = LiveRows(8, 2, seed=3)
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon, "--frames", "3") as recorder:
            daemon.set_streaming(True)
            for t in range(8):
                daemon.publish("traces", rows.live_update(t, 0))
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        assert_equal_arrays(self, load(self.out, "dff_live.npy"), rows.dff[:3], "dff_live")
        metadata = load_json(self.out, "metadata.json")
        self.assertEqual((metadata["end_reason"], metadata["frames_recorded"]), ("frames", 3))
        self.assertFalse(os.path.exists(os.path.join(self.out, "motion.npy")), "motion files without motion")

    def test_an_end_of_stream_lost_is_inferred_from_status_and_its_rows_flagged(self):
        rows = LiveRows(4, 2, seed=4)
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_streaming(True)
            for t in range(4):
                update = rows.live_update(t, 0)
                if t >= 2:
                    rows.add_settled(update, t - 2, 0)
                daemon.publish("traces", update)
            daemon.set_streaming(False)  # the end of stream itself was dropped
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        expected = rows.settled_f0.copy()
        expected[2:] = NAN
        assert_equal_arrays(self, load(self.out, "F0_settled.npy"), expected, "F0_settled")
        assert_equal_arrays(self, load(self.out, "flags_settled.npy")[2:], np.full((2, 2), 8, np.uint8), "flags")
        metadata = load_json(self.out, "metadata.json")
        # Only an end of stream that arrived is "end_of_stream".
        self.assertEqual((metadata["end_reason"], metadata["end_of_stream_lost"]), ("end_of_stream_lost", 1))
        self.assertEqual(metadata["segments"][0]["end_of_stream_received"], False)
        self.assertIn("the end of the stream was not received", "\n".join(recorder.stderr_lines))

    def test_a_new_stream_without_the_end_of_the_last_one_ends_the_recording_as_lost(self):
        rows = [LiveRows(3, 2, seed=11), LiveRows(2, 2, seed=12)]
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_streaming(True)
            for stream_id, session in zip((5, 6), rows):
                for t in range(len(session.f)):
                    daemon.publish("traces", stamped(session.live_update(t, 0), stream_id))
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        metadata = load_json(self.out, "metadata.json")
        self.assertEqual((metadata["end_reason"], metadata["frames_recorded"]), ("end_of_stream_lost", 3))
        self.assertIn("frame 0 of stream 6 starts a new stream", "\n".join(recorder.stderr_lines))

    def test_a_calmond_restarted_mid_stream_is_a_discontinuity_and_the_stream_goes_on(self):
        before, after = LiveRows(6, 2, seed=13), LiveRows(3, 2, seed=14)
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_daemon_id(11)
            daemon.set_streaming(True)
            for t in range(6):  # sequences 100..105
                daemon.publish("traces", stamped(before.live_update(t, 0), 5, 11))
            # calmond killed and started again while the sender went on: frames 106..109
            # died with it; the new calmond's session starts at frame_index 0, sequence 110.
            daemon.set_daemon_id(22)
            daemon.set_streaming(False)
            daemon.drain()
            wait_until(lambda: load_json(self.out, "metadata.json")["discontinuities"], what="the restart noticed")
            daemon.set_streaming(True)
            for t in range(3):
                daemon.publish("traces", stamped(after.live_update(t, 0, sequence_offset=110), 5, 22))
            end = stamped(settled_only(3, 0, 112, end_of_stream=True), 5, 22)
            for t in range(3):
                after.add_settled(end, t, 0, sequence_offset=110)
            daemon.publish("traces", end)
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        metadata = load_json(self.out, "metadata.json")
        self.assertEqual(metadata["end_reason"], "end_of_stream")  # the stream's own end, in session 2
        self.assertEqual(metadata["discontinuities"], [{
            "kind": "daemon_restarted", "session": 1, "daemon_id_before": "11", "daemon_id_after": "22",
            "stream_id": "5", "last_sequence": 105, "next_session": 2, "next_sequence": 110, "frames_lost": 4}])
        segments = metadata["segments"]
        self.assertEqual([(s["folder"], s["daemon_id"], s["stream_id"], s["first_sequence"], s["last_sequence"],
                           s["end_of_stream_received"]) for s in segments],
                         [(".", "11", "5", 100, 105, False), ("session_2", "22", "5", 110, 112, True)])
        assert_equal_arrays(self, load(self.out, "F.npy"), before.f, "session 1's F")
        assert_equal_arrays(self, load(os.path.join(self.out, "session_2"), "dff_settled.npy"), after.settled_dff,
                            "session 2's settled dff")
        warnings = "\n".join(recorder.stderr_lines)
        self.assertIn("calmond restarted (daemon id 11 -> 22): session 1 ends without its end of stream after "
                      "frame 105", warnings)
        self.assertIn("stream 5 goes on in the restarted calmond from frame 110, recorded as session 2: 4 frames "
                      "lost in between (106..109)", warnings)

    def test_after_a_restart_another_stream_ends_a_recording_until_the_end_of_stream(self):
        before, other = LiveRows(4, 2, seed=15), LiveRows(2, 2, seed=16)
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_daemon_id(11)
            daemon.set_streaming(True)
            for t in range(4):
                daemon.publish("traces", stamped(before.live_update(t, 0), 5, 11))
            daemon.set_daemon_id(22)
            for t in range(2):
                daemon.publish("traces", stamped(other.live_update(t, 0), 6, 22))
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        metadata = load_json(self.out, "metadata.json")
        self.assertEqual((metadata["end_reason"], metadata["frames_recorded"]), ("daemon_restarted", 4))
        self.assertEqual([s["folder"] for s in metadata["segments"]], ["."])
        restart = metadata["discontinuities"][0]
        self.assertEqual((restart["last_sequence"], restart["next_session"], restart["frames_lost"]), (103, None, None))

    def test_until_signal_records_each_stream_in_its_own_folder(self):
        sessions = [LiveRows(4, 2, seed=5), LiveRows(3, 2, seed=6)]
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, \
                self.start_recorder(daemon, "--until", "signal") as recorder:
            for rows in sessions:
                frames = len(rows.f)
                daemon.set_streaming(True)
                for t in range(frames):
                    daemon.publish("traces", rows.live_update(t, 0))
                end = settled_only(frames, 0, 99 + frames, end_of_stream=True)
                for t in range(frames):
                    rows.add_settled(end, t, 0)
                daemon.publish("traces", end)
                daemon.set_streaming(False)
            wait_until(lambda: [s["end_of_stream"] for s in load_json(self.out, "metadata.json")["segments"]]
                       == [True, True], what="two ended sessions in metadata.json")
            recorder.interrupt()
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        for folder, rows in zip([self.out, os.path.join(self.out, "session_2")], sessions):
            assert_equal_arrays(self, load(folder, "F.npy"), rows.f, folder + "/F.npy")
            assert_equal_arrays(self, load(folder, "dff_settled.npy"), rows.settled_dff, folder + "/dff_settled.npy")
        metadata = load_json(self.out, "metadata.json")
        self.assertEqual(metadata["end_reason"], "signal")
        self.assertEqual([s["folder"] for s in metadata["segments"]], [".", "session_2"])

    def test_sigterm_mid_stream_closes_valid_files_whose_settled_rows_end_where_settling_had_come(self):
        rows = LiveRows(6, 2, seed=7)
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_streaming(True)
            for t in range(6):
                update = rows.live_update(t, 0)
                if t >= 2:
                    rows.add_settled(update, t - 2, 0)
                daemon.publish("traces", update)
            daemon.drain()
            wait_until(lambda: load_json(self.out, "metadata.json")["frames_recorded"] == 6,
                       what="6 frames in metadata.json")
            recorder.process.terminate()
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        assert_equal_arrays(self, load(self.out, "dff_live.npy"), rows.dff, "dff_live")
        assert_equal_arrays(self, load(self.out, "dff_settled.npy"), rows.settled_dff[:4], "dff_settled")
        metadata = load_json(self.out, "metadata.json")
        self.assertEqual((metadata["end_reason"], metadata["segments"][0]["end_of_stream"]), ("signal", False))

    def test_image_names_that_cannot_name_a_file_are_skipped_with_a_warning(self):
        image = np.arange(6, dtype=np.float64).reshape(2, 3)
        bad = ["../ESCAPED", "cut\x00short", ".hidden", "x" * 101]
        images = {"all_mean": image, **{name: image for name in bad}}
        with FakeDaemon() as daemon, self.start_recorder(daemon, "--until", "signal") as recorder:
            daemon.publish("projections", snapshot(3, images))
            daemon.drain()
            wait_until(lambda: load_json(self.out, "metadata.json")["projection_snapshots"] == 1,
                       what="the snapshot in metadata.json")
            recorder.interrupt()
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        self.assertEqual(sorted(f for f in os.listdir(self.out) if f.endswith((".npy", ".tif"))),
                         ["all_mean.npy", "all_mean.tif"])
        self.assertEqual(sorted(os.listdir(self._tmp.name)), ["out"], "a file was written outside OUT_DIR")
        assert_equal_arrays(self, load(self.out, "all_mean.npy"), image, "all_mean.npy")
        self.assertEqual(load_json(self.out, "metadata.json")["projections"][0]["images"], ["all_mean"])
        skipped = [line for line in recorder.stderr_lines if "skipped" in line]
        self.assertEqual(len(skipped), len(bad), recorder.stderr_lines)
        for line in skipped:
            self.assertIn("names of files must be 1 to 100 characters of A-Z a-z 0-9 . _ -", line)
        self.assertIn('"cut\\x00short"', "\n".join(skipped))

    def append_rows(self, name, rows):
        """Appends raw rows to a trace file, as a recorder killed between two flushes leaves them."""
        with open(os.path.join(self.out, name), "ab") as f:
            f.write(np.ascontiguousarray(rows).tobytes())

    def test_repair_keeps_the_whole_rows_past_the_headers_and_counts_the_frames_not_received(self):
        rows = LiveRows(8, 2, seed=8)
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, \
                self.start_recorder(daemon, "--flush-interval", "0.05") as recorder:
            daemon.set_streaming(True)
            for t in range(6):
                update = rows.live_update(t, 0)
                if t >= 2:
                    rows.add_settled(update, t - 2, 0)
                if t != 3:  # frame 3's update (with frame 1's settled row) is lost: NaN rows, flag 8
                    daemon.publish("traces", update)
            daemon.drain()
            wait_until(lambda: [s["frames"] for s in load_json(self.out, "metadata.json")["segments"]] == [6]
                       and load(self.out, "F.npy").shape == (6, 2), what="6 frames flushed")
            recorder.kill()  # SIGKILL: the files stay as the last flush left them
        # What the recorder had written past the headers when it died: frame 6, frame 7 as
        # not received, frame 4's settled row (0..3 were flushed, 1 as not received), and a
        # row cut short in F.npy and F0_settled.npy.
        nan_row = np.full((1, 2), NAN)
        for name, attr in [("F.npy", "f"), ("Fneu.npy", "fneu"), ("Fcorr.npy", "fcorr"), ("F0_live.npy", "f0"),
                           ("dff_live.npy", "dff")]:
            self.append_rows(name, np.concatenate([getattr(rows, attr)[6:7], nan_row]))
        self.append_rows("flags_live.npy", np.array([[0, 0], [8, 8]], np.uint8))
        for name in ["mean", "median", "min"]:
            self.append_rows(f"global_{name}.npy", np.array([getattr(rows, "global_" + name)[6], NAN]))
        self.append_rows("F0_settled.npy", rows.settled_f0[4:5])
        self.append_rows("dff_settled.npy", rows.settled_dff[4:5])
        self.append_rows("flags_settled.npy", rows.settled_flags[4:5])
        self.append_rows("F.npy", np.array([1.5]))
        self.append_rows("F0_settled.npy", np.array([2.5]))
        with open(os.path.join(self.out, "status.jsonl"), "a") as f:
            f.write('{"cut short')
        with open(os.path.join(self.out, "metadata.json.partial"), "w") as f:
            f.write('{"tool": "calmon-rec')  # a replacement the recorder did not finish

        with Program([RECORD, "--repair", self.out]) as repair:
            self.assertEqual(repair.wait(), 0, repair.stderr_lines)
        self.assertEqual(repair.lines, [
            "calmon-record: .: 8 live rows (+2 past the last flush), 5 settled rows (+1 past the last flush)",
            f"calmon-record: repaired {self.out}: 6 frames recorded, end_reason \"crashed\""])
        self.assertEqual(repair.stderr_lines, [])
        expected_f = rows.f.copy()
        expected_f[[3, 7]] = NAN
        assert_equal_arrays(self, load(self.out, "F.npy"), expected_f, "F")
        assert_equal_arrays(self, load(self.out, "flags_live.npy")[:, 0], np.array([0, 0, 0, 8, 1, 0, 0, 8], np.uint8),
                            "flags_live")
        expected_settled = rows.settled_f0[:5].copy()
        expected_settled[1] = NAN
        assert_equal_arrays(self, load(self.out, "F0_settled.npy"), expected_settled, "F0_settled")
        self.assertEqual(load(self.out, "global_min.npy").shape, (8,))
        metadata = load_json(self.out, "metadata.json")
        segment = metadata["segments"][0]
        self.assertEqual((metadata["end_reason"], metadata["frames_recorded"], metadata["source"]),
                         ("crashed", 6, daemon.publish_endpoint))
        self.assertEqual((segment["frames"], segment["frames_received"], segment["frames_not_received"],
                          segment["settled_frames"], segment["settled_not_received"]), (8, 6, 2, 5, 1), segment)
        self.assertFalse(os.path.exists(os.path.join(self.out, "metadata.json.partial")))
        with open(os.path.join(self.out, "status.jsonl")) as f:
            lines = f.read().split("\n")
        self.assertEqual(lines[-1], "")
        for line in lines[:-1]:
            json.loads(line)

    def test_repair_leaves_a_recording_that_ended_as_it_was(self):
        rows = LiveRows(6, 2, seed=9)
        with FakeDaemon(roi_set_info(0, ["x", "y"])) as daemon, self.start_recorder(daemon) as recorder:
            daemon.set_streaming(True)
            for t in range(6):
                if t != 2:
                    daemon.publish("traces", rows.live_update(t, 0))
            daemon.publish("traces", settled_only(6, 0, 106, end_of_stream=True))
            daemon.set_streaming(False)
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        files = {name: read_bytes(self.out, name) for name in sorted(os.listdir(self.out))}
        with Program([RECORD, "--repair", self.out]) as repair:
            self.assertEqual(repair.wait(), 0, repair.stderr_lines)
        self.assertEqual(repair.lines, ["calmon-record: .: 6 live rows, 6 settled rows",
                                        f"calmon-record: repaired {self.out}: 5 frames recorded, "
                                        "end_reason \"end_of_stream\""])
        self.assertEqual({name: read_bytes(self.out, name) for name in files}, files)

    def test_repair_refuses_a_recording_in_progress_and_a_folder_that_is_no_recording(self):
        with FakeDaemon() as daemon, self.start_recorder(daemon, "--until", "signal") as recorder:
            with Program([RECORD, "--repair", self.out]) as repair:
                self.assertEqual(repair.wait(), 1)
            self.assertEqual(repair.stderr_lines, [f"calmon-record: {self.out}: a running calmon-record is writing it"])
            recorder.interrupt()
            self.assertEqual(recorder.wait(), 0, recorder.stderr_lines)
        empty = os.path.join(self._tmp.name, "empty")
        os.makedirs(empty)
        with Program([RECORD, "--repair", empty]) as repair:
            self.assertEqual(repair.wait(), 1)
        self.assertEqual(repair.stderr_lines,
                         [f"calmon-record: {empty}: no metadata.json here: not a calmon-record recording"])

    def test_rejects_a_flush_interval_outside_its_range(self):
        for value in ["0", "-1", "5000"]:
            with Program([RECORD, self.out, "--flush-interval", value]) as recorder:
                self.assertEqual(recorder.wait(), 2)
            self.assertIn("--flush-interval expects seconds from 0.01 to 3600", recorder.stderr_lines[0])

    def test_refuses_a_folder_that_is_not_empty(self):
        os.makedirs(self.out)
        open(os.path.join(self.out, "old.npy"), "w").close()
        with FakeDaemon() as daemon, Program([RECORD, self.out, "--from", daemon.publish_endpoint]) as recorder:
            self.assertNotEqual(recorder.wait(), 0)
        self.assertEqual(len(recorder.stderr_lines), 1, recorder.stderr_lines)
        self.assertIn("not empty", recorder.stderr_lines[0])

    def test_rejects_an_unknown_until(self):
        with Program([RECORD, self.out, "--until", "later"]) as recorder:
            self.assertEqual(recorder.wait(), 2)
        self.assertIn("--until expects eos or signal", recorder.stderr_lines[0])


if __name__ == "__main__":
    unittest.main()
