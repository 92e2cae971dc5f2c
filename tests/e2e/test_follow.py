# test_follow.py — calmon-follow on a TIFF series another process is writing.
#
# A writer thread appends the synthetic movie's 2000 frames (the e2e.synth.movie fixture)
# page by page to a ScanImage-style series of three files, movie_00001_00001.tif (700
# pages), _00002 (700) and _00003 (600), the way libtiff appends a page: the strips in two
# halves (a follower that polls in between sees half a page), then the IFD, then the link
# from the previous IFD. calmon-follow is started before the first file exists, follows the
# series across both rollovers into calmond, and ends when the writer's stop file appears;
# calmon-record's recording must be calmon-analyze's folder for the whole movie, bit for
# bit — no frame lost, duplicated or read half-written. Then the bad inputs: a last page
# cut off when the writer stops is reported on one line and not sent; a file that is not a
# TIFF and a frame size that changes at a rollover end calmon-follow with one line.
import os
import struct
import threading
import unittest

import numpy as np
import tifffile

import e2e_support as e2e
from support import Program

FOLLOW = os.environ.get("CALMON_FOLLOW", "")
WRITE_PRAIRIEVIEW = os.environ.get("CALMON_WRITE_PRAIRIEVIEW", "")
SERIES = "TSeries-12022026-1200-001"  # the PrairieView-style writer's default series name
FILE_PAGES = (700, 700, 600)


class AppendingTiff:
    """A classic little-endian TIFF appended to page by page, as libtiff appends."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        os.pwrite(self.fd, b"II*\0" + struct.pack("<I", 0), 0)
        self.end = 8
        self.link_at = 4

    def append(self, frame, cut_after=None):
        """Appends a uint16 frame; with cut_after, stops after that many of its bytes (a writer
        that died mid-page)."""
        height, width = frame.shape
        data = np.ascontiguousarray(frame, dtype="<u2").tobytes()
        start = self.end
        ifd_at = start + len(data) + (len(data) % 2)
        entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 16), (259, 3, 1, 1), (262, 3, 1, 1),
                   (273, 4, 1, start), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, len(data))]
        ifd = struct.pack("<H", len(entries))
        for tag, kind, count, value in entries:
            ifd += struct.pack("<HHI", tag, kind, count) + (struct.pack("<HH", value, 0) if kind == 3
                                                            else struct.pack("<I", value))
        ifd += struct.pack("<I", 0)
        page = data + b"\0" * (ifd_at - start - len(data)) + ifd
        if cut_after is not None:
            os.pwrite(self.fd, page[:cut_after], start)
            return
        half = len(data) // 2
        os.pwrite(self.fd, page[:half], start)  # a follower polling now sees half a page
        os.pwrite(self.fd, page[half:], start + half)
        os.pwrite(self.fd, struct.pack("<I", ifd_at), self.link_at)  # linked last
        self.link_at = ifd_at + len(ifd) - 4
        self.end = start + len(page)

    def close(self):
        os.close(self.fd)


def series_name(folder, counter):
    return os.path.join(folder, f"movie_00001_{counter:05d}.tif")


def write_series(folder, frames, pages_per_file, stop_file):
    """Writes `frames` over files of `pages_per_file` pages, then creates `stop_file`."""
    first = 0
    for counter, pages in enumerate(pages_per_file, start=1):
        writer = AppendingTiff(series_name(folder, counter))
        for frame in frames[first:first + pages]:
            writer.append(frame)
        writer.close()
        first += pages
    open(stop_file, "w").close()


def start_follow(test_case, first_file, daemon, *flags):
    """calmon-follow FIRST_FILE (or, with first_file None, the --folder in flags) to daemon."""
    program = Program([FOLLOW, *([first_file] if first_file else []), "--to", daemon.ingest, "--control", daemon.control_endpoint,
                       "--progress", "never", "--poll-ms", "1", "--timeout", str(e2e.REPLAY_TIMEOUT_S), *flags])
    test_case.addCleanup(e2e.stop, program)
    return program


class FollowTest(unittest.TestCase):
    def setUp(self):
        missing = e2e.missing_programs() + ([] if FOLLOW and os.path.exists(FOLLOW) else ["CALMON_FOLLOW"])
        if missing:
            self.skipTest("not available: " + ", ".join(missing))

    def test_a_series_written_while_followed_is_calmon_analyze_output_bit_for_bit(self):
        config = e2e.CONFIGS["notebook"]
        movie, frames, analyzed = e2e.require_fixture(self, "movie", "notebook")
        self.assertEqual(sum(FILE_PAGES), frames)
        work = e2e.WorkDir(self, "follow-series")
        recording, stop_file = work / "recording", work / "writer-done"
        daemon = e2e.Daemon(self, config)
        recorder = e2e.start_recorder(self, daemon.publish, recording)
        follower = start_follow(self, series_name(work.path, 1), daemon, "--stop-file", stop_file)
        writer = threading.Thread(target=write_series,
                                  args=(work.path, tifffile.imread(movie), FILE_PAGES, stop_file))
        writer.start()
        writer.join(e2e.STREAM_DEADLINE_S)
        self.assertFalse(writer.is_alive(), "the writer did not finish")

        code = follower.wait(e2e.STREAM_DEADLINE_S)
        self.assertEqual(code, 0, f"calmon-follow exited with {code}: {follower.stderr_lines}")
        summary = follower.lines[-1]
        self.assertTrue(summary.startswith(f"calmon-follow: {frames} frames + end of stream to {daemon.ingest}"),
                        summary)
        self.assertIn("(as written)", summary)
        self.assertTrue(summary.endswith(f"; calmond processed all {frames}"), summary)
        self.assertEqual([line for line in follower.stderr_lines if "waiting for" not in line], [])

        lines = e2e.wait_for_recording(self, recorder)
        self.assertIn(f"calmon-record: {frames} frames (0 not received), 1 folder, end of stream", lines[-1])
        status = daemon.status()
        self.assertEqual((status.frames_processed, status.gaps, status.missing_frames, sum(status.rejected.values())),
                         (frames, 0, 0, 0), status)
        daemon.shut_down()
        e2e.check_metadata(self, recording, frames)
        images = e2e.compare_with_analyze(self, recording, analyzed, config, movie, frames)
        print(f"\n{summary}\nbit for bit over 3 files: every trace file, {len(images)} images")

    def test_a_page_cut_off_at_the_end_is_reported_and_not_sent(self):
        work = e2e.WorkDir(self, "follow-cut")
        path, stop_file = series_name(work.path, 1), work / "writer-done"
        frames = tifffile.imread(e2e.MOVIES["movie"][0], key=range(4))
        writer = AppendingTiff(path)
        for frame in frames[:3]:
            writer.append(frame)
        writer.append(frames[3], cut_after=1000)  # the writer died in the middle of page 3
        writer.close()
        open(stop_file, "w").close()
        daemon = e2e.Daemon(self, e2e.CONFIGS["notebook"])
        follower = start_follow(self, path, daemon, "--stop-file", stop_file)
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
        self.assertEqual(follower.stderr_lines,
                         [f"calmon-follow: {path}: page 3 is incomplete: the file ends with 1000 bytes after the "
                          "last complete page that no IFD links (cut off before its IFD was written)"])
        self.assertTrue(follower.lines[-1].endswith("; calmond processed all 3"), follower.lines)
        self.assertEqual(daemon.status().frames_processed, 3)

    def test_a_file_that_is_not_a_tiff_stops_with_one_line(self):
        work = e2e.WorkDir(self, "follow-not-tiff")
        path = work / "notes_00001_00001.tif"
        with open(path, "w") as f:
            f.write("these are notes, not pages\n")
        daemon = e2e.Daemon(self, e2e.CONFIGS["notebook"])
        follower = start_follow(self, path, daemon)
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 1)
        self.assertEqual(follower.stderr_lines, [f"calmon-follow: {path}: is not a TIFF file (no TIFF header at its start)"])

    def test_a_frame_size_that_changes_at_a_rollover_ends_the_stream_with_one_line(self):
        work = e2e.WorkDir(self, "follow-size")
        frames = tifffile.imread(e2e.MOVIES["movie"][0], key=range(5))
        first = AppendingTiff(series_name(work.path, 1))
        for frame in frames:
            first.append(frame)
        first.close()
        second = AppendingTiff(series_name(work.path, 2))
        second.append(frames[0][:30, :40])
        second.close()
        daemon = e2e.Daemon(self, e2e.CONFIGS["notebook"])
        follower = start_follow(self, series_name(work.path, 1), daemon)
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 1, follower.stderr_lines)
        self.assertEqual(follower.stderr_lines,
                         [f"calmon-follow: {series_name(work.path, 2)}: page 0 is 40x30 uint16, but the series "
                          "before it is 80x60 uint16"])
        # The frames before it were sent, and their stream ended cleanly.
        self.assertTrue(follower.lines[-1].endswith("; calmond processed all 5"), follower.lines)


class FollowFolderTest(unittest.TestCase):
    """A PrairieView-style folder (tools/rig_sim/prairieview_writer.h) of the same movie."""

    def setUp(self):
        missing = e2e.missing_programs() + [name for name, path in (("CALMON_FOLLOW", FOLLOW),
                                                                    ("CALMON_WRITE_PRAIRIEVIEW", WRITE_PRAIRIEVIEW))
                                            if not path or not os.path.exists(path)]
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.config = e2e.CONFIGS["notebook"]
        self.movie, self.frames, self.analyzed = e2e.require_fixture(self, "movie", "notebook")

    def follow_folder_written_while_followed(self, xml, files):
        work = e2e.WorkDir(self, f"follow-folder-{xml}-{files}")
        folder, recording, stop_file = work / "series", work / "recording", work / "writer-done"
        os.makedirs(folder)
        daemon = e2e.Daemon(self, self.config)
        recorder = e2e.start_recorder(self, daemon.publish, recording)
        follower = start_follow(self, None, daemon, "--folder", folder, "--stop-file", stop_file)
        writer = Program([WRITE_PRAIRIEVIEW, self.movie, folder, xml, files])
        self.addCleanup(e2e.stop, writer)
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        self.assertEqual(writer.lines, [f"frames {self.frames} xml {folder}/{SERIES}.xml"])
        open(stop_file, "w").close()

        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
        self.assertTrue(follower.lines[-1].endswith(f"; calmond processed all {self.frames}"), follower.lines)
        self.assertEqual([line for line in follower.stderr_lines if "waiting for" not in line], [])
        lines = e2e.wait_for_recording(self, recorder)
        self.assertIn(f"calmon-record: {self.frames} frames (0 not received), 1 folder, end of stream", lines[-1])
        status = daemon.status()
        self.assertEqual((status.frames_processed, status.gaps, status.missing_frames), (self.frames, 0, 0), status)
        daemon.shut_down()
        e2e.check_metadata(self, recording, self.frames)
        e2e.compare_with_analyze(self, recording, self.analyzed, self.config, self.movie, self.frames)
        print(f"\n{xml}, {files}: {follower.lines[-1]}")

    def test_a_folder_whose_xml_grows_is_calmon_analyze_output_bit_for_bit(self):
        self.follow_folder_written_while_followed("grows", "renamed")

    def test_a_folder_without_xml_until_the_end_files_written_in_place(self):
        self.follow_folder_written_while_followed("at-end", "in-place")

    def test_a_missing_frame_is_a_gap_and_a_stray_file_is_skipped(self):
        work = e2e.WorkDir(self, "follow-folder-gap")
        folder = work / "series"
        os.makedirs(folder)
        writer = Program([WRITE_PRAIRIEVIEW, self.movie, folder, "grows", "renamed"])
        self.addCleanup(e2e.stop, writer)
        self.assertEqual(writer.wait(e2e.STREAM_DEADLINE_S), 0, writer.stderr_lines)
        os.remove(os.path.join(folder, f"{SERIES}_Cycle00001_Ch2_000011.ome.tif"))  # frame 10 lost
        stray = os.path.join(folder, f"{SERIES}_Cycle00001_Ch2_000021.ome.tif")
        with open(stray, "w") as f:  # frame 20 replaced by a file that is not a TIFF
            f.write("not a frame\n")
        daemon = e2e.Daemon(self, self.config)
        follower = start_follow(self, None, daemon, "--folder", folder, "--idle-timeout", "0.5")
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
        self.assertEqual(follower.stderr_lines,
                         [f"calmon-follow: {stray}: is not a TIFF file (no TIFF header at its start); skipped"])
        sent = self.frames - 2
        self.assertTrue(follower.lines[-1].startswith(f"calmon-follow: {sent} frames + end of stream"),
                        follower.lines)
        self.assertTrue(follower.lines[-1].endswith(f"; calmond processed all {sent}"), follower.lines)
        status = daemon.status()
        # Frame 10 is a gap calmond sees; the stray file is skipped in the same way.
        self.assertEqual((status.frames_processed, status.missing_frames), (sent, 2), status)

    def test_a_folder_with_no_matching_files_waits_with_one_line_until_the_idle_timeout(self):
        work = e2e.WorkDir(self, "follow-folder-empty")
        daemon = e2e.Daemon(self, self.config)
        follower = start_follow(self, None, daemon, "--folder", work.path, "--glob", "frame_*.tif",
                                "--idle-timeout", "0.2")
        self.assertEqual(follower.wait(e2e.STREAM_DEADLINE_S), 0, follower.stderr_lines)
        self.assertEqual(follower.stderr_lines,
                         [f"calmon-follow: waiting for files matching frame_*.tif in {work.path}"])
        self.assertTrue(follower.lines[-1].startswith("calmon-follow: 0 frames to "), follower.lines)


if __name__ == "__main__":
    unittest.main()
