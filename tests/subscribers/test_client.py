# test_client.py — calmon_client against a fake calmond and a bare PULL socket: the
# Subscriber's numpy arrays equal what was published, Control round-trips (and times
# out cleanly), FrameSender's messages decode into the very arrays sent, with a stream
# id per stream, and its end of stream waits for calmond's acknowledgement.
import time
import unittest

import numpy as np
import zmq

import calmon_client
from calmon import config_pb2, wire_pb2
from fake_daemon import FakeDaemon, Late
from support import LiveRows, roi_set_info, settled_only, snapshot

NAMES = ["cell1", "cell2", "np"]


class SubscriberTest(unittest.TestCase):
    def test_yields_numpy_arrays_equal_to_what_was_published(self):
        rows = LiveRows(4, 3, seed=21)
        image = np.linspace(0, 1, 48).reshape(6, 8)
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon, \
                calmon_client.Subscriber(daemon.publish_endpoint, ("traces", "projections")) as subscriber:
            subscriber.wait_ready()
            for t in range(4):
                update = rows.live_update(t, 1)
                if t >= 2:
                    rows.add_settled(update, t - 2, 1)
                daemon.publish("traces", update)
            end = settled_only(4, 1, 103, end_of_stream=True)
            rows.add_settled(end, 2, 1)
            rows.add_settled(end, 3, 1)
            daemon.publish("traces", end)
            daemon.publish("projections", snapshot(4, {"all_mean": image}))
            received = [subscriber.recv(timeout=5) for _ in range(6)]
            self.assertEqual(subscriber.roi_set().names, NAMES)

        updates, projections = received[:5], received[5]
        for t, update in enumerate(updates[:4]):
            self.assertIsInstance(update, calmon_client.TraceUpdate)
            self.assertTrue(update.has_live)
            self.assertEqual((update.frame_index, update.sequence, update.roi_set_version), (t, t + 100, 1))
            self.assertEqual(update.names, NAMES)
            for field in ["f", "fneu", "fcorr", "f0", "dff"]:
                array = getattr(update, field)
                self.assertEqual(array.dtype, np.float64)
                self.assertTrue(np.array_equal(array, getattr(rows, field)[t], equal_nan=True), field)
            self.assertEqual(update.flags.dtype, np.uint32)
            self.assertTrue(np.array_equal(update.flags, rows.flags[t]))
            self.assertEqual(update.global_median, rows.global_median[t])
            self.assertEqual(update.dff[update.index("cell2")], rows.dff[t, 1])
        self.assertEqual(len(updates[0].settled), 0)
        self.assertEqual(updates[0].settled.f0.shape, (0, 3))
        self.assertEqual(list(updates[2].settled.frame_index), [0])
        end = updates[4]
        self.assertTrue(end.end_of_stream)
        self.assertFalse(end.has_live)
        self.assertEqual(list(end.settled.frame_index), [2, 3])
        self.assertEqual(end.settled.dff.shape, (2, 3))
        self.assertTrue(np.array_equal(end.settled.dff, rows.settled_dff[2:4]))
        self.assertTrue(np.array_equal(end.settled.f0, rows.settled_f0[2:4]))
        self.assertEqual(end.settled.flags.dtype, np.uint32)
        self.assertIsInstance(projections, calmon_client.Projections)
        self.assertEqual(projections.frame_index, 4)
        self.assertTrue(np.array_equal(projections.images["all_mean"], image))

    def test_the_motion_of_a_frame_comes_as_published_and_none_without_it(self):
        rows = LiveRows(3, 3, seed=23)
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon:
            stream = calmon_client.traces(daemon.publish_endpoint, timeout=5)
            for t, (dy, dx, peak, failed) in enumerate([(-1.25, 0.5, 0.4, 0), (0.0, 0.0, 0.01, 3)]):
                update = rows.live_update(t, 1)
                update.motion.dy, update.motion.dx, update.motion.peak, update.motion.failed = dy, dx, peak, failed
                daemon.publish("traces", update)
            daemon.publish("traces", rows.live_update(2, 1))  # calmond without motion correction
            daemon.publish("traces", settled_only(3, 1, 102, end_of_stream=True))
            registered, failed, plain, end = list(stream)
        self.assertEqual(registered.motion, calmon_client.FrameMotion(dy=-1.25, dx=0.5, peak=0.4, failed=0))
        self.assertTrue(registered.motion.ok)
        self.assertIsNone(registered.motion.failure)
        self.assertTrue(np.array_equal(registered.motion.shift, np.array([-1.25, 0.5])))
        self.assertEqual(registered.motion.shift.dtype, np.float64)
        self.assertEqual((failed.motion.ok, failed.motion.failed, failed.motion.failure), (False, 3, "low peak"))
        self.assertIsNone(plain.motion)
        self.assertIsNone(end.motion)

    def test_the_time_of_a_frame_comes_as_published_and_none_without_it(self):
        rows = LiveRows(3, 3, seed=24)
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon:
            stream = calmon_client.traces(daemon.publish_endpoint, timeout=5)
            timed = rows.live_update(0, 1)
            timed.time_s = 0.1 + 0.2
            daemon.publish("traces", timed)
            daemon.publish("traces", rows.live_update(1, 1))  # calmond that knows no time
            daemon.publish("traces", settled_only(2, 1, 102, end_of_stream=True))
            first, untimed, end = list(stream)
        self.assertEqual(first.time_s, 0.1 + 0.2)
        self.assertIsNone(untimed.time_s)
        self.assertIsNone(end.time_s)

    def test_traces_yields_every_update_to_the_end_of_the_stream(self):
        rows = LiveRows(3, 3, seed=22)
        with FakeDaemon(roi_set_info(1, NAMES)) as daemon:
            stream = calmon_client.traces(daemon.publish_endpoint, timeout=5)  # returns once subscribed
            for t in range(3):
                daemon.publish("traces", rows.live_update(t, 1))
            daemon.publish("traces", settled_only(3, 1, 102, end_of_stream=True))
            updates = list(stream)
        self.assertEqual([u.frame_index for u in updates], [0, 1, 2, 3])
        self.assertTrue(updates[-1].end_of_stream)
        self.assertTrue(np.array_equal(np.array([u.dff for u in updates[:3]]), rows.dff, equal_nan=True))

    def test_an_update_is_held_until_its_roi_set_names_it(self):
        # A subscriber that joins mid-stream: the update of ROI set 2 comes before set 2's
        # RoiSetInfo. It is yielded once the names are there, and what came after it stays behind it.
        rows = LiveRows(2, 3, seed=23)
        with FakeDaemon(roi_set_info(1, ["old"])) as daemon, \
                calmon_client.Subscriber(daemon.publish_endpoint, ("traces",)) as subscriber:
            subscriber.wait_ready()
            daemon.publish("traces", rows.live_update(0, 2))
            daemon.drain()
            with self.assertRaises(TimeoutError):  # not yielded without its names
                subscriber.recv(timeout=0.3)
            daemon.set_roi_info(roi_set_info(2, NAMES))
            daemon.publish("traces", rows.live_update(1, 2))
            first, second = subscriber.recv(timeout=5), subscriber.recv(timeout=5)
        self.assertEqual((first.frame_index, first.names), (0, NAMES))
        self.assertEqual((second.frame_index, second.names), (1, NAMES))

    def test_an_update_whose_names_never_come_is_yielded_unnamed_after_names_wait(self):
        rows = LiveRows(2, 3, seed=24)
        with FakeDaemon(roi_set_info(1, ["old"])) as daemon, \
                calmon_client.Subscriber(daemon.publish_endpoint, ("traces",), names_wait=0.3) as subscriber:
            subscriber.wait_ready()
            daemon.publish("traces", rows.live_update(0, 2))
            daemon.publish("traces", rows.live_update(1, 1))
            started = time.monotonic()
            first, second = subscriber.recv(timeout=5), subscriber.recv(timeout=5)
            waited = time.monotonic() - started
        self.assertEqual((first.frame_index, first.names), (0, None))
        self.assertEqual((second.frame_index, second.names), (1, ["old"]))
        self.assertGreaterEqual(waited, 0.3)
        self.assertLess(waited, 5)

    def test_through_a_proxy_each_planes_updates_are_named_by_that_planes_roi_set(self):
        # Two calmond behind calmon-proxy both count ROI-set version 1; plane 3's update
        # must take plane 3's names, not those of the set that came last.
        rows = LiveRows(1, 2, seed=25)
        plane0, plane3 = roi_set_info(1, ["a", "b"]), roi_set_info(1, ["c", "d"])
        plane3.plane = 3
        with FakeDaemon(plane0) as daemon, \
                calmon_client.Subscriber(daemon.publish_endpoint, ("traces",)) as subscriber:
            subscriber.wait_ready()
            daemon.publish("rois", plane3)  # now the newest ROI set, of another plane
            update = rows.live_update(0, 1)
            update.plane = 3
            daemon.publish("traces", update)
            daemon.publish("traces", rows.live_update(0, 1))  # plane 0
            third, zeroth = subscriber.recv(timeout=5), subscriber.recv(timeout=5)
            self.assertEqual(subscriber.roi_set(1, plane=3).qualified_names, ["p3/c", "p3/d"])
            self.assertEqual(subscriber.roi_set(1, plane=0).names, ["a", "b"])
        self.assertEqual((third.plane, third.names), (3, ["c", "d"]))
        self.assertEqual((zeroth.plane, zeroth.names), (0, ["a", "b"]))
        self.assertEqual(calmon_client.plane_qualified_name(2, "cell7"), "p2/cell7")

    def test_no_daemon_is_a_timeout_not_a_hang(self):
        with calmon_client.Subscriber("tcp://127.0.0.1:9") as subscriber:
            started = time.monotonic()
            with self.assertRaises(TimeoutError):
                subscriber.wait_ready(timeout=0.2)
            self.assertLess(time.monotonic() - started, 2)

    def test_an_unknown_topic_is_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown topic 'trace'"):
            calmon_client.Subscriber(topics=("trace",))


def control_answers(request):
    command = request.WhichOneof("command")
    if command in ("status", "reset", "shutdown"):
        return wire_pb2.ControlReply(ok=True, status=wire_pb2.Status(frames_processed=42, streaming=command == "status"))
    if command == "projections":
        return wire_pb2.ControlReply(ok=True, projections=snapshot(9, {"all_max": np.arange(6.0).reshape(2, 3)}))
    if command == "rois":
        return wire_pb2.ControlReply(ok=True, rois=roi_set_info(3, NAMES))
    if command == "set_rois":
        names = [roi.name for roi in request.set_rois.rois]
        if "slow" in names:
            return Late(1.0, wire_pb2.ControlReply(ok=True, rois=roi_set_info(5, names)))
        if "bad" in names:
            return wire_pb2.ControlReply(ok=False, error="ROI 'bad': rectangle x 0:2, y 0:3 is outside the 1x1 frame")
        return wire_pb2.ControlReply(ok=True, rois=roi_set_info(4, names))
    return wire_pb2.ControlReply(ok=False, error="unknown command")


class ControlTest(unittest.TestCase):
    def test_every_request_round_trips(self):
        with FakeDaemon(control_handler=control_answers) as daemon, \
                calmon_client.Control(daemon.control_endpoint, timeout=5) as control:
            self.assertEqual(control.status().frames_processed, 42)
            images = control.projections()
            self.assertEqual(list(images), ["all_max"])
            self.assertTrue(np.array_equal(images["all_max"], np.arange(6.0).reshape(2, 3)))
            self.assertEqual(control.rois().names, NAMES)
            rois = [{"name": "c1", "region": {"rect": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}}},
                    {"name": "c2", "region": {"pixel": {"x": 3, "y": 4}}, "baseline": {"moving": {"window": 51}}}]
            answer = control.set_rois(rois)
            self.assertEqual((answer.version, answer.names), (4, ["c1", "c2"]))
            self.assertFalse(control.reset().streaming)
            self.assertEqual(control.shutdown().frames_processed, 42)
            self.assertEqual(control.set_rois({"rois": rois[:1]}).names, ["c1"])
            self.assertEqual(control.set_rois(config_pb2.RoiSet(rois=[config_pb2.Roi(name="c3")])).names, ["c3"])
            sent = [wire_pb2.ControlRequest.FromString(data) for data in daemon.control_requests]
        self.assertEqual([r.WhichOneof("command") for r in sent],
                         ["status", "projections", "rois", "set_rois", "reset", "shutdown", "set_rois", "set_rois"])
        self.assertEqual(sent[3].set_rois.rois[0].region.rect.xmax, 35)
        self.assertEqual(sent[3].set_rois.rois[1].baseline.moving.window, 51)

    def test_a_refusal_is_a_control_error_with_the_daemons_reason(self):
        with FakeDaemon(control_handler=control_answers) as daemon, \
                calmon_client.Control(daemon.control_endpoint, timeout=5) as control:
            with self.assertRaisesRegex(calmon_client.ControlError, "refused 'set_rois': ROI 'bad': rectangle"):
                control.set_rois([{"name": "bad"}])
            with self.assertRaisesRegex(ValueError, "not an ROI set"):
                control.set_rois([{"name": "x", "colour": "red"}])

    def test_no_reply_in_time_is_a_clear_timeout_and_the_next_request_works(self):
        with FakeDaemon(control_handler=control_answers) as daemon, \
                calmon_client.Control(daemon.control_endpoint, timeout=0.2) as control:
            with self.assertRaisesRegex(calmon_client.ControlTimeout, "no reply .* to 'set_rois' within 0.2 s"):
                control.set_rois([{"name": "slow"}])
            control.timeout = 5
            self.assertEqual(control.status().frames_processed, 42)


class FrameSenderTest(unittest.TestCase):
    def setUp(self):
        self.context = zmq.Context()
        self.pull = self.context.socket(zmq.PULL)
        self.pull.bind("tcp://127.0.0.1:*")
        self.endpoint = self.pull.getsockopt_string(zmq.LAST_ENDPOINT)

    def tearDown(self):
        self.pull.close(0)
        self.context.term()

    def receive(self):
        self.assertTrue(self.pull.poll(5000), "no message from the FrameSender")
        parts = self.pull.recv_multipart()
        return wire_pb2.FrameHeader.FromString(parts[0]), parts[1:]

    def test_every_pixel_type_decodes_into_the_same_array(self):
        rng = np.random.default_rng(23)
        frames = {
            "uint8": (rng.integers(0, 256, (5, 7)).astype(np.uint8), wire_pb2.UINT8, "<u1"),
            "uint16": (rng.integers(0, 65536, (5, 7)).astype(np.uint16), wire_pb2.UINT16, "<u2"),
            "int16": (rng.integers(-32768, 32768, (5, 7)).astype(np.int16), wire_pb2.INT16, "<i2"),
            "uint32": (rng.integers(0, 2**32, (5, 7)).astype(np.uint32), wire_pb2.UINT32, "<u4"),
            "float32": (rng.normal(size=(5, 7)).astype(np.float32), wire_pb2.FLOAT32, "<f4"),
            "float64": (rng.normal(size=(5, 7)), wire_pb2.FLOAT64, "<f8"),
            "big-endian uint16": (rng.integers(0, 65536, (5, 7)).astype(">u2"), wire_pb2.UINT16, "<u2"),
            "non-contiguous": (rng.normal(size=(10, 14))[::2, ::2], wire_pb2.FLOAT64, "<f8"),
        }
        with calmon_client.FrameSender(self.endpoint, channel=1, plane=2, control=None) as sender:
            stream_id = sender.stream_id
            self.assertNotEqual(stream_id, 0)
            for k, (name, (frame, pixel_type, wire_dtype)) in enumerate(frames.items()):
                self.assertEqual(sender.send(frame), k)
                header, parts = self.receive()
                self.assertEqual((header.sequence, header.width, header.height, header.pixel_type),
                                 (k, frame.shape[1], frame.shape[0], pixel_type), name)
                self.assertEqual((header.channel, header.plane, header.end_of_stream), (1, 2, False))
                self.assertEqual(header.stream_id, stream_id)
                self.assertGreater(header.acquisition_time_ns, 0)
                self.assertEqual(len(parts), 1)
                decoded = np.frombuffer(parts[0], dtype=wire_dtype).reshape(header.height, header.width)
                self.assertTrue(np.array_equal(decoded, frame), name)
            self.assertEqual(sender.send(frames["uint8"][0], sequence=100), 100)
            self.assertEqual(self.receive()[0].sequence, 100)
            self.assertEqual(sender.send(frames["uint8"][0]), 101)
            self.receive()
            self.assertIsNone(sender.end_of_stream())  # control=None: nothing to acknowledge
            header, parts = self.receive()
            self.assertEqual((header.end_of_stream, header.sequence, header.stream_id, parts), (True, 102, stream_id, []))
            self.assertEqual(sender.send(frames["uint8"][0]), 0)  # a new stream counts from the start again
            header, _ = self.receive()
            self.assertNotIn(header.stream_id, (0, stream_id))  # ... with a stream id of its own
        # Leaving the block ends the stream left open.
        header, parts = self.receive()
        self.assertEqual((header.end_of_stream, header.sequence, parts), (True, 1, []))

    def test_a_volume_sender_sends_each_plane_to_its_own_route(self):
        other = self.context.socket(zmq.PULL)
        other.bind("tcp://127.0.0.1:*")
        try:
            routes = {2: (other.getsockopt_string(zmq.LAST_ENDPOINT), None), 0: (self.endpoint, None)}
            volume = np.arange(2 * 3 * 4, dtype=np.uint16).reshape(2, 3, 4)
            with calmon_client.VolumeSender(routes, context=self.context) as sender:
                sender.send(volume)
                with self.assertRaisesRegex(ValueError, r"a volume is \(2 planes, height, width\)"):
                    sender.send(volume[0])
            header, pixels = self.receive()  # plane 0, the first of the sorted planes
            self.assertEqual(header.plane, 0)
            np.testing.assert_array_equal(np.frombuffer(pixels[0], "<u2").reshape(3, 4), volume[0])
            self.assertTrue(other.poll(5000))
            parts = other.recv_multipart()
            self.assertEqual(wire_pb2.FrameHeader.FromString(parts[0]).plane, 2)
            np.testing.assert_array_equal(np.frombuffer(parts[1], "<u2").reshape(3, 4), volume[1])
        finally:
            other.close(0)

    def test_frames_it_cannot_send_are_refused(self):
        with calmon_client.FrameSender(self.endpoint, control=None) as sender:
            with self.assertRaisesRegex(ValueError, "2-D array"):
                sender.send(np.zeros((2, 3, 4), np.uint16))
            with self.assertRaisesRegex(ValueError, "pixel type bool is not supported"):
                sender.send(np.zeros((2, 3), bool))
            with self.assertRaisesRegex(ValueError, "pixel type int64 is not supported"):
                sender.send(np.zeros((2, 3), np.int64))

    def test_no_daemon_is_a_timeout(self):
        with calmon_client.FrameSender("tcp://127.0.0.1:9", timeout=0.2) as sender:
            with self.assertRaisesRegex(TimeoutError, "no calmond at tcp://127.0.0.1:9"):
                sender.send(np.zeros((2, 2), np.uint8))
            sender.close(linger=0)

    def sender_with_reports(self, *reports, timeout=5.0):
        """A FrameSender whose control socket answers StreamQuery with `reports`, one per
        query (the last one again and again)."""
        answers = list(reports)

        def answer(request):
            if request.WhichOneof("command") != "stream":
                return wire_pb2.ControlReply(ok=False, error="unexpected")
            report = wire_pb2.StreamReport()
            report.CopyFrom(answers.pop(0) if len(answers) > 1 else answers[0])
            report.stream_id = request.stream.stream_id
            return wire_pb2.ControlReply(ok=True, stream=report)

        daemon = FakeDaemon(control_handler=answer)
        self.addCleanup(daemon.close)
        return calmon_client.FrameSender(self.endpoint, control=daemon.control_endpoint, timeout=timeout), daemon

    def test_the_end_of_stream_waits_for_calmonds_acknowledgement(self):
        sender, daemon = self.sender_with_reports(
            wire_pb2.StreamReport(known=True, frames_received=2, frames_processed=2),  # still working
            wire_pb2.StreamReport(known=True, frames_received=3, frames_processed=3, end_of_stream_received=True))
        with sender:
            stream_id = sender.stream_id
            for t in range(3):
                sender.send(np.full((4, 4), t, np.uint16))
            report = sender.end_of_stream()
        self.assertEqual((report.stream_id, report.frames_processed, report.end_of_stream_received),
                         (stream_id, 3, True))
        queries = [wire_pb2.ControlRequest.FromString(data) for data in daemon.control_requests]
        self.assertEqual([q.stream.stream_id for q in queries], [stream_id, stream_id])

    def test_frames_calmond_did_not_get_are_a_delivery_error(self):
        sender, _ = self.sender_with_reports(
            wire_pb2.StreamReport(known=True, frames_received=2, frames_processed=1, frames_rejected=1,
                                  end_of_stream_received=True))
        with sender:
            for t in range(3):
                sender.send(np.full((4, 4), t, np.uint16))
            with self.assertRaisesRegex(calmon_client.DeliveryError,
                                        "calmond processed 1 of the 3 frames sent: 1 rejected, 1 never reached it") as caught:
                sender.end_of_stream()
        self.assertEqual(caught.exception.report.frames_received, 2)

    def test_no_acknowledgement_is_a_delivery_error_when_the_block_closes(self):
        sender, _ = self.sender_with_reports(wire_pb2.StreamReport(known=True, frames_received=1), timeout=0.5)
        with self.assertRaisesRegex(calmon_client.DeliveryError,
                                    "never acknowledged the end of stream: it received 1 of the 2 frames sent"):
            with sender:
                sender.send(np.zeros((2, 2), np.uint8))
                sender.send(np.zeros((2, 2), np.uint8))
        header, _ = self.receive()
        self.assertFalse(header.end_of_stream)

    def test_a_control_socket_that_never_answers_is_a_delivery_error_naming_it(self):
        silent = self.context.socket(zmq.REP)  # bound, never read: calmond stopped
        try:
            silent.bind("tcp://127.0.0.1:*")
            endpoint = silent.getsockopt_string(zmq.LAST_ENDPOINT)
            sender = calmon_client.FrameSender(self.endpoint, control=endpoint, timeout=0.5)
            sender.send(np.zeros((2, 2), np.uint8))
            with self.assertRaisesRegex(calmon_client.DeliveryError,
                                        f"no reply from its control socket {endpoint} within 0.5 s"):
                sender.close()
            sender.close()  # closed already: nothing happens
        finally:
            silent.close(0)


if __name__ == "__main__":
    unittest.main()
