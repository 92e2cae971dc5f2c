# test_follow_prairieview.py — calmon-follow on a PrairieView-style folder of two channels.
#
# calmon-rig-sim --prairieview writes 600 frames of two channels (Ch1, Ch2) at 30 frames/s,
# one OME-TIFF per frame and channel, the XML growing frame by frame, while calmon-follow
# --folder --channel 1 follows the second channel (Ch2) into calmond and calmon-record
# records. The recording must be, bit for bit, calmon-analyze's folder for the Ch2 files
# stacked in acquisition order (read with tifffile). If calmon-record writes time.npy, it
# must be the XML's absoluteTime minus the first frame's (read with xml.etree).
# Then what is sent, on a PULL socket where calmond would be: Ch2's pixels, frame_time_s
# (absoluteTime − the first), frame_rate_hz (1 / framePeriod) and acquisition_time_ns (the
# XML's date + the frame's time); one plane of a multi-plane series; and a channel or plane
# the XML does not have: one line.
import glob
import math
import os
import time
import unittest
import xml.etree.ElementTree as ElementTree

import numpy as np
import tifffile

import e2e_support as e2e
from calmon import wire_pb2
from support import Program
from test_follow import start_follow

RIG_SIM = os.environ.get("CALMON_RIG_SIM", "")
SERIES = "TSeries-rig-001"  # calmon-rig-sim's default series name


def rig_sim(test_case, folder, *flags):
    program = Program([RIG_SIM, folder, "--prairieview", "--channels", "2", *flags])
    test_case.addCleanup(e2e.stop, program)
    return program


def read_xml(folder):
    """(date, frame period, [(absoluteTime, {channel: file name}, index)]) of the folder's XML."""
    root = ElementTree.parse(os.path.join(folder, f"{SERIES}.xml")).getroot()
    period = float(next(v.get("value") for v in root.iter("PVStateValue") if v.get("key") == "framePeriod"))
    frames = [(float(frame.get("absoluteTime")), {int(f.get("channel")): f.get("filename") for f in frame.iter("File")},
               int(frame.get("index"))) for frame in root.iter("Frame")]
    return root.get("date"), period, frames


def local_ns(date):
    """PVScan's date, "12/2/2026 12:00:00 PM", in the computer's local time, as ns since 1970."""
    parsed = time.strptime(date, "%m/%d/%Y %I:%M:%S %p")
    return int(time.mktime(parsed)) * 1_000_000_000


def missing(names):
    return [name for name, path in names if not path or not os.path.exists(path)]


class FollowPrairieViewTest(unittest.TestCase):
    def setUp(self):
        absent = e2e.missing_programs() + missing((("CALMON_FOLLOW", os.environ.get("CALMON_FOLLOW")),
                                                  ("CALMON_RIG_SIM", RIG_SIM)))
        if absent:
            self.skipTest("not available: " + ", ".join(absent))

    def test_the_second_channel_of_a_folder_written_at_30_frames_per_s_is_calmon_analyze_output_bit_for_bit(self):
        frames = 600
        config = e2e.CONFIGS["notebook"]
        work = e2e.WorkDir(self, "follow-prairieview")
        folder, analyzed, recording, stop_file = work / "series", work / "analyzed", work / "recording", work / "done"
        os.makedirs(folder)
        daemon = e2e.Daemon(self, config, "--channel", "1")  # the channel calmon-follow sends
        recorder = e2e.start_recorder(self, daemon.publish, recording)
        follower = start_follow(self, None, daemon, "--folder", folder, "--channel", "1", "--stop-file", stop_file)
        writer = rig_sim(self, folder, "--volumes", str(frames), "--rate", "30")
        self.assertEqual(writer.wait(frames / 30 + e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        open(stop_file, "w").close()

        code = follower.wait(e2e.STREAM_DEADLINE_S)
        self.assertEqual(code, 0, f"calmon-follow exited with {code}: {follower.stderr_lines}")
        summary = follower.lines[-1]
        self.assertTrue(summary.startswith(f"calmon-follow: {frames} frames + end of stream"), summary)
        self.assertTrue(summary.endswith(f"; calmond processed all {frames}"), summary)
        self.assertEqual([line for line in follower.stderr_lines if "waiting for" not in line], [])
        lines = e2e.wait_for_recording(self, recorder)
        self.assertIn(f"calmon-record: {frames} frames (0 not received), 1 folder, end of stream", lines[-1])
        status = daemon.status()
        self.assertEqual((status.frames_processed, status.gaps, status.missing_frames), (frames, 0, 0), status)
        daemon.shut_down()

        # Ch2's files, in the XML's order, stacked into one movie for calmon-analyze.
        _, _, listed = read_xml(folder)
        self.assertEqual(len(listed), frames)
        self.assertEqual(len(glob.glob(os.path.join(folder, "*_Ch2_*.ome.tif"))), frames)
        movie = work / "ch2.tif"
        tifffile.imwrite(movie, np.stack([tifffile.imread(os.path.join(folder, files[2])) for _, files, _ in listed]))
        analyze = Program([e2e.ANALYZE, movie, "--config", config, "--out", analyzed, "--quiet"])
        self.addCleanup(e2e.stop, analyze)
        self.assertEqual(analyze.wait(e2e.STREAM_DEADLINE_S), 0, analyze.stderr_lines)

        e2e.check_metadata(self, recording, frames)
        e2e.compare_with_analyze(self, recording, analyzed, config, movie, frames)
        recorded_time = os.path.join(recording, "time.npy")  # skipped only while calmon-record writes none
        if os.path.exists(recorded_time):
            absolute = np.array([t for t, _, _ in listed], dtype=np.float64)
            e2e.assert_same_array(self, np.load(recorded_time), absolute - absolute[0], "time.npy", "(frame,)")
        else:
            print("\ntime.npy: calmon-record wrote none; the time axis is not checked")
        print(f"\n{summary}\nbit for bit, Ch2 of {frames} frames")


class FollowPrairieViewFramesTest(unittest.TestCase):
    """What calmon-follow sends from a folder, caught on a PULL socket where calmond would be."""

    def setUp(self):
        absent = missing((("CALMON_FOLLOW", os.environ.get("CALMON_FOLLOW")), ("CALMON_RIG_SIM", RIG_SIM)))
        if absent:
            self.skipTest("not available: " + ", ".join(absent))
        self.ingest, self.endpoint = e2e.bind_ingest(self)

    def follow(self, folder, *flags):
        program = Program([os.environ["CALMON_FOLLOW"], "--folder", folder, "--to", self.endpoint, "--no-ack",
                           "--progress", "never", "--poll-ms", "1", "--timeout", str(e2e.REPLAY_TIMEOUT_S), *flags])
        self.addCleanup(e2e.stop, program)
        return program

    def receive_stream(self):
        return e2e.receive_stream(self, self.ingest)

    def test_channel_pixels_and_times_from_the_xml(self):
        work = e2e.WorkDir(self, "follow-prairieview-frames")
        folder = work / "series"
        writer = rig_sim(self, folder, "--volumes", "40", "--rate", "0")
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        date, period, listed = read_xml(folder)
        for channel, number in ((0, 1), (1, 2)):
            follower = self.follow(folder, "--channel", str(channel), "--idle-timeout", "0.3")
            frames = self.receive_stream()
            self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
            self.assertEqual(len(frames), len(listed))
            for i, ((header, pixels), (absolute, files, _)) in enumerate(zip(frames, listed)):
                self.assertEqual((header.channel, header.plane, header.sequence), (channel, 0, i))
                self.assertTrue(header.HasField("frame_time_s"))
                seconds = absolute - listed[0][0]
                self.assertEqual(header.frame_time_s, seconds)
                self.assertEqual(header.frame_rate_hz, 1 / period)
                self.assertEqual(header.acquisition_time_ns, local_ns(date) + math.floor(seconds * 1e9 + 0.5))
                page = tifffile.imread(os.path.join(folder, files[number]))
                np.testing.assert_array_equal(np.frombuffer(pixels, dtype="<u2").reshape(page.shape), page)

    def test_one_plane_of_a_multi_plane_series(self):
        work = e2e.WorkDir(self, "follow-prairieview-planes")
        folder = work / "series"
        writer = rig_sim(self, folder, "--planes", "3", "--volumes", "20", "--rate", "0")
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        _, _, listed = read_xml(folder)
        self.assertEqual(len(listed), 60)
        plane_frames = [frame for frame in listed if frame[2] == 3]  # plane 2: the Frame index 3
        follower = self.follow(folder, "--channel", "1", "--plane", "2", "--idle-timeout", "0.3")
        frames = self.receive_stream()
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
        self.assertEqual(len(frames), 20)
        for i, ((header, pixels), (absolute, files, _)) in enumerate(zip(frames, plane_frames)):
            self.assertEqual((header.channel, header.plane, header.sequence), (1, 2, i))
            self.assertEqual(header.frame_time_s, absolute - listed[0][0])
            self.assertEqual(header.frame_rate_hz, 0)  # a plane's rate: not in the XML
            page = tifffile.imread(os.path.join(folder, files[2]))
            np.testing.assert_array_equal(np.frombuffer(pixels, dtype="<u2").reshape(page.shape), page)
        follower = self.follow(folder, "--plane", "3", "--idle-timeout", "0.3")
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 1, follower.stderr_lines)
        self.assertEqual(follower.stderr_lines,
                         [f"calmon-follow: {folder}: --plane 3 requested, the series has 3 planes"])

    def test_a_channel_the_xml_does_not_have_is_one_line(self):
        work = e2e.WorkDir(self, "follow-prairieview-bad-channel")
        folder = work / "series"
        writer = rig_sim(self, folder, "--volumes", "3", "--rate", "0")
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        follower = self.follow(folder, "--channel", "2", "--idle-timeout", "0.3")
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 1, follower.stderr_lines)
        self.assertEqual(follower.stderr_lines,
                         [f"calmon-follow: {folder}: --channel 2 requested, the series has 2 channels (Ch1, Ch2)"])


if __name__ == "__main__":
    unittest.main()
