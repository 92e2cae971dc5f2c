#!/usr/bin/env python3
"""daemon_smoke_test.py — calmond run for real on ephemeral ports, driven over ZeroMQ.

Each test starts build/bin/calmond with tcp://127.0.0.1:* endpoints and an analysis
config, reads the ready line for the ports, and talks to it like a sender, a subscriber
and a control client would: frames in (PUSH, [FrameHeader][pixels]), TraceUpdates and
the rest out (SUB), requests and replies (REQ). Nothing sleeps and hopes: every wait is a
poll on a condition with a deadline. The daemon is killed in teardown whatever happens.

Usage: CALMOND=build/bin/calmond PYTHONPATH=build/python daemon_smoke_test.py [TestClass]
"""
import io
import json
import math
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import zipfile

import numpy as np
import zmq
import zmq.auth
from google.protobuf import json_format
from zmq.utils.monitor import recv_monitor_message

from calmon import config_pb2, wire_pb2

CALMOND = os.environ.get("CALMOND", "build/bin/calmond")
WIDTH, HEIGHT = 40, 30
DEADLINE_S = 10.0
# "asan" or "tsan" when tools/sanitize runs the tests on an instrumented calmond. Some
# checks mean nothing there: the size of calmond's memory after it handled many large
# messages (ASan's quarantine keeps 256 MiB of freed blocks resident, TSan's shadow
# grows with every byte touched), and calmond run out of file descriptors under UBSan
# (its type check probes memory through a pipe, and reports a false error when none is
# left).
SANITIZER = os.environ.get("CALMON_TEST_SANITIZER", "")
TOPICS = ("traces", "projections", "status", "rois")

# Moving median over 5 frames (settled 2 frames late) for two rectangles and a pixel with
# an explicit neuropil pixel; a cumulative median settles only at the end of the stream.
ANALYSIS = {
    "baseline": {"moving": {"window": 5}},
    "rois": [
        {"name": "box", "region": {"rect": {"xmin": 2, "xmax": 10, "ymin": 3, "ymax": 9}}},
        {"name": "px", "region": {"pixel": {"x": 20, "y": 15}},
         "neuropil": {"region": {"pixel": {"x": 22, "y": 15}}, "r": 0.7}},
        {"name": "whole", "region": {"rect": {"xmin": 0, "xmax": WIDTH, "ymin": 0, "ymax": HEIGHT}},
         "baseline": {"cumulative": {}}},
    ],
    "keep_frames": [0],
}


def movie_frame(t):
    """Frame t of a deterministic uint16 movie: a ramp plus a moving bump."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    bump = 400.0 * np.exp(-((x - 5 - (t % 7)) ** 2 + (y - 6) ** 2) / 8.0)
    return (100 + 3 * x + 2 * y + (t * 13) % 50 + bump).astype(np.uint16)


def header(sequence, width=WIDTH, height=HEIGHT, pixel_type=wire_pb2.UINT16, **fields):
    h = wire_pb2.FrameHeader(sequence=sequence, width=width, height=height, pixel_type=pixel_type, **fields)
    h.acquisition_time_ns = 1_000_000 * sequence
    return h


def median_filter_reflect(values, window):
    """scipy.ndimage.median_filter(values, window) for an odd window: numpy's 'symmetric' pad."""
    half = window // 2
    padded = np.pad(np.asarray(values, dtype=np.float64), half, mode="symmetric")
    return np.array([np.median(padded[i:i + window]) for i in range(len(values))])


def make_keys(folder, name):
    """A CURVE key pair made by pyzmq, its secret file made private as calmond requires:
    (public key, secret key) as bytes, and the files folder/name.key, folder/name.key_secret."""
    os.makedirs(folder, exist_ok=True)
    _, secret_file = zmq.auth.create_certificates(folder, name)
    os.chmod(secret_file, 0o600)
    return zmq.auth.load_certificate(secret_file)


def curve_client(socket, server_public, client_keys):
    """Makes `socket` a CURVE client of the server with `server_public`; client_keys: (public, secret)."""
    socket.curve_serverkey = server_public
    socket.curve_publickey, socket.curve_secretkey = client_keys


HANDSHAKE_FAILED = (zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL, zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
                    zmq.EVENT_HANDSHAKE_FAILED_AUTH)


def watch_handshakes(socket):
    """A monitor of `socket`'s handshakes; call before it connects."""
    return socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL
                                     | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_AUTH)


def first_handshake(monitor):
    """The first handshake event of a watch_handshakes monitor, waiting up to the deadline."""
    if not monitor.poll(DEADLINE_S * 1000):
        raise AssertionError("no handshake, failed or not, within the deadline")
    return recv_monitor_message(monitor)["event"]


class Daemon:
    """calmond as a child process on ephemeral ports, with the sockets to talk to it.
    With `curve` = (calmond's public key, (client public, client secret)), every socket
    of the test is a CURVE client with those keys."""

    def __init__(self, workdir, *flags, analysis=ANALYSIS, ingest="tcp://127.0.0.1:*", push=True, curve=None):
        config_path = os.path.join(workdir, "analysis.json")
        with open(config_path, "w") as f:
            json.dump(analysis, f)
        self.stderr_path = os.path.join(workdir, "calmond.stderr")
        self.stderr = open(self.stderr_path, "w")
        # The dashboard on an ephemeral port too, unless the test says otherwise.
        http = () if {"--http", "--no-http"} & set(flags) else ("--http", "127.0.0.1:0")
        self.process = subprocess.Popen(
            [CALMOND, "--analysis", config_path, "--ingest", ingest,
             "--publish", "tcp://127.0.0.1:*", "--control", "tcp://127.0.0.1:*", *http, *flags],
            stdout=subprocess.PIPE, stderr=self.stderr)
        self.ready = self._read_ready_line()
        self.context = zmq.Context()
        self.curve = curve
        self.push = None
        if push:
            self.push = self.context.socket(zmq.PUSH)
            self.push.setsockopt(zmq.LINGER, 0)
            self._apply_curve(self.push)
            self.push.connect(self.ready["ingest"])
        self.sub = None

    def _read_ready_line(self):
        deadline = time.monotonic() + DEADLINE_S
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.process.stdout], [], [], remaining)[0]:
                raise AssertionError("no ready line from calmond within the deadline")
            chunk = os.read(self.process.stdout.fileno(), 1)
            if not chunk:
                raise AssertionError("calmond exited before it was ready: " + self.log())
            line += chunk
        ready = json.loads(line)
        assert ready["event"] == "ready", ready
        return ready

    def _apply_curve(self, socket):
        if self.curve is not None:
            curve_client(socket, *self.curve)

    def log(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.stderr.close()
        self.context.destroy(linger=0)

    # --- control ---------------------------------------------------------------------------
    def request_raw(self, payload):
        req = self.context.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        self._apply_curve(req)
        req.connect(self.ready["control"])
        try:
            req.send(payload)
            if not req.poll(DEADLINE_S * 1000):
                raise AssertionError("no control reply within the deadline")
            return req.recv()
        finally:
            req.close()

    def request(self, **command):
        request = wire_pb2.ControlRequest(**command)
        reply = wire_pb2.ControlReply()
        reply.ParseFromString(self.request_raw(request.SerializeToString()))
        return reply

    def status(self):
        reply = self.request(status=wire_pb2.Empty())
        assert reply.ok, reply.error
        return reply.status

    def wait_for_status(self, condition, what, deadline_s=DEADLINE_S):
        deadline = time.monotonic() + deadline_s
        while True:
            status = self.status()
            if condition(status):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; last status: {status}")
            time.sleep(0.01)  # polling a condition, with a deadline

    # --- publish ---------------------------------------------------------------------------
    def subscribe(self, topics=TOPICS):
        self.sub = self.context.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        self.sub.setsockopt(zmq.RCVHWM, 0)
        self._apply_curve(self.sub)
        for topic in topics:
            self.sub.setsockopt(zmq.SUBSCRIBE, topic.encode())
        self.sub.connect(self.ready["publish"])
        self.wait_for_status(lambda s: s.subscribers >= len(topics), f"{len(topics)} subscriptions")

    def receive(self, topic, condition=lambda m: True, deadline_s=DEADLINE_S):
        """The next message of `topic` that satisfies `condition` (others are skipped)."""
        types = {"traces": wire_pb2.TraceUpdate, "projections": wire_pb2.ProjectionSnapshot,
                 "status": wire_pb2.Status, "rois": wire_pb2.RoiSetInfo}
        deadline = time.monotonic() + deadline_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.sub.poll(remaining * 1000):
                raise AssertionError(f"no matching '{topic}' message within the deadline")
            got_topic, payload = self.sub.recv_multipart()
            if got_topic.decode() != topic:
                continue
            message = types[topic]()
            message.ParseFromString(payload)
            if condition(message):
                return message

    # --- ingest ----------------------------------------------------------------------------
    def send_frame(self, sequence, pixels=None, **fields):
        pixels = movie_frame(sequence) if pixels is None else pixels
        h = header(sequence, width=pixels.shape[1], height=pixels.shape[0], **fields)
        self.push.send_multipart([h.SerializeToString(), pixels.tobytes()])

    def send_parts(self, parts):
        self.push.send_multipart(parts)

    def send_end_of_stream(self, **fields):
        self.push.send(wire_pb2.FrameHeader(end_of_stream=True, **fields).SerializeToString())

    def stream_report(self, stream_id):
        reply = self.request(stream=wire_pb2.StreamQuery(stream_id=stream_id))
        assert reply.ok, reply.error
        return reply.stream

    def wait_exit(self):
        try:
            return self.process.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            raise AssertionError("calmond did not exit within the deadline")


class DaemonTest(unittest.TestCase):
    flags = ()

    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory()
        self.daemon = Daemon(self.workdir.name, *self.flags)

    def tearDown(self):
        try:  # ctest shows this only when a test fails
            print(f"--- calmond stderr ({self.id()}) ---\n" + self.daemon.log())
        finally:
            self.daemon.close()
            self.workdir.cleanup()


class StreamTest(DaemonTest):
    def test_frames_give_traces_and_the_end_of_stream_settles_every_frame(self):
        d = self.daemon
        self.assertTrue(d.ready["ingest"].startswith("tcp://127.0.0.1:"))
        self.assertNotIn("*", d.ready["publish"] + d.ready["control"])
        d.subscribe()
        frames = 50
        for t in range(frames):
            d.send_frame(1000 + t)

        live, settled = [], {}
        for t in range(frames):
            update = d.receive("traces", lambda m: not m.end_of_stream and len(m.f) > 0)
            live.append(update)
            for row in update.settled:
                settled[row.frame_index] = row
        for t, update in enumerate(live):
            self.assertEqual(update.sequence, 1000 + t)
            self.assertEqual(update.frame_index, t)
            self.assertEqual(len(update.f), 3)
            self.assertTrue(all(math.isfinite(v) for v in list(update.f) + list(update.dff) + list(update.f0)))
            self.assertGreaterEqual(update.publish_time_ns, update.receive_time_ns)
            self.assertEqual(update.acquisition_time_ns, 1_000_000 * (1000 + t))
            self.assertEqual(update.missing_before, 0)
            frame = movie_frame(1000 + t).astype(np.float64)
            self.assertAlmostEqual(update.f[0], frame[3:9, 2:10].mean(), delta=1e-9 * frame.max())
            self.assertEqual(update.f[1], frame[15, 20])
            self.assertEqual(update.fcorr[1], frame[15, 20] - 0.7 * frame[15, 22])
            self.assertTrue(update.HasField("global"))
        # The moving median settles 2 frames late, but "whole" (cumulative) only at the end.
        self.assertEqual(settled, {})

        d.send_end_of_stream()
        while True:
            update = d.receive("traces")
            self.assertEqual(len(update.f), 0)
            for row in update.settled:
                self.assertNotIn(row.frame_index, settled)
                settled[row.frame_index] = row
            if update.end_of_stream:
                break
        self.assertEqual(sorted(settled), list(range(frames)))
        f_box = [u.fcorr[0] for u in live]
        f_whole = np.array([u.fcorr[2] for u in live])
        expected_box = median_filter_reflect(f_box, 5)
        for t, row in settled.items():
            self.assertEqual(row.sequence, 1000 + t)
            self.assertEqual(row.f0[0], expected_box[t])  # scipy's median_filter, bit for bit
            self.assertEqual(row.f0[2], np.median(f_whole))
            self.assertTrue(all(math.isfinite(v) for v in row.dff))

        snapshot = d.receive("projections")
        images = {image.name: image for image in snapshot.images}
        self.assertEqual(snapshot.frame_index, frames)
        for name in ("all_mean", "all_max", "all_min", "all_std", "latest", "frame_0"):
            self.assertIn(name, images)
        movie = np.stack([movie_frame(1000 + t) for t in range(frames)]).astype(np.float64)
        np.testing.assert_array_equal(np.array(images["all_max"].pixels).reshape(HEIGHT, WIDTH), movie.max(0))
        np.testing.assert_allclose(np.array(images["all_mean"].pixels).reshape(HEIGHT, WIDTH), movie.mean(0),
                                   rtol=1e-12)
        np.testing.assert_array_equal(np.array(images["latest"].pixels).reshape(HEIGHT, WIDTH), movie[-1])

        status = d.wait_for_status(lambda s: not s.streaming, "the end of the session")
        self.assertEqual(status.frames_processed, frames)
        self.assertEqual(status.sessions, 1)
        self.assertEqual(dict(status.rejected), {})

        # The next frame starts a new session, its frame_index from 0 again.
        d.send_frame(5)
        update = d.receive("traces", lambda m: len(m.f) > 0)
        self.assertEqual((update.sequence, update.frame_index), (5, 0))
        self.assertEqual(d.wait_for_status(lambda s: s.sessions == 2, "a second session").streaming, True)

        reply = d.request(shutdown=wire_pb2.Empty())
        self.assertTrue(reply.ok)
        self.assertEqual(d.wait_exit(), 0)

    def test_a_gap_is_counted_and_flagged_never_filled(self):
        d = self.daemon
        d.subscribe(("traces",))
        for sequence in (1, 2, 6, 7):
            d.send_frame(sequence)
        updates = [d.receive("traces", lambda m: len(m.f) > 0) for _ in range(4)]
        self.assertEqual([u.frame_index for u in updates], [0, 1, 2, 3])
        self.assertEqual([u.missing_before for u in updates], [0, 0, 3, 0])
        self.assertTrue(all(flags & 4 for flags in updates[2].flags))
        self.assertFalse(any(flags & 4 for flags in updates[3].flags))
        status = d.wait_for_status(lambda s: s.frames_processed == 4, "4 frames")
        self.assertEqual((status.gaps, status.missing_frames), (1, 3))
        # Settled rows name their frames by sequence number, across the gap.
        d.send_end_of_stream()
        rows = {}
        while True:
            update = d.receive("traces")
            rows.update({row.frame_index: row.sequence for row in update.settled})
            if update.end_of_stream:
                break
        self.assertEqual(rows, {0: 1, 1: 2, 2: 6, 3: 7})


class BadInputTest(DaemonTest):
    flags = ("--max-frame-mib", "1")

    def test_every_bad_message_is_counted_by_reason_and_the_next_good_frame_is_processed(self):
        d = self.daemon
        d.subscribe(("traces",))
        d.send_frame(10)
        self.assertEqual(d.receive("traces").sequence, 10)

        pixels = movie_frame(11).tobytes()
        good = header(11).SerializeToString()
        bad = {
            "bad_header": [b"\xff\xfe garbage", pixels],
            "missing_pixels": [good],
            "extra_parts": [good, pixels, b"extra"],
            "size_mismatch": [good, pixels[:-2]],
            "bad_dimensions": [header(11, width=0).SerializeToString(), b""],
            "too_large": [header(11, width=4096, height=4096, pixel_type=wire_pb2.FLOAT64).SerializeToString(),
                          b"\0" * 16],
            "unsupported_pixel_type": [header(11, pixel_type=99).SerializeToString(), pixels],
            "geometry_changed": [header(11, width=WIDTH // 2, height=HEIGHT * 2).SerializeToString(), pixels],
            "sequence_backwards": [header(10).SerializeToString(), pixels],
            "other_channel": [header(11, channel=1).SerializeToString(), pixels],
        }
        for reason, parts in bad.items():
            d.send_parts(parts)
            status = d.wait_for_status(lambda s: s.rejected.get(reason, 0) == 1, f"a '{reason}' rejection")
        self.assertEqual(dict(status.rejected), {reason: 1 for reason in bad})
        self.assertEqual(status.frames_received, 1 + len(bad))
        self.assertEqual(status.frames_processed, 1)
        self.assertTrue(status.streaming)

        d.send_frame(11)
        update = d.receive("traces")
        self.assertEqual((update.sequence, update.frame_index, update.missing_before), (11, 1, 0))
        self.assertIn("rejected (bad_header)", d.log())

    def test_a_flood_of_bad_messages_is_logged_once_per_second(self):
        d = self.daemon
        for _ in range(200):
            d.send_parts([b"\xff\xfe garbage"])
        d.wait_for_status(lambda s: s.rejected.get("bad_header", 0) == 200, "200 rejections")
        self.assertEqual(d.log().count("rejected (bad_header)"), 1)

    def test_non_finite_pixels_are_counted_and_flagged(self):
        d = self.daemon
        d.subscribe(("traces",))
        pixels = movie_frame(1).astype(np.float32)
        d.send_frame(1, pixels, pixel_type=wire_pb2.FLOAT32)
        pixels = pixels.copy()
        pixels[4, 4] = np.nan
        d.send_frame(2, pixels, pixel_type=wire_pb2.FLOAT32)
        first = d.receive("traces")
        second = d.receive("traces")
        self.assertEqual([f & 2 for f in first.flags], [0, 0, 0])
        self.assertEqual([f & 2 for f in second.flags], [2, 0, 2])  # box and whole hold (4, 4)
        self.assertEqual(d.wait_for_status(lambda s: s.frames_processed == 2, "2 frames").non_finite_frames, 1)


class ControlTest(DaemonTest):
    def test_malformed_requests_get_an_error_reply(self):
        d = self.daemon
        reply = wire_pb2.ControlReply()
        reply.ParseFromString(d.request_raw(b"\xff\xff\xff"))
        self.assertFalse(reply.ok)
        self.assertTrue(reply.error.startswith("malformed control request: "), reply.error)
        reply.ParseFromString(d.request_raw(b""))
        self.assertFalse(reply.ok)
        self.assertIn("no command", reply.error)
        answer = json.loads(d.request_raw(b"{not json"))
        self.assertFalse(answer["ok"])
        self.assertTrue(answer["error"].startswith("malformed control request: "), answer)
        answer = json.loads(d.request_raw(b'{"status": {}, "bogus": 1}'))
        self.assertFalse(answer["ok"])

    def test_json_requests_get_json_replies(self):
        answer = json.loads(self.daemon.request_raw(b'{"status": {}}'))
        self.assertTrue(answer["ok"])
        self.assertEqual(answer["status"]["frames_processed"], "0")  # uint64 in JSON is a string
        answer = json.loads(self.daemon.request_raw(b'{"rois": {}}'))
        self.assertEqual([roi["name"] for roi in answer["rois"]["rois"]], ["box", "px", "whole"])

    def test_subscriptions_are_counted_until_the_subscriber_leaves(self):
        d = self.daemon
        d.subscribe(("traces", "status"))
        self.assertEqual(d.status().subscribers, 2)
        d.sub.close()
        d.wait_for_status(lambda s: s.subscribers == 0, "the subscriptions to go away")

    def test_set_rois_projections_and_reset(self):
        d = self.daemon
        d.subscribe(("traces", "rois"))
        for sequence in (1, 2, 3):
            d.send_frame(sequence)
        for _ in range(3):
            d.receive("traces", lambda m: len(m.f) > 0)

        outside = config_pb2.RoiSet()
        roi = outside.rois.add(name="far")
        roi.region.rect.xmin, roi.region.rect.xmax, roi.region.rect.ymin, roi.region.rect.ymax = 0, 5, 0, HEIGHT + 1
        reply = d.request(set_rois=outside)
        self.assertFalse(reply.ok)
        self.assertIn("far", reply.error)
        self.assertNotIn("\n", reply.error)
        self.assertEqual(d.request(rois=wire_pb2.Empty()).rois.version, 0)

        one = config_pb2.RoiSet()
        roi = one.rois.add(name="cell")
        roi.region.pixel.x, roi.region.pixel.y = 7, 8
        reply = d.request(set_rois=one)
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual(reply.rois.version, 1)
        self.assertEqual([r.name for r in reply.rois.rois], ["cell"])
        self.assertEqual(reply.rois.rois[0].baseline, "moving median, window 5")  # the config's default
        info = d.receive("rois", lambda m: m.version == 1)
        self.assertEqual(len(info.rois), 1)

        d.send_frame(4)
        update = d.receive("traces", lambda m: len(m.f) > 0)
        self.assertEqual((update.roi_set_version, len(update.f)), (1, 1))
        self.assertEqual(update.f[0], movie_frame(4)[8, 7])
        # The old set's tail settles at once, tagged with its own version.
        old_rows = [row for row in update.settled if row.roi_set_version == 0]
        self.assertEqual(sorted(row.frame_index for row in old_rows), [0, 1, 2])

        reply = d.request(projections=wire_pb2.Empty())
        self.assertTrue(reply.ok)
        self.assertEqual(reply.projections.frame_index, 4)
        self.assertIn("all_mean", [image.name for image in reply.projections.images])

        reply = d.request(reset=wire_pb2.Empty())
        self.assertTrue(reply.ok)
        self.assertFalse(reply.status.streaming)
        self.assertEqual(reply.status.width, 0)
        end = d.receive("traces", lambda m: m.end_of_stream)
        self.assertEqual(end.frame_index, 4)
        # The new set stays for the next session.
        d.send_frame(100)
        update = d.receive("traces", lambda m: len(m.f) > 0)
        self.assertEqual((update.frame_index, len(update.f)), (0, 1))
        self.assertEqual(d.status().sessions, 2)


class LiveEditTest(DaemonTest):
    """add_rois, remove_rois and update_roi through the control socket (parsed and
    prepared on the request thread): each answered with the new set once installed, or
    refused with one line naming the ROI or the limit, the set unchanged."""

    flags = ("--max-rois", "4")

    def edit(self, json_request):
        reply = wire_pb2.ControlReply()
        json_format.Parse(self.daemon.request_raw(json_request.encode()).decode(), reply)
        return reply

    def assert_refused(self, json_request, error):
        version = self.daemon.request(rois=wire_pb2.Empty()).rois.version
        reply = self.edit(json_request)
        self.assertFalse(reply.ok, json_request)
        self.assertEqual(reply.error, error)
        self.assertEqual(self.daemon.request(rois=wire_pb2.Empty()).rois.version, version, json_request)

    def test_edits_between_sessions_and_live_and_every_refusal(self):
        d = self.daemon
        d.subscribe(("traces", "rois"))
        # Before any frame: the set the first session starts with.
        reply = self.edit('{"remove_rois": {"names": ["whole"]}}')
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual([(r.id, r.name) for r in reply.rois.rois], [(1, "box"), (2, "px")])
        d.send_frame(1)
        first = d.receive("traces", lambda m: len(m.f) > 0)
        self.assertEqual((first.roi_set_version, len(first.f)), (1, 2))

        # Live: added, renamed, restarted; the reply comes once installed, and is published.
        reply = self.edit('{"add_rois": {"rois": [{"name": "new", "region": {"pixel": {"x": 5, "y": 5}}}]}}')
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual([r.id for r in reply.rois.rois], [1, 2, 4])  # 3 was "whole"'s, never given again
        self.assertEqual(d.receive("rois", lambda m: m.version == 2).rois[2].name, "new")
        reply = self.edit('{"update_roi": {"id": 2, "new_name": "px2"}}')
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual((reply.rois.version, reply.rois.rois[1].name, reply.rois.rois[1].id), (3, "px2", 2))
        reply = self.edit('{"update_roi": {"name": "box", "baseline": {"moving": {"window": 3}}}}')
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual(reply.rois.rois[0].baseline, "moving median, window 3")
        d.send_frame(2)
        update = d.receive("traces", lambda m: len(m.f) > 0)
        self.assertEqual((update.roi_set_version, len(update.f)), (4, 3))

        self.assert_refused('{"remove_rois": {"ids": [3]}}', "no ROI with id 3 in the set")
        self.assert_refused('{"remove_rois": {"names": ["whole"]}}', "no ROI named 'whole' in the set")
        self.assert_refused('{"update_roi": {"name": "nobody", "new_name": "x"}}', "no ROI named 'nobody' in the set")
        self.assert_refused('{"update_roi": {"id": 1, "new_name": "new"}}',
                            "ROI name 'new' is used already, by ROI 'new' (id 4)")
        self.assert_refused('{"add_rois": {"rois": [{"name": "px2", "region": {"pixel": {"x": 1, "y": 1}}}]}}',
                            "ROI name 'px2' is used already, by ROI 'px2' (id 2)")
        self.assert_refused('{"add_rois": {"rois": [{"name": "far", "region": {"pixel": {"x": 40, "y": 1}}}]}}',
                            "ROI 'far': pixel (40, 1) is outside the 40x30 frame")
        self.assert_refused('{"update_roi": {"id": 4, "region": {"rect": {"xmin": 0, "xmax": 5, "ymin": 0, '
                            '"ymax": 31}}}}', "ROI 'new': rectangle x 0:5, y 0:31 is outside the 40x30 frame")
        self.assert_refused('{"add_rois": {"rois": [{"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}, '
                            '{"name": "b", "region": {"pixel": {"x": 2, "y": 1}}}]}}',
                            "5 ROIs; the limit is 4 per set (--max-rois)")
        d.send_frame(3)
        update = d.receive("traces", lambda m: len(m.f) > 0)
        self.assertEqual((update.roi_set_version, len(update.f)), (4, 3))


class StreamIdentityTest(DaemonTest):
    def live_updates(self, count):
        return [self.daemon.receive("traces", lambda m: len(m.f) > 0) for _ in range(count)]

    def test_a_restarted_sender_starts_a_new_session_without_an_end_of_stream(self):
        d = self.daemon
        d.subscribe(("traces",))
        for t in range(10):
            d.send_frame(t, stream_id=1111)
        self.live_updates(10)
        # The sender died and runs again: a new stream id, its sequence numbers from 0 again.
        for t in range(5):
            d.send_frame(t, stream_id=2222)
        end = d.receive("traces", lambda m: m.end_of_stream)
        self.assertEqual((end.stream_id, end.frame_index, end.sequence), (1111, 10, 9))
        updates = self.live_updates(5)
        self.assertEqual([(u.stream_id, u.frame_index, u.sequence) for u in updates],
                         [(2222, t, t) for t in range(5)])
        status = d.wait_for_status(lambda s: s.frames_processed == 15, "15 frames")
        self.assertEqual(dict(status.rejected), {})
        self.assertEqual((status.sessions, status.stream_id, status.first_sequence), (2, 2222, 0))
        self.assertNotEqual(status.daemon_id, 0)
        self.assertEqual(end.daemon_id, status.daemon_id)
        self.assertIn("session 1 ended (frame 0 is of stream 2222, not 1111: a new sender) after 10 frames", d.log())

    def test_every_update_and_roi_set_names_its_session_and_the_set_version_counts_on(self):
        """Sessions are told apart by `session` (Status.sessions when they started), on
        every TraceUpdate and RoiSetInfo; roi_set_version is not reset by a new session:
        it counts for calmond's life, so that a version never names two different sets."""
        d = self.daemon
        d.subscribe(("traces", "rois"))
        before = d.request(rois=wire_pb2.Empty()).rois
        self.assertEqual((before.session, before.version), (0, 0))
        for t in range(3):
            d.send_frame(t, stream_id=1111)
        self.assertEqual(d.receive("rois", lambda m: m.session == 1).version, 0)
        first = self.live_updates(3)
        self.assertEqual([(u.session, u.frame_index) for u in first], [(1, t) for t in range(3)])
        reply = wire_pb2.ControlReply()
        json_format.Parse(d.request_raw(
            b'{"add_rois": {"rois": [{"name": "late", "region": {"pixel": {"x": 5, "y": 5}}}]}}').decode(), reply)
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual((reply.rois.session, reply.rois.version), (1, 1))
        d.send_end_of_stream(stream_id=1111)
        tail = d.receive("traces", lambda m: m.end_of_stream)
        self.assertEqual((tail.session, tail.settled_only), (1, True))

        # The next stream: session 2, frame_index from 0 again, the version as it was.
        for t in range(3):
            d.send_frame(t, stream_id=2222)
        rois = d.receive("rois", lambda m: m.session == 2)
        self.assertEqual((rois.version, [r.name for r in rois.rois]), (1, ["box", "px", "whole", "late"]))
        second = self.live_updates(3)
        self.assertEqual([(u.session, u.frame_index, u.roi_set_version) for u in second],
                         [(2, t, 1) for t in range(3)])

        # reset ends it; the set between sessions still names the last session; then session 3.
        self.assertTrue(d.request(reset=wire_pb2.Empty()).ok)
        end = d.receive("traces", lambda m: m.end_of_stream)
        self.assertEqual(end.session, 2)
        between = d.request(rois=wire_pb2.Empty()).rois
        self.assertEqual((between.session, between.version), (2, 1))
        d.send_frame(7, stream_id=2222)
        third = self.live_updates(1)[0]
        self.assertEqual((third.session, third.frame_index, third.roi_set_version), (3, 0, 1))
        self.assertEqual(d.wait_for_status(lambda s: s.sessions == 3, "a third session").roi_set_version, 1)

    def test_a_flipped_bit_in_one_sequence_number_costs_that_frame_alone(self):
        d = self.daemon
        d.subscribe(("traces",))
        frames = 50
        for t in range(frames):
            d.send_frame(t | (1 << 40) if t == 10 else t)  # bit 40 flipped on the way
        updates = self.live_updates(frames - 1)
        self.assertEqual([u.sequence for u in updates], [t for t in range(frames) if t != 10])
        self.assertEqual(updates[10].missing_before, 1)
        status = d.wait_for_status(lambda s: s.frames_processed == frames - 1, f"{frames - 1} frames")
        self.assertEqual(dict(status.rejected), {"sequence_jump": 1})
        self.assertEqual((status.gaps, status.missing_frames), (1, 1))
        self.assertIn("rejected (sequence_jump): frame 1099511627786 is 1099511627777 above frame 9", d.log())

    def test_a_sender_learns_that_its_end_of_stream_arrived_and_what_became_of_its_frames(self):
        d = self.daemon
        self.assertFalse(d.stream_report(3333).known)
        for t in (0, 1, 2, 4):
            d.send_frame(t, stream_id=3333)
        d.send_frame(3, stream_id=3333)  # backwards: rejected
        d.send_end_of_stream(stream_id=3333)
        deadline = time.monotonic() + DEADLINE_S
        while not (report := d.stream_report(3333)).end_of_stream_received:
            self.assertLess(time.monotonic(), deadline, "the end of stream was not acknowledged")
            time.sleep(0.01)  # polling a condition, with a deadline
        self.assertTrue(report.known)
        self.assertEqual((report.frames_received, report.frames_processed, report.frames_rejected), (5, 4, 1))
        self.assertEqual((report.session, report.first_sequence, report.last_sequence, report.missing_frames),
                         (1, 0, 4, 1))
        self.assertEqual(report.daemon_id, d.status().daemon_id)
        answer = json.loads(d.request_raw(b'{"stream": {"stream_id": "3333"}}'))
        self.assertTrue(answer["ok"])
        self.assertEqual((answer["stream"]["frames_processed"], answer["stream"]["end_of_stream_received"]), ("4", True))


class SignalTest(DaemonTest):
    def test_sigterm_ends_the_session_and_exits_0(self):
        d = self.daemon
        d.subscribe(("traces",))
        for sequence in range(1, 11):
            d.send_frame(sequence)
        for _ in range(10):
            d.receive("traces", lambda m: len(m.f) > 0)
        d.process.send_signal(signal.SIGTERM)
        settled = set()
        while True:
            update = d.receive("traces")
            settled.update(row.frame_index for row in update.settled)
            if update.end_of_stream:
                break
        # "whole" has a cumulative baseline: every row completes only at the end.
        self.assertEqual(settled, set(range(10)))
        self.assertEqual(d.wait_exit(), 0)
        self.assertIn("SIGTERM", d.log())


class SubModeTest(unittest.TestCase):
    def test_in_sub_mode_calmond_connects_to_a_publisher_and_takes_everything(self):
        context = zmq.Context()
        publisher = context.socket(zmq.XPUB)  # an XPUB shows when calmond's subscription arrives
        publisher.setsockopt(zmq.LINGER, 0)
        port = publisher.bind_to_random_port("tcp://127.0.0.1")
        workdir = tempfile.TemporaryDirectory()
        daemon = Daemon(workdir.name, "--ingest-mode", "sub", ingest=f"tcp://127.0.0.1:{port}", push=False)
        try:
            self.assertEqual(daemon.ready["ingest"], f"tcp://127.0.0.1:{port}")
            self.assertTrue(publisher.poll(DEADLINE_S * 1000), "calmond did not subscribe")
            self.assertEqual(publisher.recv(), b"\x01")  # everything
            daemon.subscribe(("traces",))
            for sequence in (1, 2, 3):
                h = header(sequence)
                publisher.send_multipart([h.SerializeToString(), movie_frame(sequence).tobytes()])
            sequences = [daemon.receive("traces").sequence for _ in range(3)]
            self.assertEqual(sequences, [1, 2, 3])
        finally:
            print("--- calmond stderr (SubModeTest) ---\n" + daemon.log())
            daemon.close()
            workdir.cleanup()
            context.destroy(linger=0)


class CurveTest(unittest.TestCase):
    """calmond with CURVE (keys made by pyzmq): only clients whose public key is in the
    authorized folder can send frames, receive messages and control it."""

    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory()
        keys = os.path.join(self.workdir.name, "keys")
        self.server = make_keys(keys, "calmond")
        self.alice = make_keys(keys, "alice")      # authorized
        self.mallory = make_keys(keys, "mallory")  # not authorized
        self.stranger = make_keys(keys, "stranger")  # another server's key pair
        authorized = os.path.join(keys, "clients")
        os.makedirs(authorized)
        shutil.copy(os.path.join(keys, "alice.key"), authorized)
        self.daemon = Daemon(self.workdir.name, "--curve-secret-key", os.path.join(keys, "calmond.key_secret"),
                             "--curve-authorized-keys", authorized, curve=(self.server[0], self.alice))

    def tearDown(self):
        try:
            print(f"--- calmond stderr ({self.id()}) ---\n" + self.daemon.log())
        finally:
            self.daemon.close()
            self.workdir.cleanup()

    def intruder(self, kind, socket_type, endpoint):
        """A socket of `kind` — "null" (no CURVE), "unknown key" (mallory's), "wrong server"
        (alice's keys, but trusting another server's key) — connected to `endpoint`,
        with a monitor of its handshakes."""
        socket = self.daemon.context.socket(socket_type)
        socket.setsockopt(zmq.LINGER, 0)
        if kind == "unknown key":
            curve_client(socket, self.server[0], self.mallory)
        elif kind == "wrong server":
            curve_client(socket, self.stranger[0], self.alice)
        monitor = watch_handshakes(socket)
        socket.connect(endpoint)
        return socket, monitor

    def test_the_ready_line_names_calmonds_public_key(self):
        self.assertEqual(self.daemon.ready["server_key"], self.server[0].decode())

    def test_clients_without_an_authorized_key_can_neither_send_nor_receive_nor_control(self):
        d = self.daemon
        kinds = ("null", "unknown key", "wrong server")
        intruders = {}
        for kind in kinds:
            push, push_monitor = self.intruder(kind, zmq.PUSH, d.ready["ingest"])
            for sequence in (100, 101, 102):  # queued on the intruder's side, never delivered
                h = header(sequence)
                try:
                    push.send_multipart([h.SerializeToString(), movie_frame(sequence).tobytes()], zmq.NOBLOCK)
                except zmq.Again:  # the refused handshake already dropped the only peer: not even queued
                    pass
            sub, sub_monitor = self.intruder(kind, zmq.SUB, d.ready["publish"])
            for topic in TOPICS:
                sub.setsockopt(zmq.SUBSCRIBE, topic.encode())
            req, req_monitor = self.intruder(kind, zmq.REQ, d.ready["control"])
            req.send(wire_pb2.ControlRequest(shutdown=wire_pb2.Empty()).SerializeToString())
            intruders[kind] = (push, sub, req)
            for socket, monitor in ((push, push_monitor), (sub, sub_monitor), (req, req_monitor)):
                self.assertIn(first_handshake(monitor), HANDSHAKE_FAILED, f"{kind}: {socket.socket_type}")

        # The authorized client: every frame in, every trace out, control answered.
        d.subscribe(("traces", "status"))
        for sequence in range(5):
            d.send_frame(sequence)
        d.send_end_of_stream()
        update = d.receive("traces", lambda u: u.end_of_stream)
        self.assertEqual(update.frame_index, 5)
        status = d.wait_for_status(lambda s: s.frames_received == 6, "the authorized frames")
        self.assertEqual((status.frames_received, status.frames_processed, sum(status.rejected.values())), (6, 5, 0))
        self.assertEqual(status.subscribers, 2)  # the intruders' subscriptions never arrived
        self.assertEqual(dict(status.auth_refused), {"ingest": 1, "publish": 1, "control": 1})
        self.assertIsNone(d.process.poll(), "an intruder's shutdown was obeyed")

        for kind, (push, sub, req) in intruders.items():
            # Their handshakes failed: nothing can reach them, no need to wait.
            self.assertFalse(sub.poll(0), f"{kind}: a subscriber received a message")
            self.assertFalse(req.poll(0), f"{kind}: a control request was answered")
        log = d.log()  # complete: written before the pipeline thread answered a request
        self.assertIn("CURVE on: 1 client key authorized", log)
        for socket in ("ingest", "publish", "control"):
            self.assertIn(f"refused a client on the {socket} socket, CURVE key {self.mallory[0][:8].decode()}..., "
                          "from 127.0.0.1: the key is not among the authorized keys", log)

    def test_an_authorized_client_controls_calmond(self):
        reply = self.daemon.request(shutdown=wire_pb2.Empty())
        self.assertTrue(reply.ok, reply.error)
        self.assertEqual(self.daemon.wait_exit(), 0)


class CurveSubModeTest(unittest.TestCase):
    def test_in_sub_mode_calmond_is_a_curve_client_of_its_publisher(self):
        workdir = tempfile.TemporaryDirectory()
        keys = os.path.join(workdir.name, "keys")
        server, alice, publisher_keys = (make_keys(keys, name) for name in ("calmond", "alice", "publisher"))
        authorized = os.path.join(keys, "clients")
        os.makedirs(authorized)
        shutil.copy(os.path.join(keys, "alice.key"), authorized)
        context = zmq.Context()
        publisher = context.socket(zmq.XPUB)  # a CURVE server; no ZAP handler here: any client key will do
        publisher.setsockopt(zmq.LINGER, 0)
        publisher.curve_server = True
        publisher.curve_secretkey = publisher_keys[1]
        port = publisher.bind_to_random_port("tcp://127.0.0.1")
        daemon = Daemon(workdir.name, "--ingest-mode", "sub", "--ingest-server-key", os.path.join(keys, "publisher.key"),
                        "--curve-secret-key", os.path.join(keys, "calmond.key_secret"),
                        "--curve-authorized-keys", authorized,
                        ingest=f"tcp://127.0.0.1:{port}", push=False, curve=(server[0], alice))
        try:
            self.assertTrue(publisher.poll(DEADLINE_S * 1000), "calmond did not subscribe")
            self.assertEqual(publisher.recv(), b"\x01")
            daemon.subscribe(("traces",))
            for sequence in (1, 2):
                publisher.send_multipart([header(sequence).SerializeToString(), movie_frame(sequence).tobytes()])
            self.assertEqual([daemon.receive("traces").sequence for _ in range(2)], [1, 2])
        finally:
            print("--- calmond stderr (CurveSubModeTest) ---\n" + daemon.log())
            daemon.close()
            workdir.cleanup()
            context.destroy(linger=0)


class ProtectedModeTest(unittest.TestCase):
    def test_a_bind_beyond_loopback_without_curve_exits_1_naming_the_socket_and_the_flags(self):
        result = subprocess.run([CALMOND, "--ingest", "tcp://127.0.0.1:*", "--publish", "tcp://0.0.0.0:*",
                                 "--control", "tcp://127.0.0.1:*", "--no-http"],
                                capture_output=True, text=True, timeout=DEADLINE_S)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")  # no ready line: nothing was bound
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        for part in ("protected mode:", "(publish at tcp://0.0.0.0:*)",
                     "--curve-secret-key FILE --curve-authorized-keys DIR", "--allow-unprotected"):
            self.assertIn(part, lines[0])

    def test_allow_unprotected_starts_with_a_warning(self):
        workdir = tempfile.TemporaryDirectory()
        # Bound on every interface for the moment the test takes; the daemon is stopped at once.
        daemon = Daemon(workdir.name, "--allow-unprotected", "--no-http", ingest="tcp://0.0.0.0:*", push=False)
        try:
            self.assertTrue(daemon.ready["ingest"].startswith("tcp://0.0.0.0:"), daemon.ready)
            self.assertIn("warning: --allow-unprotected: without CURVE", daemon.log())
            self.assertIn("(ingest at tcp://0.0.0.0:*)", daemon.log())
            self.assertTrue(daemon.request(shutdown=wire_pb2.Empty()).ok)
            self.assertEqual(daemon.wait_exit(), 0)
        finally:
            daemon.close()
            workdir.cleanup()


def region_pixels(region):
    """A Region's pixels as a sorted list of (x, y), whichever form it takes."""
    kind = region.WhichOneof("shape")
    if kind == "pixel":
        return [(region.pixel.x, region.pixel.y)]
    if kind == "rect":
        r = region.rect
        return sorted((x, y) for y in range(r.ymin, r.ymax) for x in range(r.xmin, r.xmax))
    if kind == "mask":
        return sorted(zip(region.mask.x, region.mask.y))
    raise AssertionError(f"a region of kind {kind}")


class StateDirTest(unittest.TestCase):
    """--state-dir: calmond keeps its ROI set in a folder and starts with it again."""

    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory()
        self.state = os.path.join(self.workdir.name, "state")
        self.daemons = []

    def tearDown(self):
        for daemon in self.daemons:
            print(f"--- calmond stderr ({self.id()}) ---\n" + daemon.log())
            daemon.close()
        self.workdir.cleanup()

    def start(self):
        self.daemons.append(Daemon(self.workdir.name, "--state-dir", self.state, "--no-http"))
        return self.daemons[-1]

    def kept(self, condition, what):
        """The kept rois.json, once it satisfies `condition` (it is written on a thread of its own)."""
        path = os.path.join(self.state, "rois.json")
        deadline = time.monotonic() + DEADLINE_S
        while True:
            if os.path.exists(path):
                with open(path) as f:
                    kept = json.load(f)
                if condition(kept):
                    return kept
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for the state folder to keep {what}")
            time.sleep(0.01)  # polling a file, with a deadline

    def test_a_restarted_daemon_starts_with_the_roi_set_it_had(self):
        d = self.start()
        # At start the folder keeps the analysis config's set, each ROI with its own settings.
        kept = self.kept(lambda k: len(k["rois"]) == 3, "the configured set")
        self.assertEqual([roi["name"] for roi in kept["rois"]], ["box", "px", "whole"])
        self.assertEqual(kept["rois"][0]["baseline"], {"moving": {"window": 5}})

        one = config_pb2.RoiSet()
        roi = one.rois.add(name="cell")
        roi.region.pixel.x, roi.region.pixel.y = 7, 8
        roi.baseline.maximin.window, roi.baseline.maximin.sigma = 9, 1.5
        reply = d.request(set_rois=one)
        self.assertTrue(reply.ok, reply.error)
        kept = self.kept(lambda k: [r["name"] for r in k["rois"]] == ["cell"], "the new set")
        self.assertEqual(kept["rois"][0]["region"], {"pixel": {"x": 7, "y": 8}})
        self.assertEqual(kept["rois"][0]["baseline"], {"maximin": {"window": 9, "sigma": 1.5}})
        self.assertTrue(d.request(shutdown=wire_pb2.Empty()).ok)
        self.assertEqual(d.wait_exit(), 0)

        again = self.start()
        info = again.request(rois=wire_pb2.Empty()).rois
        self.assertEqual([(r.name, r.baseline) for r in info.rois], [("cell", "maximin, window 9, sigma 1.5")])
        self.assertIn("1 ROIs kept in " + os.path.join(self.state, "rois.json"), again.log())

    def test_an_exported_set_imports_as_the_same_set(self):
        d = self.start()
        exported = d.request(export_rois=wire_pb2.RoiExport(format="json"))
        self.assertTrue(exported.ok, exported.error)
        self.assertEqual(exported.roi_file.name, "rois.json")
        before = d.request(rois=wire_pb2.Empty()).rois
        files = wire_pb2.RoiFiles(files=[wire_pb2.RoiFile(name="saved.json", data=exported.roi_file.data)])
        imported = d.request(import_rois=files)
        self.assertTrue(imported.ok, imported.error)
        self.assertEqual(imported.rois.version, before.version + 1)
        strip = lambda info: [(r.name, r.region, r.baseline, r.neuropil_source) for r in info.rois]
        self.assertEqual(strip(imported.rois), strip(before))
        refused = d.request(export_rois=wire_pb2.RoiExport(format="tar"))
        self.assertFalse(refused.ok)
        self.assertEqual(refused.error, "export_rois: format 'tar' is not one calmon writes (json, zip)")

    def test_a_roi_set_zip_round_trip_keeps_names_and_pixels_and_says_what_it_drops(self):
        d = self.start()
        rois = config_pb2.RoiSet()
        box = rois.rois.add(name="box")
        box.region.rect.xmin, box.region.rect.xmax, box.region.rect.ymin, box.region.rect.ymax = 1, 4, 2, 5
        blob = rois.rois.add(name="blob")
        blob.region.mask.x.extend([3, 4, 4])
        blob.region.mask.y.extend([6, 6, 7])
        blob.region.mask.weight.extend([1.0, 0.5, 1.0])
        self.assertTrue(d.request(set_rois=rois).ok)
        exported = d.request(export_rois=wire_pb2.RoiExport(format="zip"))
        self.assertTrue(exported.ok, exported.error)
        self.assertEqual(exported.roi_file.name, "RoiSet.zip")
        self.assertEqual(list(exported.warnings),
                         ["warning: ROI 'blob': its mask's weights are not all 1; ImageJ ROIs have no weights, "
                          "so they are lost"])
        with zipfile.ZipFile(io.BytesIO(exported.roi_file.data)) as archive:
            self.assertEqual(sorted(archive.namelist()), ["blob.roi", "box.roi"])
        files = wire_pb2.RoiFiles(files=[wire_pb2.RoiFile(name="RoiSet.zip", data=exported.roi_file.data)])
        imported = d.request(import_rois=files)
        self.assertTrue(imported.ok, imported.error)
        self.assertEqual([r.name for r in imported.rois.rois], ["box", "blob"])
        self.assertEqual(imported.rois.rois[0].region, box.region)
        mask = imported.rois.rois[1].region.mask
        self.assertEqual(sorted(zip(mask.x, mask.y)), [(3, 6), (4, 6), (4, 7)])
        self.assertTrue(all(w == 1 for w in mask.weight), list(mask.weight))
        corrupt = d.request(import_rois=wire_pb2.RoiFiles(files=[wire_pb2.RoiFile(name="RoiSet.zip", data=b"PK no")]))
        self.assertFalse(corrupt.ok)
        self.assertTrue(corrupt.error.startswith("RoiSet.zip: "), corrupt.error)
        self.assertNotIn("calmon-import-", corrupt.error)

    def test_kept_ids_survive_a_restart(self):
        d = self.start()
        rois = config_pb2.RoiSet()
        for name, x in (("a", 1), ("b", 2)):
            roi = rois.rois.add(name=name)
            roi.region.pixel.x = x
        self.assertTrue(d.request(set_rois=rois).ok)
        removed = d.request(remove_rois=wire_pb2.RoiSelection(names=["a"]))
        self.assertTrue(removed.ok, removed.error)
        ids = [(r.name, r.id) for r in removed.rois.rois]
        kept = self.kept(lambda k: [r["name"] for r in k["rois"]] == ["b"], "the edited set")
        self.assertEqual([(r["name"], r["id"]) for r in kept["rois"]], ids)
        self.assertTrue(d.request(shutdown=wire_pb2.Empty()).ok)
        self.assertEqual(d.wait_exit(), 0)
        again = self.start()
        self.assertEqual([(r.name, r.id) for r in again.request(rois=wire_pb2.Empty()).rois.rois], ids)

    def test_roi_files_on_the_command_line_are_the_set_until_one_is_kept(self):
        zipped = os.path.join(self.workdir.name, "cells.zip")
        d = self.start()
        with open(zipped, "wb") as f:
            f.write(d.request(export_rois=wire_pb2.RoiExport(format="zip")).roi_file.data)
        configured = [(r.name, r.region) for r in d.request(rois=wire_pb2.Empty()).rois.rois]
        self.assertTrue(d.request(shutdown=wire_pb2.Empty()).ok)
        self.assertEqual(d.wait_exit(), 0)
        shutil.rmtree(self.state)

        self.daemons.append(Daemon(self.workdir.name, "--rois", zipped, "--no-http"))
        from_file = self.daemons[-1]
        info = from_file.request(rois=wire_pb2.Empty()).rois
        self.assertEqual([(r.name, region_pixels(r.region)) for r in info.rois],
                         [(name, region_pixels(region)) for name, region in configured])
        self.assertIn(f"3 ROIs from {zipped}", from_file.log())

        result = subprocess.run([CALMOND, "--rois", os.path.join(self.workdir.name, "none.zip"), "--no-http",
                                 "--ingest", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*",
                                 "--control", "tcp://127.0.0.1:*"], capture_output=True, text=True, timeout=DEADLINE_S)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.splitlines(),
                         [f"calmond: {os.path.join(self.workdir.name, 'none.zip')}: cannot open the zip file: No such file"])

    def test_a_kept_set_that_cannot_be_read_stops_the_start_in_one_line(self):
        os.makedirs(self.state)
        with open(os.path.join(self.state, "rois.json"), "w") as f:
            f.write('{"rois": [')
        result = subprocess.run([CALMOND, "--state-dir", self.state, "--ingest", "tcp://127.0.0.1:*",
                                 "--publish", "tcp://127.0.0.1:*", "--control", "tcp://127.0.0.1:*", "--no-http"],
                                capture_output=True, text=True, timeout=DEADLINE_S)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn(os.path.join(self.state, "rois.json"), result.stderr)
        self.assertIn("move it away", result.stderr)


class CommandLineTest(unittest.TestCase):
    def test_bad_flags_exit_2_with_one_line(self):
        result = subprocess.run([CALMOND, "--snapshot-hz", "fast"], capture_output=True, text=True, timeout=DEADLINE_S)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.splitlines()[0], "calmond: --snapshot-hz expects a number >= 0, got 'fast'")

    def test_an_endpoint_in_use_exits_1_with_one_line(self):
        context = zmq.Context()
        taken = context.socket(zmq.PULL)
        port = taken.bind_to_random_port("tcp://127.0.0.1")
        try:
            result = subprocess.run([CALMOND, "--ingest", "tcp://127.0.0.1:*", "--publish", f"tcp://127.0.0.1:{port}",
                                     "--control", "tcp://127.0.0.1:*", "--no-http"], capture_output=True, text=True,
                                    timeout=DEADLINE_S)
        finally:
            context.destroy(linger=0)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")  # no ready line
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn(f"cannot bind the publish socket to tcp://127.0.0.1:{port}", result.stderr)


if __name__ == "__main__":
    unittest.main()
