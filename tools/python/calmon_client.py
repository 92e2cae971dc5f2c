"""calmon_client — calmond from Python: live ΔF/F₀ in, frames out, control.

The three sockets of calmond (proto/calmon/wire.proto is the contract):

  Subscriber   SUB on the publish socket (default tcp://127.0.0.1:5571): TraceUpdates
               as numpy arrays, ROI sets, projection snapshots, status.
  Control      REQ to the control socket (default tcp://127.0.0.1:5572): status,
               projections, ROI sets, reset, shutdown — each with a timeout.
  FrameSender  PUSH to the ingest socket (default tcp://127.0.0.1:5570): 2-D numpy
               frames, then the end of stream — which calmond acknowledges on its
               control socket, so the sender knows every frame arrived.

With CURVE on calmond (docs/daemon.md, "CURVE"), every class and traces() take
server_key= (calmond's public key file, calmond.key) and client_key= (this client's
secret key file, NAME.key_secret, whose public key calmond authorizes); both paths, read
with pyzmq's own zmq.auth.load_certificate. apply_curve_client() does the same for a
socket of your own.

Needs numpy, pyzmq and protobuf, and the modules generated from proto/ (the build's
calmon_python_proto target writes them to <build>/python/calmon/; put <build>/python on
PYTHONPATH). docs/subscribers.md has complete examples.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import time
import warnings
from collections import deque
from typing import Iterator, Optional, Sequence

import numpy as np
import zmq
from google.protobuf import json_format

from calmon import config_pb2, wire_pb2

DEFAULT_INGEST = "tcp://127.0.0.1:5570"
DEFAULT_PUBLISH = "tcp://127.0.0.1:5571"
DEFAULT_CONTROL = "tcp://127.0.0.1:5572"
TOPICS = ("traces", "projections", "status", "rois")

# Bits of TraceUpdate.flags and SettledValues.flags (wire.proto).
FLAG_BASELINE_NOT_POSITIVE = 1  # F0 <= 0: ΔF/F₀ is NaN
FLAG_NON_FINITE_PIXELS = 2      # the ROI or its neuropil averaged a NaN/inf pixel
FLAG_AFTER_GAP = 4              # frames were missing just before this one

# FrameMotion.failed (wire.proto): why motion correction used a frame unshifted.
MOTION_FAILURES = {
    1: "non-finite frame",
    2: "flat frame",
    3: "low peak",
    4: "at max shift",
    5: "no reference",
}

# numpy dtype (without byte order) -> wire PixelType.
_PIXEL_TYPES = {
    "u1": wire_pb2.UINT8,
    "u2": wire_pb2.UINT16,
    "i2": wire_pb2.INT16,
    "u4": wire_pb2.UINT32,
    "f4": wire_pb2.FLOAT32,
    "f8": wire_pb2.FLOAT64,
}


class CalmonError(Exception):
    """calmond answered, but not with what was asked for."""


class ControlError(CalmonError):
    """calmond refused a control request (ControlReply.ok was false)."""


class ControlTimeout(CalmonError, TimeoutError):
    """No reply from the control socket within the timeout."""


# --- CURVE ---------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class CurveKeys:
    """A CURVE client's keys, Z85: calmond's public key and this client's key pair."""

    server_public: bytes
    client_public: bytes
    client_secret: bytes

    @classmethod
    def load(cls, server_key: Optional[str], client_key: Optional[str]) -> Optional["CurveKeys"]:
        """Reads server_key (calmond's public key file, calmond.key) and client_key (this
        client's secret key file, NAME.key_secret, private to its owner: mode 0600) with
        pyzmq's zmq.auth.load_certificate. Both or neither (None)."""
        if server_key is None and client_key is None:
            return None
        if server_key is None or client_key is None:
            raise ValueError("server_key and client_key go together: calmond's public key file (calmond.key) "
                             "and this client's secret key file (NAME.key_secret)")
        import zmq.auth  # pyzmq's certificate reader; imported only when keys are used
        server_public, server_secret = zmq.auth.load_certificate(server_key)
        if server_secret is not None:
            raise ValueError(f"{server_key}: holds a secret key; give calmond's public key file (NAME.key)")
        client_public, client_secret = zmq.auth.load_certificate(client_key)
        if client_secret is None:
            raise ValueError(f"{client_key}: no secret key; give your secret key file (NAME.key_secret)")
        if os.stat(client_key).st_mode & 0o077:
            raise PermissionError(f"{client_key}: a secret key must be private, but group or others may access "
                                  f"it; chmod 600 {client_key}")
        return cls(server_public, client_public, client_secret)

    def apply(self, socket: zmq.Socket) -> None:
        """Makes `socket` a CURVE client of calmond; before connect()."""
        socket.curve_serverkey = self.server_public
        socket.curve_publickey = self.client_public
        socket.curve_secretkey = self.client_secret


def apply_curve_client(socket: zmq.Socket, server_key: Optional[str] = None,
                       client_key: Optional[str] = None) -> None:
    """Makes `socket` (any type) a CURVE client of calmond before it connects: server_key
    is calmond's public key file, client_key this client's secret key file. Neither:
    nothing changes. Keys made by calmon-keygen or by pyzmq's
    zmq.auth.create_certificates both work."""
    keys = CurveKeys.load(server_key, client_key)
    if keys is not None:
        keys.apply(socket)


def _unanswered_hint(server_key: Optional[str]) -> str:
    """What to check when calmond does not answer: a refused CURVE handshake looks like no daemon."""
    if server_key is None:
        return "is calmond running (with CURVE? then give server_key= and client_key=)?"
    return "is calmond running, is server_key its public key, and does it authorize client_key?"


class DeliveryError(CalmonError):
    """calmond did not acknowledge the end of stream, or did not process every frame sent.

    `report` is calmond's last StreamReport (wire_pb2), or None if it never answered."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


# --- what the publish socket carries, as numpy ---------------------------------------------

@dataclasses.dataclass
class RoiSet:
    """A RoiSetInfo: what each column of the trace arrays is."""

    version: int
    names: list
    rois: list          # per ROI: {"id", "name", "region", "neuropil", "baseline"} (protobuf JSON)
    settled_lag: int    # frames; -1 if some ROI settles only at the end of the stream
    ids: list = dataclasses.field(default_factory=list)  # calmond's stable ROI ids, column order
    plane: int = 0      # the publishing calmond's --plane (several calmond behind calmon-proxy)

    @classmethod
    def from_message(cls, info: wire_pb2.RoiSetInfo) -> "RoiSet":
        rois = [json_format.MessageToDict(roi, preserving_proto_field_name=True) for roi in info.rois]
        return cls(info.version, [roi.name for roi in info.rois], rois, info.settled_lag,
                   [roi.id for roi in info.rois], info.plane)

    @property
    def qualified_names(self) -> list:
        """The names as "p<plane>/<name>" ("p2/cell7"): unique among several planes' ROIs."""
        return [plane_qualified_name(self.plane, name) for name in self.names]

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"no ROI named {name!r}; the ROI set has: {', '.join(self.names)}") from None


@dataclasses.dataclass
class Settled:
    """Settled rows: row k is frame frame_index[k], columns are ROIs."""

    frame_index: np.ndarray      # (rows,) int64
    sequence: np.ndarray         # (rows,) uint64
    roi_set_version: np.ndarray  # (rows,) uint32
    f0: np.ndarray               # (rows, ROIs) float64
    dff: np.ndarray              # (rows, ROIs) float64
    flags: np.ndarray            # (rows, ROIs) uint32

    def __len__(self) -> int:
        return len(self.frame_index)


@dataclasses.dataclass(frozen=True)
class FrameMotion:
    """What motion correction did to a frame (TraceUpdate.motion, docs/motion.md)."""

    dy: float      # px, the shift applied: out(y, x) = frame(y - dy, x - dx); 0 when failed
    dx: float
    peak: float    # the registration's normalized peak correlation
    failed: int    # 0 registered; else a key of MOTION_FAILURES

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def failure(self) -> Optional[str]:
        """None when registered, else why not: "low peak", ..."""
        if self.failed == 0:
            return None
        return MOTION_FAILURES.get(self.failed, f"failure {self.failed}")

    @property
    def shift(self) -> np.ndarray:
        """(dy, dx) as a float64 array: a row of calmon-analyze's motion.npy."""
        return np.array([self.dy, self.dx], dtype=np.float64)


@dataclasses.dataclass
class TraceUpdate:
    """One "traces" message. Per-ROI arrays are empty in a settled-only update."""

    sequence: int
    frame_index: int
    acquisition_time_ns: int
    receive_time_ns: int
    publish_time_ns: int
    roi_set_version: int
    names: Optional[list]        # from the RoiSetInfo of roi_set_version, None until it arrived
    f: np.ndarray                # (ROIs,) float64
    fneu: np.ndarray
    fcorr: np.ndarray
    f0: np.ndarray               # live baseline
    dff: np.ndarray              # live ΔF/F₀
    flags: np.ndarray            # (ROIs,) uint32
    missing_before: int
    global_mean: Optional[float]  # whole-frame statistics, None when not computed
    global_median: Optional[float]
    global_min: Optional[float]
    settled: Settled
    end_of_stream: bool
    settled_only: bool
    # With a "motion" section in calmond's config, what was done to this frame; None
    # without motion correction and in updates without live values.
    motion: Optional[FrameMotion] = None
    # Seconds since the session's first frame (from the acquisition's timestamps, else the
    # frame rate); None when calmond knows no time for the frames, and in settled-only updates.
    time_s: Optional[float] = None
    # The publishing calmond's --plane: which plane's ROIs these are, behind calmon-proxy.
    plane: int = 0

    @property
    def has_live(self) -> bool:
        """True for a frame's own update; False for settled-only continuations and the end."""
        return not self.end_of_stream and not self.settled_only

    def index(self, name: str) -> int:
        if self.names is None:
            raise KeyError(f"ROI names of set {self.roi_set_version} are not known yet")
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"no ROI named {name!r}; the ROI set has: {', '.join(self.names)}") from None

    @classmethod
    def from_message(cls, update: wire_pb2.TraceUpdate, names: Optional[list] = None) -> "TraceUpdate":
        rois = len(update.f)
        settled_rois = len(update.settled[0].f0) if update.settled else rois

        def settled_matrix(field, dtype):
            values = [list(getattr(row, field)) for row in update.settled]
            return np.array(values, dtype=dtype).reshape(len(update.settled), settled_rois)

        settled = Settled(
            frame_index=np.array([row.frame_index for row in update.settled], dtype=np.int64),
            sequence=np.array([row.sequence for row in update.settled], dtype=np.uint64),
            roi_set_version=np.array([row.roi_set_version for row in update.settled], dtype=np.uint32),
            f0=settled_matrix("f0", np.float64),
            dff=settled_matrix("dff", np.float64),
            flags=settled_matrix("flags", np.uint32),
        )
        has_global = update.HasField("global")
        m = update.motion
        glob = getattr(update, "global")
        return cls(
            sequence=update.sequence, frame_index=update.frame_index,
            acquisition_time_ns=update.acquisition_time_ns, receive_time_ns=update.receive_time_ns,
            publish_time_ns=update.publish_time_ns, roi_set_version=update.roi_set_version,
            names=names,
            f=np.array(update.f, dtype=np.float64), fneu=np.array(update.fneu, dtype=np.float64),
            fcorr=np.array(update.fcorr, dtype=np.float64), f0=np.array(update.f0, dtype=np.float64),
            dff=np.array(update.dff, dtype=np.float64), flags=np.array(update.flags, dtype=np.uint32),
            missing_before=update.missing_before,
            global_mean=glob.mean if has_global else None,
            global_median=glob.median if has_global else None,
            global_min=glob.min if has_global else None,
            settled=settled, end_of_stream=update.end_of_stream,
            settled_only=update.settled_only,
            motion=FrameMotion(m.dy, m.dx, m.peak, m.failed) if update.HasField("motion") else None,
            time_s=update.time_s if update.HasField("time_s") else None,
            plane=update.plane)


@dataclasses.dataclass
class Projections:
    """A ProjectionSnapshot: images by name ("all_mean", "latest", ...), (height, width) float64."""

    frame_index: int   # frames processed when it was taken
    sequence: int
    time_ns: int
    images: dict
    frames: dict       # frames each image covers

    @classmethod
    def from_message(cls, snapshot: wire_pb2.ProjectionSnapshot) -> "Projections":
        images, frames = {}, {}
        for image in snapshot.images:
            pixels = np.array(image.pixels, dtype=np.float64)
            if pixels.size != image.width * image.height:
                raise CalmonError(f"projection {image.name!r} has {pixels.size} pixels for "
                                  f"{image.width}x{image.height}")
            images[image.name] = pixels.reshape(image.height, image.width)
            frames[image.name] = image.frames
        return cls(snapshot.frame_index, snapshot.sequence, snapshot.time_ns, images, frames)


# --- subscribing ---------------------------------------------------------------------------

class Subscriber:
    """Messages of calmond's publish socket, decoded; iterate over it, or call recv().

    Yields TraceUpdate for "traces", Projections for "projections", RoiSet for "rois" and
    the protobuf wire_pb2.Status for "status" — only for the topics asked for. ROI sets
    and status are always subscribed to, to name trace columns and to know the
    subscription is live (wait_ready). server_key, client_key: CURVE (apply_curve_client).

    A TraceUpdate whose ROI set has not arrived yet (a subscriber that joined mid-stream)
    is held back, with everything after it, until that RoiSetInfo arrives — calmond
    publishes it to every new subscriber at once, and with each Status — or for at most
    `names_wait` seconds, after which it is yielded with names None."""

    def __init__(self, endpoint: str = DEFAULT_PUBLISH, topics: Sequence[str] = ("traces",),
                 receive_hwm: int = 1_000_000, context: Optional[zmq.Context] = None,
                 server_key: Optional[str] = None, client_key: Optional[str] = None,
                 names_wait: float = 2.0):
        if isinstance(topics, str):
            topics = (topics,)
        unknown = [t for t in topics if t not in TOPICS]
        if unknown:
            raise ValueError(f"unknown topic {unknown[0]!r}; topics are {', '.join(TOPICS)}")
        self.endpoint = endpoint
        self.topics = tuple(topics)
        self.names_wait = names_wait
        self._server_key = server_key
        curve = CurveKeys.load(server_key, client_key)
        self._context = context or zmq.Context.instance()
        self._socket = self._context.socket(zmq.SUB)
        self._socket.setsockopt(zmq.RCVHWM, receive_hwm)
        self._socket.setsockopt(zmq.LINGER, 0)
        if curve is not None:
            curve.apply(self._socket)
        for topic in set(self.topics) | {"rois", "status"}:
            self._socket.setsockopt(zmq.SUBSCRIBE, topic.encode())
        self._socket.connect(endpoint)
        self._pending = deque()          # (message, monotonic time it may be yielded unnamed, or None)
        self._roi_sets = {}              # (plane, version) -> RoiSet, the newest received last
        self._ready = False

    def wait_ready(self, timeout: float = 5.0) -> "Subscriber":
        """Waits until a first message arrived (calmond publishes status every second):
        from then on nothing published is missed. TimeoutError if none came."""
        deadline = time.monotonic() + timeout
        while not self._ready:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._receive_one(remaining):
                raise TimeoutError(f"no message from {self.endpoint} within {timeout} s: "
                                   f"{_unanswered_hint(self._server_key)}")
        return self

    def recv(self, timeout: Optional[float] = None):
        """The next message of a subscribed topic; TimeoutError after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._first_pending_due():
            now = time.monotonic()
            remaining = None if deadline is None else deadline - now
            if remaining is not None and remaining <= 0:
                raise TimeoutError(f"nothing from {self.endpoint} within {timeout} s")
            if self._pending:  # held back for its names: wait no longer than its hold
                hold = self._pending[0][1] - now
                remaining = hold if remaining is None else min(remaining, hold)
            self._receive_one(remaining)
        return self._pending.popleft()[0]

    def _first_pending_due(self) -> bool:
        if not self._pending:
            return False
        message, unnamed_after = self._pending[0]
        return unnamed_after is None or message.names is not None or time.monotonic() >= unnamed_after

    def __iter__(self) -> Iterator:
        while True:
            yield self.recv()

    def roi_set(self, version: Optional[int] = None, plane: Optional[int] = None) -> Optional[RoiSet]:
        """The newest ROI set received (of `version` and `plane`, if given: behind
        calmon-proxy each plane's calmond counts its own versions); None if none has arrived."""
        for (set_plane, set_version), roi_set in reversed(list(self._roi_sets.items())):
            if (version is None or set_version == version) and (plane is None or set_plane == plane):
                return roi_set
        return None

    def close(self) -> None:
        self._socket.close(0)

    def __enter__(self) -> "Subscriber":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _receive_one(self, timeout: Optional[float]) -> bool:
        if not self._socket.poll(None if timeout is None else max(0, int(timeout * 1000))):
            return False
        parts = self._socket.recv_multipart()
        self._ready = True
        if len(parts) != 2:
            return True  # not calmond's [topic][payload]
        topic, payload = parts[0].decode(errors="replace"), parts[1]
        decoded = self._decode(topic, payload)
        if isinstance(decoded, RoiSet):
            self._name_held_updates(decoded)
        if decoded is not None and topic in self.topics:
            unnamed = isinstance(decoded, TraceUpdate) and decoded.names is None
            self._pending.append((decoded, time.monotonic() + self.names_wait if unnamed else None))
        return True

    def _name_held_updates(self, roi_set: RoiSet) -> None:
        for message, _ in self._pending:
            if isinstance(message, TraceUpdate) and message.names is None \
                    and message.roi_set_version == roi_set.version and message.plane == roi_set.plane:
                message.names = list(roi_set.names)

    def _decode(self, topic: str, payload: bytes):
        if topic == "traces":
            update = wire_pb2.TraceUpdate.FromString(payload)
            known = self._roi_sets.get((update.plane, update.roi_set_version))
            return TraceUpdate.from_message(update, list(known.names) if known else None)
        if topic == "rois":
            roi_set = RoiSet.from_message(wire_pb2.RoiSetInfo.FromString(payload))
            self._roi_sets.pop((roi_set.plane, roi_set.version), None)  # to the end: the newest
            self._roi_sets[(roi_set.plane, roi_set.version)] = roi_set
            return roi_set
        if topic == "status":
            return wire_pb2.Status.FromString(payload)
        if topic == "projections":
            return Projections.from_message(wire_pb2.ProjectionSnapshot.FromString(payload))
        return None


def traces(endpoint: str = DEFAULT_PUBLISH, timeout: Optional[float] = None,
           until_end_of_stream: bool = True, ready_timeout: float = 5.0,
           server_key: Optional[str] = None, client_key: Optional[str] = None) -> Iterator[TraceUpdate]:
    """Every TraceUpdate from `endpoint` until the end of the stream (the update with
    end_of_stream is yielded too; until_end_of_stream=False goes on across streams).

    Returns once subscribed (TimeoutError if no daemon answered within `ready_timeout`),
    so frames sent after the call are all seen. Iterating raises TimeoutError when
    `timeout` seconds pass without an update (None: wait for ever). server_key,
    client_key: CURVE (apply_curve_client)."""
    subscriber = Subscriber(endpoint, ("traces",), server_key=server_key, client_key=client_key)
    try:
        subscriber.wait_ready(ready_timeout)
    except BaseException:
        subscriber.close()
        raise
    return _updates(subscriber, timeout, until_end_of_stream)


def _updates(subscriber: Subscriber, timeout: Optional[float], until_end_of_stream: bool) -> Iterator[TraceUpdate]:
    with subscriber:
        while True:
            update = subscriber.recv(timeout)
            yield update
            if update.end_of_stream and until_end_of_stream:
                return


# --- control -------------------------------------------------------------------------------

class Control:
    """Requests to calmond's control socket. Every call waits at most `timeout` seconds,
    then raises ControlTimeout (and the next call starts on a fresh socket); a request
    calmond refuses raises ControlError with its one-line reason. server_key, client_key:
    CURVE (apply_curve_client); the files are read at once."""

    def __init__(self, endpoint: str = DEFAULT_CONTROL, timeout: float = 5.0,
                 context: Optional[zmq.Context] = None,
                 server_key: Optional[str] = None, client_key: Optional[str] = None):
        self.endpoint = endpoint
        self.timeout = timeout
        self._server_key = server_key
        self._curve = CurveKeys.load(server_key, client_key)
        self._context = context or zmq.Context.instance()
        self._socket = None

    def status(self) -> wire_pb2.Status:
        return self.request(wire_pb2.ControlRequest(status=wire_pb2.Empty())).status

    def projection_snapshot(self) -> Projections:
        reply = self.request(wire_pb2.ControlRequest(projections=wire_pb2.Empty()))
        return Projections.from_message(reply.projections)

    def projections(self) -> dict:
        """The current projections: name ("all_mean", "latest", ...) -> (height, width) float64."""
        return self.projection_snapshot().images

    def rois(self) -> RoiSet:
        return RoiSet.from_message(self.request(wire_pb2.ControlRequest(rois=wire_pb2.Empty())).rois)

    def set_rois(self, rois) -> RoiSet:
        """Replaces the ROI set live. `rois`: a config_pb2.RoiSet, {"rois": [...]}, or a list
        of ROI dicts in the config's JSON form, e.g.
        [{"name": "cell1", "region": {"rect": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}}}]."""
        request = wire_pb2.ControlRequest()
        request.set_rois.CopyFrom(_roi_set_message(rois))
        return RoiSet.from_message(self.request(request).rois)

    def add_rois(self, rois) -> RoiSet:
        """Adds ROIs live (same forms as set_rois); every other ROI goes on untouched."""
        request = wire_pb2.ControlRequest()
        request.add_rois.CopyFrom(_roi_set_message(rois))
        return RoiSet.from_message(self.request(request).rois)

    def remove_rois(self, ids=(), names=()) -> RoiSet:
        """Removes ROIs live, by id and/or name; each settles at once."""
        request = wire_pb2.ControlRequest()
        request.remove_rois.ids.extend(ids)
        request.remove_rois.names.extend(names)
        return RoiSet.from_message(self.request(request).rois)

    def update_roi(self, id: int = 0, name: str = "", new_name: Optional[str] = None,
                   region: Optional[dict] = None, neuropil: Optional[dict] = None,
                   baseline: Optional[dict] = None) -> RoiSet:
        """Changes one ROI (by id, or by name): a new name only keeps its state; a new
        region, neuropil or baseline (config JSON dicts) restarts it alone."""
        update = {"id": id, "name": name}
        for key, value in (("new_name", new_name), ("region", region), ("neuropil", neuropil),
                           ("baseline", baseline)):
            if value is not None:
                update[key] = value
        request = wire_pb2.ControlRequest()
        try:
            json_format.ParseDict(update, request.update_roi)
        except json_format.ParseError as e:
            raise ValueError(f"not an ROI update: {e}") from None
        return RoiSet.from_message(self.request(request).rois)

    def import_rois(self, *paths: str) -> RoiSet:
        """Makes the ROIs of files the set, as set_rois: calmon JSON, ImageJ .roi or
        RoiSet.zip, Suite2p stat.npy (give iscell.npy and ops.npy too), CaImAn .hdf5 —
        read by calmond, each file's name saying its format. What a file could not carry
        over comes as a Python warning."""
        request = wire_pb2.ControlRequest()
        for path in paths:
            with open(path, "rb") as file:
                request.import_rois.files.add(name=os.path.basename(path), data=file.read())
        reply = self.request(request)
        for line in reply.warnings:
            warnings.warn(line, stacklevel=2)
        return RoiSet.from_message(reply.rois)

    def export_rois(self, format: str = "json") -> bytes:
        """The current ROI set as a file's bytes: "json" (calmon's, every ROI with its id,
        neuropil and baseline) or "zip" (ImageJ's RoiSet.zip)."""
        reply = self.request(wire_pb2.ControlRequest(export_rois=wire_pb2.RoiExport(format=format)))
        for line in reply.warnings:
            warnings.warn(line, stacklevel=2)
        return reply.roi_file.data

    def reset(self) -> wire_pb2.Status:
        return self.request(wire_pb2.ControlRequest(reset=wire_pb2.Empty())).status

    def shutdown(self) -> wire_pb2.Status:
        return self.request(wire_pb2.ControlRequest(shutdown=wire_pb2.Empty())).status

    def stream(self, stream_id: int) -> wire_pb2.StreamReport:
        """What calmond received of the stream `stream_id` (FrameHeader.stream_id)."""
        return self.request(wire_pb2.ControlRequest(stream=wire_pb2.StreamQuery(stream_id=stream_id))).stream

    def request(self, request: wire_pb2.ControlRequest) -> wire_pb2.ControlReply:
        """Sends one request and returns the reply; ControlTimeout, ControlError."""
        command = request.WhichOneof("command") or "empty request"
        if self._socket is None:
            self._socket = self._context.socket(zmq.REQ)
            self._socket.setsockopt(zmq.LINGER, 0)
            if self._curve is not None:
                self._curve.apply(self._socket)
            self._socket.connect(self.endpoint)
        self._socket.send(request.SerializeToString())
        if not self._socket.poll(int(self.timeout * 1000)):
            # A REQ socket waits for its reply forever: start over with a new one.
            self._socket.close(0)
            self._socket = None
            raise ControlTimeout(f"no reply from {self.endpoint} to '{command}' within {self.timeout} s: "
                                 f"{_unanswered_hint(self._server_key)}")
        reply = wire_pb2.ControlReply.FromString(self._socket.recv())
        if not reply.ok:
            raise ControlError(f"calmond refused '{command}': {reply.error}")
        return reply

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close(0)
            self._socket = None

    def __enter__(self) -> "Control":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _roi_set_message(rois) -> config_pb2.RoiSet:
    if isinstance(rois, config_pb2.RoiSet):
        return rois
    if isinstance(rois, dict):
        document = rois
    elif isinstance(rois, (list, tuple)):
        document = {"rois": list(rois)}
    else:
        raise TypeError(f"set_rois expects a RoiSet, a dict or a list of ROI dicts, got {type(rois).__name__}")
    try:
        return json_format.ParseDict(document, config_pb2.RoiSet())
    except json_format.ParseError as e:
        raise ValueError(f"not an ROI set: {e}") from None


# --- sending frames ------------------------------------------------------------------------

class FrameSender:
    """Sends 2-D numpy frames to calmond's ingest socket, as calmon-replay does:
    [FrameHeader][raw pixels], row-major little-endian; end_of_stream() ends the stream.

    Supported dtypes: uint8, uint16, int16, uint32, float32, float64. Frames are copied
    into the message (C order, little-endian), so the array may be reused at once.
    Sequence numbers count from `first_sequence`, +1 per frame, unless given; after the
    end of stream they start again from `first_sequence`. Each stream carries a new
    random `stream_id`, so calmond starts a new session for it even if the last one
    never ended. A send that no daemon takes within `timeout` seconds raises
    TimeoutError (the socket queues frames only for a connected daemon — with CURVE, one
    that accepted this client's key). server_key, client_key: CURVE (apply_curve_client),
    for the frames and the acknowledgement.

    end_of_stream() waits until calmond acknowledges it on its `control` socket and
    returns calmond's StreamReport; DeliveryError if no acknowledgement comes (calmond
    made no progress for `timeout` seconds: it stopped or died) or if calmond did not
    process every frame sent. close() — and leaving a `with` block — ends a stream left
    open the same way, then closes the socket, giving ZeroMQ up to `linger` seconds to
    deliver. With control=None nothing is asked (a receiver that is not calmond): close()
    then only waits for ZeroMQ to deliver."""

    def __init__(self, endpoint: str = DEFAULT_INGEST, channel: int = 0, plane: int = 0,
                 first_sequence: int = 0, timeout: float = 5.0, queue_frames: int = 1000,
                 context: Optional[zmq.Context] = None, control: Optional[str] = DEFAULT_CONTROL,
                 server_key: Optional[str] = None, client_key: Optional[str] = None):
        self.endpoint = endpoint
        self.control = control
        self.channel = channel
        self.plane = plane
        self.first_sequence = first_sequence
        self.timeout = timeout
        self.stream_id = _new_stream_id()
        self.frames_sent = 0  # in the current stream
        self._next_sequence = first_sequence
        self._server_key, self._client_key = server_key, client_key
        self._curve = CurveKeys.load(server_key, client_key)  # for every socket to calmond
        # A context of its own, terminated at close(): only that waits for ZeroMQ to
        # deliver what is queued (a process that exits first loses it).
        self._own_context = context is None
        self._context = zmq.Context() if context is None else context
        self._socket = self._context.socket(zmq.PUSH)
        if self._curve is not None:
            self._curve.apply(self._socket)
        self._socket.setsockopt(zmq.IMMEDIATE, 1)
        self._socket.setsockopt(zmq.SNDHWM, queue_frames)
        self._socket.setsockopt(zmq.SNDTIMEO, int(timeout * 1000))
        self._socket.connect(endpoint)

    def send(self, frame: np.ndarray, sequence: Optional[int] = None,
             acquisition_time_ns: Optional[int] = None) -> int:
        """Sends one frame; returns its sequence number."""
        pixels, pixel_type = _wire_pixels(frame)
        if sequence is None:
            sequence = self._next_sequence
        header = wire_pb2.FrameHeader(
            sequence=sequence,
            acquisition_time_ns=time.time_ns() if acquisition_time_ns is None else acquisition_time_ns,
            width=pixels.shape[1], height=pixels.shape[0], pixel_type=pixel_type,
            channel=self.channel, plane=self.plane, stream_id=self.stream_id)
        self._send([header.SerializeToString(), pixels.tobytes()])
        self._next_sequence = sequence + 1
        self.frames_sent += 1
        return sequence

    def end_of_stream(self, acquisition_time_ns: int = 0) -> Optional[wire_pb2.StreamReport]:
        """Ends the stream: calmond settles the remaining frames and publishes the end.
        Waits for calmond's acknowledgement and returns its StreamReport (None with
        control=None); DeliveryError if it does not come, or frames were lost or rejected."""
        header = wire_pb2.FrameHeader(sequence=self._next_sequence, end_of_stream=True,
                                      acquisition_time_ns=acquisition_time_ns,
                                      channel=self.channel, plane=self.plane, stream_id=self.stream_id)
        self._send([header.SerializeToString()])
        stream_id, frames_sent = self.stream_id, self.frames_sent
        self.stream_id = _new_stream_id()
        self.frames_sent = 0
        self._next_sequence = self.first_sequence
        if self.control is None:
            return None
        return self._await_acknowledgement(stream_id, frames_sent)

    def close(self, linger: Optional[float] = None) -> None:
        """Ends a stream left open (end_of_stream(), with its acknowledgement), then closes
        the socket, giving queued messages up to `linger` seconds (default: `timeout`) to
        be delivered."""
        if self._socket is None:
            return
        try:
            if self.frames_sent > 0:
                self.end_of_stream()
        finally:
            self._close(self.timeout if linger is None else linger)

    def __enter__(self) -> "FrameSender":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:  # the block failed: deliver what was sent, but neither end nor wait for the stream
            self._close(self.timeout)

    def _close(self, linger: float) -> None:
        if self._socket is None:
            return
        self._socket.close(int(linger * 1000))
        self._socket = None
        if self._own_context:
            self._context.term()  # returns once everything queued is delivered, or the linger is over

    def _send(self, parts) -> None:
        try:
            self._socket.send_multipart(parts)
        except zmq.Again:
            raise TimeoutError(f"no calmond at {self.endpoint} took the frame within {self.timeout} s: "
                               f"{_unanswered_hint(self._server_key)}") from None

    def _await_acknowledgement(self, stream_id: int, frames_sent: int) -> wire_pb2.StreamReport:
        """Asks the control socket about the stream until its end of stream arrived. As
        long as the report changes calmond is still working through the frames queued
        for it; `timeout` seconds without a change (or without a reply) is a DeliveryError."""
        control = Control(self.control, timeout=min(1.0, self.timeout), context=self._context,
                          server_key=self._server_key, client_key=self._client_key)
        report, progress = None, None
        deadline = time.monotonic() + self.timeout
        try:
            while True:
                try:
                    report = control.stream(stream_id)
                except ControlTimeout:
                    pass  # a fresh socket next time: calmond may be busy, or restarting
                except ControlError as e:
                    raise DeliveryError(f"calmond at {self.control} did not acknowledge the end of stream: {e}") from None
                if report is not None:
                    if report.end_of_stream_received:
                        break
                    now = (report.known, report.frames_received, report.frames_processed, report.frames_rejected)
                    if now != progress:
                        progress, deadline = now, time.monotonic() + self.timeout
                if time.monotonic() >= deadline:
                    if report is None:
                        raise DeliveryError(
                            f"calmond never acknowledged the end of stream: no reply from its control socket "
                            f"{self.control} within {self.timeout} s (it stopped or died mid-stream, or listens "
                            f"elsewhere: FrameSender(control=...) names it, control=None skips the check)")
                    raise DeliveryError(
                        f"calmond never acknowledged the end of stream: it received {report.frames_received} of "
                        f"the {frames_sent} frames sent, and no end of stream", report)
                time.sleep(0.02)
        finally:
            control.close()
        if report.frames_processed != frames_sent or report.frames_received != frames_sent:
            lost = max(0, frames_sent - report.frames_received)
            raise DeliveryError(f"calmond processed {report.frames_processed} of the {frames_sent} frames sent: "
                                f"{report.frames_rejected} rejected, {lost} never reached it", report)
        return report


class VolumeSender:
    """Sends volumes — (planes, height, width) arrays — plane by plane, each plane to the
    calmond that analyses it, as calmon-replay --route does: one FrameSender per plane,
    routes = {plane: ingest endpoint} or {plane: (ingest, control)} (control by default
    port 5572 on the ingest's host). Volume[i] is plane `planes[i]`, the routes' planes
    in ascending order. end_of_stream() and close() end every plane's stream and return
    their StreamReports by plane. Other keyword arguments go to each FrameSender."""

    def __init__(self, routes: dict, **sender_options):
        if not routes:
            raise ValueError("VolumeSender needs at least one route {plane: endpoint}")
        self.planes = sorted(routes)
        self.senders = {}
        try:
            for plane in self.planes:
                route = routes[plane]
                ingest, control = (route, _control_beside(route)) if isinstance(route, str) else route
                self.senders[plane] = FrameSender(ingest, plane=plane, control=control, **sender_options)
        except BaseException:
            self._close_all()
            raise

    def send(self, volume: np.ndarray) -> None:
        volume = np.asarray(volume)
        if volume.ndim != 3 or volume.shape[0] != len(self.planes):
            raise ValueError(f"a volume is ({len(self.planes)} planes, height, width), got shape {volume.shape}")
        for plane, frame in zip(self.planes, volume):
            self.senders[plane].send(frame)

    def end_of_stream(self) -> dict:
        return {plane: sender.end_of_stream() for plane, sender in self.senders.items()}

    def close(self) -> None:
        for sender in self.senders.values():
            sender.close()

    def _close_all(self) -> None:
        for sender in self.senders.values():
            sender._close(0)

    def __enter__(self) -> "VolumeSender":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            for sender in self.senders.values():
                sender.__exit__(exc_type, *exc)


def plane_qualified_name(plane: int, name: str) -> str:
    """An ROI's name among several planes' ROIs: "p2/cell7" (calmon's net/message_plane.h)."""
    return f"p{plane}/{name}"


def _control_beside(ingest: str) -> str:
    """calmond's control socket beside its ingest socket: port 5572 on the same TCP host."""
    if ingest.startswith("tcp://") and ingest.rfind(":") > len("tcp://"):
        return ingest[:ingest.rfind(":")] + ":5572"
    return DEFAULT_CONTROL


def _new_stream_id() -> int:
    """A random non-zero 64-bit number: this stream's, for calmond's sessions and reports."""
    return secrets.randbits(64) or 1


def _wire_pixels(frame) -> tuple:
    """The frame as a C-contiguous little-endian array, and its wire pixel type."""
    array = np.asarray(frame)
    if array.ndim != 2:
        raise ValueError(f"a frame is a 2-D array (height, width), got shape {array.shape}")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"a frame needs pixels, got shape {array.shape}")
    code = array.dtype.str[1:]
    if code not in _PIXEL_TYPES:
        raise ValueError(f"pixel type {array.dtype} is not supported; use one of "
                         "uint8, uint16, int16, uint32, float32, float64")
    little = array.dtype.newbyteorder("<")
    return np.ascontiguousarray(array, dtype=little), _PIXEL_TYPES[code]
