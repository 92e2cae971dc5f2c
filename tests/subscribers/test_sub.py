# test_sub.py — calmon-sub against a fake calmond: the exact values of the chosen ROIs
# when piped, a table on a terminal, and a one-line error for an ROI it does not know.
import math
import os
import pty
import select
import subprocess
import time
import unittest

from fake_daemon import FakeDaemon
from support import SUB, LiveRows, Program, roi_set_info, settled_only

NAMES = ["cell1", "cell2", "np"]


def parse_values(line):
    """'frame=3 seq=103 np=0.5 cell1=nan' -> {'frame': 3.0, 'seq': 103.0, 'np': 0.5, 'cell1': nan}"""
    words = line.split()
    if words[0] == "settled":
        words = words[1:]
    return {key: float(value) for key, value in (word.split("=", 1) for word in words)}


def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def publish_stream(daemon, rows, version, lag=2):
    frames = len(rows.f)
    daemon.set_streaming(True)
    for t in range(frames):
        update = rows.live_update(t, version)
        if t >= lag:
            rows.add_settled(update, t - lag, version)
        daemon.publish("traces", update)
    end = settled_only(frames, version, 99 + frames, end_of_stream=True)
    for t in range(frames - lag, frames):
        rows.add_settled(end, t, version)
    daemon.publish("traces", end)
    daemon.set_streaming(False)


class SubTest(unittest.TestCase):
    def test_piped_it_prints_the_exact_live_and_settled_values_of_the_chosen_rois(self):
        rows = LiveRows(6, 3, seed=11)
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon, \
                Program([SUB, "--from", daemon.publish_endpoint, "--roi", "np", "--roi", "cell1", "--settled"]) as sub:
            sub.wait_for_line(lambda line: line == "# ROI set 1: cell1, cell2, np")
            publish_stream(daemon, rows, 1)
            self.assertEqual(sub.wait(), 0, sub.stderr_lines)
        live = [parse_values(line) for line in sub.lines if line.startswith("frame=")]
        settled = [parse_values(line) for line in sub.lines if line.startswith("settled ")]
        self.assertEqual([int(v["frame"]) for v in live], list(range(6)))
        self.assertEqual([int(v["frame"]) for v in settled], list(range(6)))
        for t, values in enumerate(live):
            self.assertEqual(list(values), ["frame", "seq", "np", "cell1"])
            self.assertEqual(values["seq"], t + 100)
            self.assertTrue(same(values["np"], rows.dff[t, 2]) and same(values["cell1"], rows.dff[t, 0]), values)
        self.assertTrue(math.isnan(live[3]["cell1"]))  # F0 <= 0 in the made-up rows
        for t, values in enumerate(settled):
            self.assertEqual((values["np"], values["cell1"]), (rows.settled_dff[t, 2], rows.settled_dff[t, 0]))
        self.assertEqual(sub.lines[-1], "# end of stream after 6 frames")

    def test_an_unknown_roi_name_is_an_error_listing_the_names(self):
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon, \
                Program([SUB, "--from", daemon.publish_endpoint, "--roi", "cell1", "--roi", "cell9"]) as sub:
            self.assertEqual(sub.wait(), 2)
        self.assertEqual(sub.stderr_lines, ["calmon-sub: no ROI named 'cell9'; the ROI set has cell1, cell2, np"])

    def test_rois_are_shown_by_index_until_their_names_arrive(self):
        rows = LiveRows(2, 3, seed=12)
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon, \
                Program([SUB, "--from", daemon.publish_endpoint]) as sub:
            sub.wait_for_line(lambda line: line.startswith("# ROI set 1"))
            daemon.publish("traces", rows.live_update(0, 4))  # set 4's names have not been published
            line = sub.wait_for_line(lambda line: line.startswith("frame="))
            self.assertEqual(list(parse_values(line)), ["frame", "seq", "#0", "#1", "#2"])
            daemon.set_roi_info(roi_set_info(4, ["a", "b", "c"]))
            daemon.publish("traces", rows.live_update(1, 4))
            line = sub.wait_for_line(lambda line: line.startswith("frame="))
            self.assertEqual(list(parse_values(line)), ["frame", "seq", "a", "b", "c"])
            daemon.publish("traces", settled_only(2, 4, 101, end_of_stream=True))
            self.assertEqual(sub.wait(), 0, sub.stderr_lines)

    def test_sigint_ends_it_cleanly(self):
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon, Program([SUB, "--from", daemon.publish_endpoint]) as sub:
            sub.wait_for_line(lambda line: line.startswith("# ROI set 1"))
            sub.interrupt()
            self.assertEqual(sub.wait(), 0, sub.stderr_lines)

    def test_on_a_terminal_it_draws_a_table_with_names_values_and_sparklines(self):
        rows = LiveRows(8, 3, seed=13)
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon:
            controller, terminal = pty.openpty()
            process = subprocess.Popen([SUB, "--from", daemon.publish_endpoint, "--roi", "cell2", "--rate", "50"],
                                       stdout=terminal, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            os.close(terminal)
            try:
                screen = read_terminal_until(controller, "frames/s")
                publish_stream(daemon, rows, 1)
                screen += read_terminal_until(controller, None)  # to the end: calmon-sub exits at end of stream
                self.assertEqual(process.wait(10), 0)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                process.stderr.close()
                os.close(controller)
        self.assertIn("calmon-sub \u2190 " + daemon.publish_endpoint, screen)
        self.assertIn("latency p50 0.12 ms, max 0.90 ms", screen)
        self.assertIn("frame 7 \u00b7 sequence 107 \u00b7 ROI set 1", screen)
        self.assertIn("cell2", screen)
        self.assertNotIn("cell1 ", screen)
        self.assertIn(f"{rows.dff[7, 1]:+.4f}", screen)
        self.assertTrue(any(block in screen for block in "\u2581\u2588"), screen)
        self.assertIn("\x1b[?25h", screen)  # the cursor is shown again


def read_terminal_until(fd, text, timeout=10.0):
    """What the program wrote to its terminal, until `text` appears (None: until it closes)."""
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline:
        if text is not None and text.encode() in data:
            return data.decode(errors="replace")
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the program closed its terminal
            chunk = b""
        if not chunk:
            if text is None:
                return data.decode(errors="replace")
            break
        data += chunk
    raise AssertionError(f"terminal output without {text!r} after {timeout} s: {data[-300:]!r}")


if __name__ == "__main__":
    unittest.main()
