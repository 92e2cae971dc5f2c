# support.py — what the subscriber tests share: programs under test, messages to publish.
#
# Program runs a command with its stdout read line by line on a thread, so a test can
# wait for a line with a deadline instead of sleeping, and is always killed at the end.
# The message builders make TraceUpdates the way calmond does (stream_analyzer.h): a
# frame's own update with its live values and the settled rows it completed,
# settled-only continuations repeating its frame_index, and one end-of-stream update
# whose frame_index is the session's frame count.
import os
import queue
import signal
import subprocess
import threading
import time

import numpy as np

from calmon import wire_pb2

RECORD = os.environ.get("CALMON_RECORD", "calmon-record")
SUB = os.environ.get("CALMON_SUB", "calmon-sub")
DAEMON = os.environ.get("CALMON_DAEMON", "")


class Program:
    def __init__(self, args, env=None):
        self.args = [str(a) for a in args]
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)
        self.lines = []
        self.stderr_lines = []
        self._lines = queue.Queue()
        self._readers = [threading.Thread(target=self._read, args=(self.process.stdout, self._lines), daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    def _read_stderr(self):
        for line in self.process.stderr:
            self.stderr_lines.append(line.rstrip("\n"))

    def wait_for_line(self, predicate, timeout=10.0):
        """The first new stdout line for which predicate(line) holds; AssertionError at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.args[0]}: no expected line within {timeout} s; "
                                     f"stdout {self.lines[-5:]}, stderr {self.stderr_lines[-5:]}")
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self._lines.put(None)
                raise AssertionError(f"{self.args[0]} ended (exit {self.process.wait()}) before the expected "
                                     f"line; stdout {self.lines[-5:]}, stderr {self.stderr_lines[-5:]}")
            self.lines.append(line)
            if predicate(line):
                return line

    def wait(self, timeout=20.0):
        """Exit status; the process is killed and AssertionError raised at the deadline."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.args[0]} did not exit within {timeout} s; stderr {self.stderr_lines[-5:]}")
        self._close_pipes()
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.lines.append(line)
        return code

    def interrupt(self):
        self.process.send_signal(signal.SIGINT)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_pipes()

    def _close_pipes(self):
        for reader in self._readers:
            reader.join(5)
        for pipe in (self.process.stdout, self.process.stderr):
            if not pipe.closed:
                pipe.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def wait_until(condition, timeout=10.0, what="condition"):
    """Polls `condition` until it returns a true value, which is returned; AssertionError at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def roi_set_info(version, names, settled_lag=2):
    info = wire_pb2.RoiSetInfo(version=version, settled_lag=settled_lag)
    for k, name in enumerate(names):
        roi = info.rois.add(name=name, baseline="moving median, window 5",
                            neuropil_source="mask of 3 pixels, r = 0.7")
        roi.region.rect.xmin, roi.region.rect.xmax = k, k + 2
        roi.region.rect.ymin, roi.region.rect.ymax = 0, 3
        roi.neuropil.mask.x.extend([k, k + 1, k + 2])
        roi.neuropil.mask.y.extend([4, 4, 5])
    return info


class LiveRows:
    """Known live and settled numbers for frames of one ROI set, made up reproducibly."""

    def __init__(self, frames, rois, seed, first_frame=0):
        rng = np.random.default_rng(seed)
        self.first_frame = first_frame
        shape = (frames, rois)
        self.f = rng.normal(100, 10, shape)
        self.fneu = rng.normal(50, 5, shape)
        self.fcorr = self.f - 0.7 * self.fneu
        self.f0 = rng.normal(60, 3, shape)
        self.dff = (self.fcorr - self.f0) / self.f0
        self.flags = np.zeros(shape, np.uint8)
        self.f0[frames // 2, 0] = -1.0          # F0 <= 0: NaN and flag 1, as calmond does
        self.dff[frames // 2, 0] = np.nan
        self.flags[frames // 2, 0] = 1
        self.settled_f0 = rng.normal(61, 3, shape)
        self.settled_dff = (self.fcorr - self.settled_f0) / self.settled_f0
        self.settled_flags = np.zeros(shape, np.uint8)
        self.global_mean = rng.normal(80, 1, frames)
        self.global_median = rng.normal(79, 1, frames)
        self.global_min = rng.normal(10, 1, frames)

    def row(self, frame):
        return frame - self.first_frame

    def live_update(self, frame, version, sequence_offset=100):
        r = self.row(frame)
        update = wire_pb2.TraceUpdate(sequence=frame + sequence_offset, frame_index=frame, roi_set_version=version,
                                      acquisition_time_ns=1, receive_time_ns=2, publish_time_ns=3)
        update.f.extend(self.f[r]); update.fneu.extend(self.fneu[r]); update.fcorr.extend(self.fcorr[r])
        update.f0.extend(self.f0[r]); update.dff.extend(self.dff[r]); update.flags.extend(int(x) for x in self.flags[r])
        g = getattr(update, "global")
        g.mean, g.median, g.min = self.global_mean[r], self.global_median[r], self.global_min[r]
        return update

    def add_settled(self, update, frame, version, sequence_offset=100):
        r = self.row(frame)
        row = update.settled.add(sequence=frame + sequence_offset, frame_index=frame, roi_set_version=version)
        row.f0.extend(self.settled_f0[r]); row.dff.extend(self.settled_dff[r])
        row.flags.extend(int(x) for x in self.settled_flags[r])
        return row


def settled_only(frame_index, version, sequence, end_of_stream=False):
    return wire_pb2.TraceUpdate(sequence=sequence, frame_index=frame_index, roi_set_version=version,
                                end_of_stream=end_of_stream, settled_only=True)


def snapshot(frame_index, images):
    message = wire_pb2.ProjectionSnapshot(frame_index=frame_index, sequence=frame_index + 99, time_ns=5)
    for name, array in images.items():
        image = message.images.add(name=name, width=array.shape[1], height=array.shape[0], frames=frame_index)
        image.pixels.extend(array.ravel())
    return message
