#!/usr/bin/env python3
"""daemon_limits_test.py — calmond's limits in bytes, run for real (docs/daemon.md, "Limits").

Like daemon_smoke_test.py (whose Daemon class this reuses): calmond on ephemeral
loopback ports, driven over ZeroMQ. Memory is measured as a resource bound, never as
a time: VmHWM (the peak resident set since start) and VmRSS from /proc/PID/status.
Every wait is a condition polled with a deadline.

Usage: CALMOND=build/bin/calmond PYTHONPATH=build/python daemon_limits_test.py [TestClass]
"""
import os
import socket as socketlib
import struct
import tempfile
import threading
import time
import unittest

import numpy as np
import zmq
from zmq.utils.monitor import recv_monitor_message

from calmon import config_pb2, wire_pb2
from daemon_smoke_test import DEADLINE_S, HEIGHT, SANITIZER, WIDTH, Daemon, header, movie_frame

MIB = 1 << 20


def status_kib(pid, field):
    """A field of /proc/PID/status in KiB ("VmHWM", "VmRSS")."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def wait_until(condition, what, deadline_s=DEADLINE_S):
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)  # polling a condition, with a deadline


class Disconnections:
    """Watches a socket's connection (ZeroMQ socket monitor): has calmond dropped it?"""

    def __init__(self, socket):
        self.socket = socket
        self.monitor = socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self.count = 0

    def close(self, linger=0):
        """Before the socket or its context goes (a monitor left behind can crash libzmq)."""
        if not self.socket.closed:
            self.socket.disable_monitor()
        self.monitor.close(0)

    def poll(self):
        while self.monitor.poll(0):
            if recv_monitor_message(self.monitor)["event"] == zmq.EVENT_DISCONNECTED:
                self.count += 1
        return self.count


class RawSubscriber:
    """A subscriber speaking ZMTP 3.0 over a plain TCP socket: a greeting, READY as a SUB
    socket, calmond's greeting and READY awaited (libzmq takes no message before its
    own READY has gone out), then one subscription message. (A pyzmq SUB socket holding
    a 10 MiB subscription would crash its own process when closed: libzmq frees its trie
    of subscriptions recursively, one level per byte.)"""

    def __init__(self, endpoint, topic):
        host, port = endpoint[len("tcp://"):].rsplit(":", 1)
        self.socket = socketlib.create_connection((host, int(port)), timeout=DEADLINE_S)
        greeting = b"\xff" + bytes(8) + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\0") + b"\0" + bytes(31)
        ready = b"\x05READY" + b"\x0bSocket-Type" + struct.pack(">I", 3) + b"SUB"
        subscription = b"\x01" + topic
        self.reset = False
        self.socket.sendall(greeting + b"\x04" + bytes([len(ready)]) + ready)
        self._read(64)                       # calmond's greeting
        flags, size = self._read(2)          # its READY, a short command
        assert flags == 0x04, flags
        self._read(size)
        try:
            self.socket.sendall(b"\x02" + struct.pack(">Q", len(subscription)) + subscription)
        except ConnectionError:  # calmond closed the connection while we were sending
            self.reset = True
        self.socket.setblocking(False)

    def _read(self, count):
        data = b""
        while len(data) < count:
            chunk = self.socket.recv(count - len(data))
            if not chunk:
                raise AssertionError("calmond closed the connection during the handshake")
            data += chunk
        return data

    def closed_by_peer(self):
        if self.reset:
            return True
        try:
            while True:
                if not self.socket.recv(65536):
                    return True
        except BlockingIOError:
            return False
        except ConnectionError:
            return True

    def close(self):
        self.socket.close()


class LimitsTest(unittest.TestCase):
    flags = ()

    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory()
        self.daemon = Daemon(self.workdir.name, *self.flags)
        self.sockets = []  # closed in tearDown, monitors first

    def tearDown(self):
        try:  # ctest shows this only when a test fails
            print(f"--- calmond stderr ({self.id()}) ---\n" + self.daemon.log())
        finally:
            for socket in self.sockets:
                socket.close(0)
            self.daemon.close()
            self.workdir.cleanup()

    def watch(self, socket):
        """Disconnections of `socket`, closed with it at the end of the test."""
        watcher = Disconnections(socket)
        self.sockets.insert(0, watcher)
        return watcher

    def hwm_kib(self):
        return status_kib(self.daemon.process.pid, "VmHWM")

    def socket(self, kind):
        socket = self.daemon.context.socket(kind)
        socket.setsockopt(zmq.LINGER, 0)
        self.sockets.append(socket)
        return socket


class MessageSizeTest(LimitsTest):
    """ZMQ_MAXMSGSIZE: a peer sending a message part larger than a socket takes is
    disconnected before calmond allocates it; the next good peer is served."""
    flags = ("--max-frame-mib", "1", "--max-request-mib", "1")

    def test_a_frame_16_times_too_large_disconnects_its_sender_without_raising_peak_memory(self):
        d = self.daemon
        d.subscribe(("traces",))
        d.send_frame(1)
        self.assertEqual(d.receive("traces").sequence, 1)
        before = self.hwm_kib()

        sender = self.socket(zmq.PUSH)
        dropped = self.watch(sender)
        sender.connect(d.ready["ingest"])
        big = header(2, width=2048, height=4096)  # 16 MiB of uint16 pixels, as the header says
        sender.send_multipart([big.SerializeToString(), bytes(16 * MIB)])
        # Today's calmond takes the message whole and rejects it as too_large afterwards.
        wait_until(lambda: dropped.poll() > 0 or d.status().rejected.get("too_large", 0) > 0,
                   "the oversized frame's sender to be disconnected (or the frame rejected)")
        self.assertGreater(dropped.count, 0, "the sender was not disconnected")
        self.assertLess(self.hwm_kib() - before, 8 * 1024, "peak memory grew by the frame's size")

        d.send_frame(3)  # the next good frame, from the good sender
        self.assertEqual(d.receive("traces").sequence, 3)
        self.assertNotIn("too_large", d.status().rejected)

    def test_a_header_claiming_too_large_a_frame_is_still_counted_too_large(self):
        d = self.daemon
        d.send_parts([header(1, width=4096, height=4096, pixel_type=wire_pb2.FLOAT64).SerializeToString(), b"\0" * 16])
        d.wait_for_status(lambda s: s.rejected.get("too_large", 0) == 1, "a too_large rejection")

    def test_a_10_mib_subscription_disconnects_its_subscriber_without_raising_peak_memory(self):
        d = self.daemon
        before = self.hwm_kib()
        greedy = RawSubscriber(d.ready["publish"], b"t" * (10 * MIB))
        self.addCleanup(greedy.close)
        # Today's calmond takes the subscription (and builds a trie node per byte of it).
        dropped = False

        def dropped_or_counted():
            nonlocal dropped
            dropped = greedy.closed_by_peer()
            return dropped or d.status().subscribers > 0

        wait_until(dropped_or_counted, "the subscriber to be disconnected (or its subscription counted)")
        self.assertTrue(dropped, "the subscriber was not disconnected")
        self.assertLess(self.hwm_kib() - before, 5 * 1024, "peak memory grew by the subscription's size")

        d.subscribe(("traces",))  # the next subscriber is served
        d.send_frame(1)
        self.assertEqual(d.receive("traces").sequence, 1)

    def test_a_control_request_over_the_limit_disconnects_its_client(self):
        d = self.daemon
        before = self.hwm_kib()
        client = self.socket(zmq.REQ)
        dropped = self.watch(client)
        client.connect(d.ready["control"])
        client.send(b"{" + b" " * (16 * MIB) + b"}")
        wait_until(lambda: dropped.poll() > 0 or client.poll(0), "the client to be disconnected (or answered)")
        self.assertGreater(dropped.count, 0, "the client was not disconnected")
        self.assertLess(self.hwm_kib() - before, 8 * 1024, "peak memory grew by the request's size")
        self.assertTrue(d.status().streaming is False)  # the next client is answered

    def test_replies_a_client_leaves_unread_are_dropped_not_kept(self):
        d = self.daemon
        pixels = np.tile(movie_frame(0), (SIDE // HEIGHT + 1, SIDE // WIDTH + 1))[:SIDE, :SIDE].copy()
        d.send_frame(1, pixels)
        d.wait_for_status(lambda s: s.frames_processed == 1, "a 512x512 frame")
        before = self.hwm_kib()
        client = self.socket(zmq.DEALER)  # asks for ~12 MB of images 40 times, reads nothing
        client.setsockopt(zmq.RCVHWM, 1)
        client.setsockopt(zmq.RCVBUF, 64 * 1024)
        client.connect(d.ready["control"])
        request = wire_pb2.ControlRequest(projections=wire_pb2.Empty()).SerializeToString()
        for _ in range(40):
            client.send_multipart([b"", request])
        # Its requests are answered in order: once the ROI set it sends last is in, every
        # projections request before it has been answered.
        last = config_pb2.RoiSet()
        last.rois.add(name="last").region.pixel.x = 1
        client.send_multipart([b"", wire_pb2.ControlRequest(set_rois=last).SerializeToString()])
        d.wait_for_status(lambda s: s.roi_set_version == 1, "the client's last request", deadline_s=60)
        if not SANITIZER:  # a sanitizer's own memory grows with the replies
            self.assertLess(self.hwm_kib() - before, 100 * 1024, "calmond kept the unread replies")


# 2000 ROIs of 8x8 with automatic rings and the local-correlation image on 512x512
# frames: a few milliseconds a frame, far slower than loopback delivers them.
SIDE = 512
HEAVY_ANALYSIS = {
    "baseline": {"moving": {"window": 51}},
    "neuropil": {"ring": {}},
    "correlation_image": True,
    "rois": [{"name": f"c{i}", "region": {"rect": {"xmin": 10 * (i % 50), "xmax": 10 * (i % 50) + 8,
                                                    "ymin": 12 * (i // 50), "ymax": 12 * (i // 50) + 8}}}
             for i in range(2000)],
}


class IngestQueueTest(LimitsTest):
    """Frames faster than calmond wait in its ingest queue, whose depth Status shows and
    whose bytes never exceed --ingest-queue-mib; every frame is processed in the end."""
    flags = ("--ingest-queue-mib", "4", "--max-frame-mib", "1", "--snapshot-hz", "0")

    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory()
        self.daemon = Daemon(self.workdir.name, *self.flags, analysis=HEAVY_ANALYSIS)
        self.sockets = []

    def test_the_queue_fills_within_its_limit_and_status_shows_it(self):
        d = self.daemon
        frames = 300
        pixels = movie_frame(0)
        pixels = np.tile(pixels, (SIDE // pixels.shape[0] + 1, SIDE // pixels.shape[1] + 1))[:SIDE, :SIDE].copy()
        for t in range(frames):
            d.send_frame(t + 1, pixels)  # queued by the PUSH socket at once
        limit = 4 * MIB
        deepest = None
        deadline = time.monotonic() + 60
        while True:
            status = d.status()
            self.assertLessEqual(status.ingest_queue_bytes, limit, status)
            if status.ingest_queue_frames > 0:
                # Whole frames (and their headers) wait there, nothing else.
                self.assertGreaterEqual(status.ingest_queue_bytes, status.ingest_queue_frames * pixels.nbytes)
                if deepest is None or status.ingest_queue_frames > deepest.ingest_queue_frames:
                    deepest = status
            if status.frames_processed == frames:
                break
            self.assertLess(time.monotonic(), deadline, f"not every frame processed: {status}")
            time.sleep(0.01)  # polling a condition, with a deadline
        self.assertIsNotNone(deepest, "the ingest queue was never seen holding a frame")
        print(f"deepest queue seen: {deepest.ingest_queue_frames} frames, {deepest.ingest_queue_bytes} bytes")
        self.assertEqual(status.ingest_queue_frames, 0)
        self.assertEqual(status.ingest_queue_bytes, 0)
        self.assertEqual(dict(status.rejected), {})


class LagTest(LimitsTest):
    """Status.lag_p50_ms and lag_p99_ms: acquisition to publication over the last
    interval; 0 when the frames carry no acquisition time."""
    flags = ("--status-interval", "0.2")

    def test_frames_acquired_10_s_ago_show_a_lag_of_at_least_10_s(self):
        d = self.daemon
        sequence = 0

        def send(acquired_ns):
            nonlocal sequence
            sequence += 1
            h = header(sequence)
            h.acquisition_time_ns = acquired_ns
            d.send_parts([h.SerializeToString(), movie_frame(sequence).tobytes()])

        def stamped_then_status(s):
            send(time.time_ns() - 10 * 1_000_000_000)  # ten seconds before it is sent
            return s.frame_rate_hz > 0 and s.lag_p50_ms > 0

        status = d.wait_for_status(stamped_then_status, "a lag in Status")
        self.assertGreaterEqual(status.lag_p50_ms, 10_000.0, status)
        self.assertGreaterEqual(status.lag_p99_ms, status.lag_p50_ms)
        self.assertLess(status.lag_p99_ms, 10_000.0 + 1000 * DEADLINE_S)

        def unstamped_then_status(s):
            send(0)
            return s.frame_rate_hz > 0 and s.lag_p50_ms == 0

        status = d.wait_for_status(unstamped_then_status, "an interval of frames without acquisition times")
        self.assertEqual(status.lag_p99_ms, 0.0)
        self.assertGreater(status.latency_p50_us, 0.0)


class RoiSetTest(LimitsTest):
    """set_rois: held to --max-rois and --max-roi-pixels with one line before any work,
    and compiled off the pipeline thread: frames go on until the new set is installed."""
    flags = ("--max-rois", "3000", "--max-roi-pixels", "1200")  # "whole" is 40x30

    def test_a_set_over_the_limits_is_refused_with_one_line_and_the_set_kept(self):
        d = self.daemon
        d.send_frame(1)
        d.wait_for_status(lambda s: s.streaming, "the session")
        many = config_pb2.RoiSet()
        for i in range(3001):
            many.rois.add(name=f"p{i}").region.pixel.x = i % WIDTH
        reply = d.request(set_rois=many)
        self.assertFalse(reply.ok)
        self.assertEqual(reply.error, "3001 ROIs; the limit is 3000 per set (--max-rois)")
        big = config_pb2.RoiSet()
        rect = big.rois.add(name="big").region.rect
        rect.xmin, rect.xmax, rect.ymin, rect.ymax = 0, 41, 0, 30
        reply = d.request(set_rois=big)
        self.assertFalse(reply.ok)
        self.assertEqual(reply.error, "ROI 'big': region of 1230 pixels; the limit is 1200 per region (--max-roi-pixels)")
        self.assertEqual(d.request(rois=wire_pb2.Empty()).rois.version, 0)

    def test_frames_are_processed_while_a_new_set_compiles(self):
        d = self.daemon
        d.subscribe(("traces",))
        side = 200
        pixels = np.tile(movie_frame(0), (side // HEIGHT + 1, side // WIDTH + 1))[:side, :side].copy()
        # 2500 pixel ROIs, 4 pixels apart, each with an automatic ring: tens of ms to compile.
        rois = config_pb2.RoiSet()
        for i in range(2500):
            roi = rois.rois.add(name=f"c{i}")
            roi.region.pixel.x, roi.region.pixel.y = 4 * (i % 50), 4 * (i // 50)
            roi.neuropil.ring.min_pixels = 150

        sent = 0
        stop = threading.Event()

        def stream():  # a frame every millisecond or so, until told to stop
            nonlocal sent
            while not stop.is_set():
                d.send_frame(sent + 1, pixels)
                sent += 1
                time.sleep(0.001)

        sender = threading.Thread(target=stream)
        sender.start()
        try:
            d.receive("traces", lambda m: m.sequence >= 5)
            client = self.socket(zmq.REQ)
            client.connect(d.ready["control"])
            requested_ns = time.time_ns()
            client.send(wire_pb2.ControlRequest(set_rois=rois).SerializeToString())
            self.assertTrue(client.poll(1000 * 60), "no reply to set_rois")
            replied_ns = time.time_ns()
            reply = wire_pb2.ControlReply.FromString(client.recv())
        finally:
            stop.set()
            sender.join()
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual((reply.rois.version, len(reply.rois.rois)), (1, 2500))

        during, first_new = [], None
        while first_new is None:
            update = d.receive("traces")
            if update.roi_set_version == 1:
                first_new = update
            elif requested_ns < update.publish_time_ns < replied_ns:
                during.append(update.sequence)
        # (Published while the set compiled, not necessarily sent after the request: a
        # slow calmond, under a sanitizer, still works through frames queued before it.)
        self.assertTrue(during, "no frame was published between the request and its reply")
        print(f"frames processed while the set compiled: {len(during)}")
        self.assertEqual(len(first_new.f), 2500)


class BaselineStateTest(LimitsTest):
    """set_rois: every baseline window held to --max-baseline-window, and the set's
    baselines at full windows to --max-baseline-mib, with one line before any work; the
    current set stays and calmond goes on processing frames."""
    flags = ("--max-baseline-mib", "16")

    def test_a_set_needing_too_much_baseline_state_is_refused_and_calmond_keeps_serving(self):
        d = self.daemon
        d.subscribe(("traces",))
        d.send_frame(1)
        d.wait_for_status(lambda s: s.streaming, "the session")

        def pixel_rois(count, window):
            rois = config_pb2.RoiSet()
            for i in range(count):
                roi = rois.rois.add(name=f"p{i}")
                roi.region.pixel.x, roi.region.pixel.y = i % WIDTH, i // WIDTH
                roi.baseline.moving.window = window
            return rois

        # 10 moving medians of 10,000 frames: about 3.8 MiB at full windows, within 16.
        reply = d.request(set_rois=pixel_rois(10, 10_000))
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual(reply.rois.version, 1)
        # 100 of 100,000 frames: about 382 MiB.
        reply = d.request(set_rois=pixel_rois(100, 100_000))
        self.assertFalse(reply.ok)
        self.assertRegex(reply.error, r"^ROI set needs 3[0-9][0-9] MiB of baseline state \(100 ROIs × windows of up "
                                      r"to 100000 frames\); the limit is 16 MiB \(--max-baseline-mib\)$")
        # One maximin window of 2^31 - 1 frames: four 32 GiB queues, once.
        huge = config_pb2.RoiSet()
        roi = huge.rois.add(name="slow")
        roi.region.pixel.x = 1
        roi.baseline.maximin.window = 2**31 - 1
        reply = d.request(set_rois=huge)
        self.assertFalse(reply.ok)
        self.assertEqual(reply.error, "ROI 'slow': baseline window of 2147483647 frames (maximin.window); the limit "
                                      "is 1000000 per window (--max-baseline-window)")

        # The set of version 1 stays, and frames go on being analysed with it.
        self.assertEqual(d.request(rois=wire_pb2.Empty()).rois.version, 1)
        d.send_frame(2)
        update = d.receive("traces", lambda m: m.sequence == 2)
        self.assertEqual((update.roi_set_version, len(update.f)), (1, 10))
        if not SANITIZER:  # a sanitizer's own memory grows with the baselines built
            self.assertLess(self.hwm_kib(), 256 * 1024, "calmond's peak memory")


class PublishBudgetTest(LimitsTest):
    """A subscriber that stops reading holds no more than the publish budget allows,
    and is disconnected --subscriber-timeout after its connection stopped taking data."""
    flags = ("--publish-budget-mib", "32", "--snapshot-hz", "20", "--subscriber-timeout", "1")

    def test_a_stuck_subscriber_is_held_to_the_budget_and_cut_after_the_timeout(self):
        d = self.daemon
        stuck = self.socket(zmq.SUB)  # (it never learns it was cut: it reads nothing)
        stuck.setsockopt(zmq.RCVHWM, 1)
        stuck.setsockopt(zmq.RCVBUF, 64 * 1024)
        stuck.setsockopt(zmq.SUBSCRIBE, b"projections")
        stuck.connect(d.ready["publish"])
        d.wait_for_status(lambda s: s.subscribers == 1, "the stuck subscriber's subscription")

        pixels = np.tile(movie_frame(0), (SIDE // HEIGHT + 1, SIDE // WIDTH + 1))[:SIDE, :SIDE].copy()
        budget = 32 * MIB
        most_held = 0
        sequence = 0
        deadline = time.monotonic() + 60
        while True:  # frames and 12 MB snapshots stream until calmond cuts the subscriber
            self.assertLess(time.monotonic(), deadline, "the stuck subscriber was never disconnected")
            sequence += 1
            d.send_frame(sequence, pixels)
            status = d.status()
            most_held = max(most_held, status.publish_bytes_held)
            self.assertLessEqual(status.publish_bytes_held, budget, status)
            if status.subscribers == 0:  # its connection was dropped: its subscription went with it
                break
            time.sleep(0.01)  # pacing the sender: ~100 frames/s
        print(f"cut after {sequence} frames; held at most {most_held} bytes; withheld {dict(status.withheld)}")
        self.assertGreater(status.withheld.get("projections", 0), 0, "no snapshot was withheld")
        self.assertNotIn("traces", status.withheld)
        # What it held is freed.
        d.wait_for_status(lambda s: s.publish_bytes_held < MIB, "the held snapshots to be freed")


if __name__ == "__main__":
    unittest.main()
