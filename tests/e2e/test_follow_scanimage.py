# test_follow_scanimage.py — calmon-follow on ScanImage-style series: channels, planes and clock.
#
# calmon-rig-sim writes an acquisition of 2 channels x 3 planes at 30 volumes/s, a new file
# every 500 frames, while calmon-follow follows channel 0, plane 1 into calmond and
# calmon-record records. The recording must be, bit for bit, what calmon-analyze gives for
# that channel and plane on the finished acquisition (the same acquisition written as one
# file, whose pages are checked with tifffile to be the series' pages): no time point lost,
# duplicated, or of another channel or plane. If calmon-record writes time.npy, it must be
# the pages' frameTimestamps_sec (read with tifffile) minus the first.
#
# Then what calmon-follow sends, caught on a PULL socket in place of calmond: channel,
# plane, sequence, frame_time_s, frame_rate_hz, acquisition_time_ns and pixels of every
# frame of channel 1, plane 2, while calmon-rig-sim writes IFDs first and stops halfway
# through a page's pixels (the page is not sent before it is whole); --from-now starting at
# the newest time point of the plane followed; and the bad inputs, each one line: a channel
# or plane the files do not have, settings that contradict each other, pages whose frame
# numbers do not follow the channel count, settings that change at a rollover.
import math
import os
import time
import unittest

import numpy as np
import tifffile

import e2e_support as e2e
from calmon import wire_pb2
from support import Program
from test_follow import start_follow

RIG_SIM = os.environ.get("CALMON_RIG_SIM", "")
CHANNELS, PLANES, VOLUME_RATE = 2, 3, 30.0


def rig_sim(test_case, folder, *flags):
    program = Program([RIG_SIM, folder, "--scanimage", "--channels", str(CHANNELS), "--planes", str(PLANES),
                       "--quiet", *flags])
    test_case.addCleanup(e2e.stop, program)
    return program


def series_files(folder):
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".tif"))


def read_pages(files):
    """Every page of the files, in order: (frameTimestamps_sec, pixels, epoch). Every IFD is read
    (tifffile's shortcut for classic ScanImage files is left out, docs/follow.md)."""
    pages = []
    for path in files:
        with tifffile.TiffFile(path, is_scanimage=False) as tif:
            for page in tif.pages:
                lines = tifffile.matlabstr2py(page.description)
                pages.append((float(lines["frameTimestamps_sec"]), page.asarray(), lines["epoch"]))
    return pages


def followed(pages, channel, plane):
    """The pages of one channel and plane, in time order (ScanImage's order: channels fastest,
    then planes)."""
    return pages[plane * CHANNELS + channel::PLANES * CHANNELS]


class FollowScanImageTest(unittest.TestCase):
    def setUp(self):
        missing = e2e.missing_programs() + [name for name, path in (("CALMON_FOLLOW", os.environ.get("CALMON_FOLLOW")),
                                                                    ("CALMON_RIG_SIM", RIG_SIM))
                                            if not path or not os.path.exists(path)]
        if missing:
            self.skipTest("not available: " + ", ".join(missing))

    def test_channel_0_plane_1_of_a_series_written_at_30_volumes_per_s_is_calmon_analyze_output_bit_for_bit(self):
        volumes, frames_per_file = 600, 500  # 20 s of writing; 1800 frames over 4 files
        config = e2e.CONFIGS["notebook"]
        work = e2e.WorkDir(self, "follow-scanimage")
        whole, series = work / "whole", work / "series"
        analyzed, recording, stop_file = work / "analyzed", work / "recording", work / "writer-done"

        # The same acquisition as one file, and calmon-analyze's folder for channel 0, plane 1 of it.
        writer = rig_sim(self, whole, "--volumes", str(volumes), "--rate", "0")
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        analyze = Program([e2e.ANALYZE, os.path.join(whole, "rig_00001.tif"), "--config", config, "--out", analyzed,
                           "--channel", "0", "--plane", "1", "--quiet"])
        self.addCleanup(e2e.stop, analyze)
        self.assertEqual(analyze.wait(e2e.STREAM_DEADLINE_S), 0, analyze.stderr_lines)

        daemon = e2e.Daemon(self, config, "--channel", "0", "--plane", "1")  # the frames it analyses
        recorder = e2e.start_recorder(self, daemon.publish, recording)
        follower = start_follow(self, os.path.join(series, "rig_00001_00001.tif"), daemon, "--channel", "0",
                                "--plane", "1", "--stop-file", stop_file)
        os.makedirs(series)
        writer = rig_sim(self, series, "--volumes", str(volumes), "--rate", str(VOLUME_RATE), "--frames-per-file",
                         str(frames_per_file))
        self.assertEqual(writer.wait(volumes / VOLUME_RATE + e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        open(stop_file, "w").close()

        code = follower.wait(e2e.STREAM_DEADLINE_S)
        self.assertEqual(code, 0, f"calmon-follow exited with {code}: {follower.stderr_lines}")
        summary = follower.lines[-1]
        self.assertTrue(summary.startswith(f"calmon-follow: {volumes} frames + end of stream"), summary)
        self.assertTrue(summary.endswith(f"; calmond processed all {volumes}"), summary)
        self.assertEqual([line for line in follower.stderr_lines if "waiting for" not in line],
                         ["calmon-follow: ScanImage 2016b: 2 channels saved (1, 2), 3 planes, 30 volumes/s; "
                          "following channel 0 (ScanImage's channel 1), plane 1"])
        lines = e2e.wait_for_recording(self, recorder)
        self.assertIn(f"calmon-record: {volumes} frames (0 not received), 1 folder, end of stream", lines[-1])
        status = daemon.status()
        self.assertEqual((status.frames_processed, status.gaps, status.missing_frames, sum(status.rejected.values())),
                         (volumes, 0, 0, 0), status)
        daemon.shut_down()

        # The series is the one-file acquisition, page for page (tifffile reads both).
        files = series_files(series)
        self.assertEqual(len(files), -(-volumes * PLANES // frames_per_file), files)
        pages, whole_pages = read_pages(files), read_pages([os.path.join(whole, "rig_00001.tif")])
        self.assertEqual(len(pages), volumes * PLANES * CHANNELS)
        for (t, pixels, _), (whole_t, whole_pixels, _) in zip(pages, whole_pages):
            self.assertEqual(t, whole_t)
            np.testing.assert_array_equal(pixels, whole_pixels)
        plane_pages = followed(pages, 0, 1)
        self.assertEqual(len(plane_pages), volumes)
        movie = work / "plane.tif"  # the frames of channel 0, plane 1, for the comparison's `latest`
        tifffile.imwrite(movie, np.stack([pixels for _, pixels, _ in plane_pages]))

        e2e.check_metadata(self, recording, volumes)
        e2e.compare_with_analyze(self, recording, analyzed, config, movie, volumes)
        # The time axis: skipped only while calmon-record writes no time.npy at all.
        recorded_time = os.path.join(recording, "time.npy")
        if os.path.exists(recorded_time):
            stamps = np.array([t for t, _, _ in plane_pages], dtype=np.float64)
            e2e.assert_same_array(self, np.load(recorded_time), stamps - stamps[0], "time.npy", "(frame,)")
            if os.path.exists(os.path.join(analyzed, "time.npy")):
                e2e.assert_same_array(self, np.load(recorded_time), np.load(os.path.join(analyzed, "time.npy")),
                                      "time.npy (calmon-analyze's)", "(frame,)")
        else:
            print("\ntime.npy: calmon-record wrote none; the time axis is not checked")
        print(f"\n{summary}\nbit for bit over {len(files)} files, channel 0, plane 1")


class FollowScanImageFramesTest(unittest.TestCase):
    """What calmon-follow sends, caught on a PULL socket where calmond would be."""

    def setUp(self):
        missing = [name for name, path in (("CALMON_FOLLOW", os.environ.get("CALMON_FOLLOW")),
                                           ("CALMON_RIG_SIM", RIG_SIM)) if not path or not os.path.exists(path)]
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.ingest, self.endpoint = e2e.bind_ingest(self)

    def follow(self, first_file, *flags):
        program = Program([os.environ["CALMON_FOLLOW"], first_file, "--to", self.endpoint, "--no-ack",
                           "--progress", "never", "--poll-ms", "1", "--timeout", str(e2e.REPLAY_TIMEOUT_S), *flags])
        self.addCleanup(e2e.stop, program)
        return program

    def receive_stream(self):
        return e2e.receive_stream(self, self.ingest)

    def check_frames(self, frames, pages, channel, plane, first_time_point=0):
        expected = followed(pages, channel, plane)[first_time_point:]
        self.assertEqual(len(frames), len(expected))
        for i, ((header, pixels), (stamp, page, epoch)) in enumerate(zip(frames, expected)):
            self.assertEqual((header.channel, header.plane, header.sequence), (channel, plane, i))
            self.assertTrue(header.HasField("frame_time_s"))
            self.assertEqual(header.frame_time_s, stamp)  # frameTimestamps_sec, as parsed from the same text
            self.assertEqual(header.frame_rate_hz, VOLUME_RATE)
            # The epoch [year month day hour minute seconds] (when calmon-rig-sim started), in the
            # computer's local time, plus the page's timestamp.
            whole = int(epoch[5])
            start = int(time.mktime((*[int(v) for v in epoch[:5]], whole, 0, 0, -1)))
            self.assertEqual(header.acquisition_time_ns,
                             start * 1_000_000_000 + math.floor((epoch[5] - whole + stamp) * 1e9 + 0.5))
            np.testing.assert_array_equal(np.frombuffer(pixels, dtype="<u2").reshape(page.shape), page)

    def test_channel_1_plane_2_with_a_page_paused_half_written_after_its_ifd(self):
        work = e2e.WorkDir(self, "follow-scanimage-fields")
        folder, stop_file = work / "rig", work / "writer-done"
        os.makedirs(folder)
        follower = self.follow(os.path.join(folder, "rig_00001_00001.tif"), "--channel", "1", "--slice", "2",
                               "--stop-file", stop_file)
        # 20 volumes, a file every 25 frames; page 101 (in the second file, channel 1 of plane 2)
        # is linked before its pixels are written and stays half-written for 0.5 s.
        writer = rig_sim(self, folder, "--volumes", "20", "--rate", "0", "--frames-per-file", "25", "--ifd-first",
                         "--pause-mid-page", "101:0.5")
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        open(stop_file, "w").close()
        frames_seen = self.receive_stream()
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
        self.check_frames(frames_seen, read_pages(series_files(folder)), 1, 2)

    def test_from_now_starts_at_the_newest_time_point_of_the_plane_followed(self):
        work = e2e.WorkDir(self, "follow-scanimage-now")
        folder, stop_file = work / "rig", work / "writer-done"
        writer = rig_sim(self, folder, "--volumes", "10", "--rate", "0", "--frames-per-file", "7")
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        # 30 frames, 7 to a file: the last file holds frames 29 and 30, plane 1 and plane 2 of
        # the last volume; its newest page is channel 1 of plane 2.
        files = series_files(folder)
        self.assertEqual(len(files), 5)
        pages = read_pages(files)
        open(stop_file, "w").close()
        # The newest time point of channel 1, plane 1 is the last volume's, in the last file:
        # one frame. Plane 0 of the last volume is in the file before it: one frame too.
        for plane in (1, 0):
            follower = self.follow(files[0], "--from-now", "--channel", "1", "--plane", str(plane),
                                   "--stop-file", stop_file)
            frames = self.receive_stream()
            self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
            self.check_frames(frames, pages, 1, plane, first_time_point=9)

    def bad_series(self, name, pages, software_of_file, shapes=None):
        """Files of pages (descriptions) written with tifffile, each file with its Software
        text and frame shape (6x8 by default); returns the files and the stop file."""
        work = e2e.WorkDir(self, name)
        paths = []
        for counter, file_pages in enumerate(pages, start=1):
            frame = np.zeros(shapes[counter - 1] if shapes else (6, 8), dtype=np.uint16)
            path = os.path.join(work.path, f"bad_00001_{counter:05d}.tif")
            with tifffile.TiffWriter(path) as tif:
                for description in file_pages:
                    tif.write(frame, description=description, software=software_of_file[counter - 1],
                              metadata=None, contiguous=False)
            paths.append(path)
        open(work / "stop", "w").close()
        return paths, work / "stop"

    def expect_one_line(self, first_file, stop_file, line, *flags):
        follower = self.follow(first_file, "--stop-file", stop_file, *flags)
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 1, follower.stderr_lines)
        # The line saying what the series is may come first.
        self.assertEqual([text for text in follower.stderr_lines if not text.startswith("calmon-follow: ScanImage")],
                         [f"calmon-follow: {line}"])

    def test_bad_input_ends_with_one_line(self):
        software = ("SI.VERSION_MAJOR = '2020'\nSI.hChannels.channelSave = [1;2]\n"
                    "SI.hStackManager.actualNumSlices = 3\nSI.hFastZ.enable = true\n"
                    "SI.hRoiManager.scanFrameRate = 90\nSI.hRoiManager.scanVolumeRate = 30\n")

        def description(k):
            return f"frameNumbers = {k}\nframeNumberAcquisition = {k}\nframeTimestamps_sec = {(k - 1) / 90:.6f}\n"

        good = [description(k // 2 + 1) for k in range(12)]
        (first, *_), stop = self.bad_series("follow-bad-channel", [good], [software])
        self.expect_one_line(first, stop, f"{first}: --channel 2 requested, the movie has 2 channels",
                             "--channel", "2")
        self.expect_one_line(first, stop, f"{first}: --slice 3 requested, the movie has 3 slices", "--plane", "3")

        fast = software.replace("scanVolumeRate = 30", "scanVolumeRate = 40")
        (first, *_), stop = self.bad_series("follow-bad-rates", [good], [fast])
        self.expect_one_line(first, stop, f"{first}: page 0's Software tag: ScanImage metadata: "
                             "SI.hRoiManager.scanVolumeRate = 40 with 3 plane(s) per volume is faster than "
                             "SI.hRoiManager.scanFrameRate = 90 allows")

        one_page_a_frame = [description(k + 1) for k in range(4)]  # as if one channel were saved
        (first, *_), stop = self.bad_series("follow-bad-numbers", [one_page_a_frame], [software])
        self.expect_one_line(first, stop, f"{first}: page 1 has frameNumberAcquisition = 2, which with 2 saved "
                             "channels makes it page 3 of the acquisition, not 1 (a page missing, or "
                             "SI.hChannels.channelSave wrong?)")

        one_channel = software.replace("channelSave = [1;2]", "channelSave = 1")
        (first, second), stop = self.bad_series(
            "follow-bad-rollover", [good[:6], [description(k // 2 + 4) for k in range(6)]], [software, one_channel])
        self.expect_one_line(first, stop, f"{second}: page 0's ScanImage settings differ from {first}'s: "
                             "SI.hChannels.channelSave was [1, 2], now [1]")

        (first, second), stop = self.bad_series(
            "follow-bad-size", [good[:6], [description(k // 2 + 4) for k in range(6)]], [software, software],
            shapes=[(6, 8), (3, 4)])
        self.expect_one_line(first, stop, f"{second}: page 0 is 4x3 uint16, but the series before it is 8x6 uint16")


if __name__ == "__main__":
    unittest.main()
