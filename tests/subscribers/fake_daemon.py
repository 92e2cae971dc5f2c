# fake_daemon.py — a stand-in for calmond's outputs, for testing the subscribers.
#
# FakeDaemon binds a PUB socket and a REP socket on ephemeral loopback ports and runs
# one background thread that owns both (ZeroMQ sockets are not thread-safe). The test
# scripts what is published — known TraceUpdates, ROI sets, snapshots — through a
# queue the thread empties in order, while the thread also publishes Status (with the
# current RoiSetInfo, as calmond does) every `status_interval` seconds, so a subscriber
# can prove its subscription is live. Changes of the "streaming" flag go through the
# same queue, so a Status never overtakes the traces published before it — calmond's
# ordering on its one publish socket. Control requests are answered by a handler.
import queue
import threading
import time

import zmq
from google.protobuf import json_format

from calmon import wire_pb2


class FakeDaemon:
    def __init__(self, roi_info=None, status_interval=0.05, control_handler=None):
        self._context = zmq.Context()
        self._pub = self._context.socket(zmq.PUB)
        self._pub.setsockopt(zmq.SNDHWM, 100000)
        self._pub.setsockopt(zmq.LINGER, 0)
        self._pub.bind("tcp://127.0.0.1:*")
        self.publish_endpoint = self._pub.getsockopt_string(zmq.LAST_ENDPOINT)
        self._rep = self._context.socket(zmq.REP)
        self._rep.setsockopt(zmq.LINGER, 0)
        self._rep.bind("tcp://127.0.0.1:*")
        self.control_endpoint = self._rep.getsockopt_string(zmq.LAST_ENDPOINT)
        self.control_requests = []
        self._control_handler = control_handler or (lambda request: wire_pb2.ControlReply(ok=True))
        self._roi_info = roi_info if roi_info is not None else wire_pb2.RoiSetInfo()
        self._status_interval = status_interval
        self._streaming = False
        self._daemon_id = 0  # Status.daemon_id: 0 says nothing, a new one is a restarted calmond
        self._late_reply = None  # (due, bytes): the answer to the request being handled
        self._queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    # --- scripting (any thread) ---------------------------------------------------------
    def publish(self, topic, message):
        """Queues [topic][message] for publication, after everything queued before."""
        self._queue.put(("publish", topic, message.SerializeToString()))

    def publish_raw(self, parts):
        self._queue.put(("raw", parts))

    def set_streaming(self, streaming):
        self._queue.put(("streaming", streaming))

    def set_daemon_id(self, daemon_id):
        """Status.daemon_id from now on (after everything queued before): a restart."""
        self._queue.put(("daemon", daemon_id))

    def set_roi_info(self, info):
        """The RoiSetInfo published with every Status from now on (and once right away)."""
        self._queue.put(("rois", info))

    def drain(self, timeout=10.0):
        """Waits until everything queued so far has been published."""
        done = threading.Event()
        self._queue.put(("mark", done))
        if not done.wait(timeout):
            raise TimeoutError("the fake daemon did not publish its queue in time")

    def close(self):
        self._stop.set()
        self._thread.join(10)
        self._pub.close(0)
        self._rep.close(0)
        self._context.term()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- the thread ---------------------------------------------------------------------
    def _run(self):
        next_status = time.monotonic()
        while not self._stop.is_set():
            self._publish_queued()
            if time.monotonic() >= next_status:
                self._publish_status()
                next_status = time.monotonic() + self._status_interval
            if self._late_reply is not None:
                due, reply = self._late_reply
                if time.monotonic() >= due:
                    self._rep.send(reply)
                    self._late_reply = None
                time.sleep(0.005)
            elif self._rep.poll(5):
                self._answer_control()

    def _publish_queued(self):
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            kind = item[0]
            if kind == "publish":
                self._pub.send_multipart([item[1].encode(), item[2]])
            elif kind == "raw":
                self._pub.send_multipart(item[1])
            elif kind == "streaming":
                self._streaming = item[1]
            elif kind == "daemon":
                self._daemon_id = item[1]
            elif kind == "rois":
                self._roi_info = item[1]
                self._pub.send_multipart([b"rois", self._roi_info.SerializeToString()])
            elif kind == "mark":
                item[1].set()

    def _publish_status(self):
        status = wire_pb2.Status(
            time_ns=time.time_ns(), uptime_s=0.5, frames_received=7, frames_processed=7,
            frame_rate_hz=30.0, streaming=self._streaming, width=8, height=6,
            pixel_type=wire_pb2.UINT16, roi_set_version=self._roi_info.version,
            latency_p50_us=120.0, latency_max_us=900.0, sessions=1, daemon_id=self._daemon_id)
        status.rejected["bad_header"] = 2
        self._pub.send_multipart([b"status", status.SerializeToString()])
        self._pub.send_multipart([b"rois", self._roi_info.SerializeToString()])

    def _answer_control(self):
        request_bytes = self._rep.recv()
        self.control_requests.append(request_bytes)
        as_json = request_bytes[:1] == b"{"
        if as_json:
            request = json_format.Parse(request_bytes.decode(), wire_pb2.ControlRequest())
        else:
            request = wire_pb2.ControlRequest.FromString(request_bytes)
        answer = self._control_handler(request)
        delay = 0.0
        if isinstance(answer, Late):
            delay, answer = answer.seconds, answer.reply
        reply = json_format.MessageToJson(answer).encode() if as_json else answer.SerializeToString()
        self._late_reply = (time.monotonic() + delay, reply)


class Late:
    """A control answer sent `seconds` late: a daemon too busy to answer in time."""

    def __init__(self, seconds, reply):
        self.seconds = seconds
        self.reply = reply
