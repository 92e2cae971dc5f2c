# e2e_support.py — what the end-to-end tests share: the programs, started and always
# stopped; a calmond on ephemeral loopback ports; and the comparison of a recording
# with calmon-analyze's folder.
#
# Programs are run through tests/subscribers/support.py's Program (stdout read line by
# line on a thread, so a test waits for a line with a deadline, never sleeps and hopes).
# Every program started here is stopped at the end of the test whatever happens:
# SIGTERM, then SIGKILL if it has not exited by a deadline.
#
# The environment (set by tests/e2e/CMakeLists.txt):
#   CALMOND, CALMON_RECORD, CALMON_REPLAY,
#   CALMON_ANALYZE                          the programs under test
#   CALMON_KEYGEN                           calmon-keygen, for the CURVE keys (make_curve_keys)
#   CALMON_E2E_DIR                          the suite's build folder, filled by the fixtures:
#                                             movie/movie.tif       calmon-synth, 2000 frames
#                                             long_movie/movie.tif  calmon-synth --frames 10000
#                                             analyzed_<movie>_<config>/  calmon-analyze's folders
#                                           and tmp/, where each test makes its own folder
#   CALMON_SOURCE_DIR                       the source tree (for the configs)
#   CALMON_TEST_SLOWDOWN                    how many times slower the programs run than a
#                                           release build (tools/sanitize sets it; default 1):
#                                           every deadline, and calmon-replay's --timeout,
#                                           is that many times longer
#   CALMON_TEST_SANITIZER                   asan or tsan under tools/sanitize (SANITIZER)
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import numpy as np
import tifffile
import zmq

import calmon_client
from calmon import wire_pb2
from support import Program

CALMOND = os.environ.get("CALMOND", "")
RECORD = os.environ.get("CALMON_RECORD", "")
REPLAY = os.environ.get("CALMON_REPLAY", "")
KEYGEN = os.environ.get("CALMON_KEYGEN", "")
ANALYZE = os.environ.get("CALMON_ANALYZE", "")
E2E_DIR = os.environ.get("CALMON_E2E_DIR", "")
SOURCE_DIR = os.environ.get("CALMON_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

HEIGHT, WIDTH = 60, 80
MOVIES = {  # name -> (TIFF, frames); made by the e2e.synth.<name> fixtures
    "movie": (os.path.join(E2E_DIR, "movie", "movie.tif"), 2000),
    "long_movie": (os.path.join(E2E_DIR, "long_movie", "movie.tif"), 10000),
    "moving_movie": (os.path.join(E2E_DIR, "moving_movie", "movie.tif"), 2000),
}
CONFIGS = {  # name -> analysis config
    "notebook": os.path.join(SOURCE_DIR, "docs", "examples", "notebook.json"),
    "filters": os.path.join(SOURCE_DIR, "tests", "golden", "filters.json"),
    "motion": os.path.join(SOURCE_DIR, "docs", "examples", "three-cells-motion.json"),
    "piecewise": os.path.join(SOURCE_DIR, "docs", "examples", "three-cells-piecewise.json"),
}

TRACE_FILES = ["F.npy", "Fneu.npy", "Fcorr.npy", "F0_live.npy", "dff_live.npy", "flags_live.npy",
               "F0_settled.npy", "dff_settled.npy", "flags_settled.npy"]
GLOBAL_FILES = ["global_mean.npy", "global_median.npy", "global_min.npy"]
MOTION_FILES = ["motion.npy", "motion_peak.npy", "motion_failed.npy"]  # with motion correction
BLOCK_FILES = ["motion_blocks.npy"]  # piecewise-rigid
TIME_FILES = ["time.npy"]  # when the frames have a time base (the synthetic movie's finterval)
# calmon-analyze's .npy files that are not projection images.
NOT_IMAGES = set(TRACE_FILES) | set(GLOBAL_FILES) | set(MOTION_FILES) | set(BLOCK_FILES) | set(TIME_FILES)

SLOWDOWN = float(os.environ.get("CALMON_TEST_SLOWDOWN", "1"))
# "asan" or "tsan" under tools/sanitize: then a program's resident memory says more about
# the sanitizer (ASan's quarantine, TSan's shadow) than about the program.
SANITIZER = os.environ.get("CALMON_TEST_SANITIZER", "")
STOP_DEADLINE_S = 5.0 * SLOWDOWN      # SIGTERM → exit, before SIGKILL
START_DEADLINE_S = 10.0 * SLOWDOWN    # a program's first line (ready)
STREAM_DEADLINE_S = 30.0 * SLOWDOWN   # a whole replay (5 s paced), or a recording to its end of stream
REPLAY_TIMEOUT_S = 10.0 * SLOWDOWN    # calmon-replay's --timeout: how long calmond may take no frame


def analyzed(movie, config):
    """calmon-analyze's folder for a movie and config (the e2e.analyze.<movie>.<config> fixture)."""
    return os.path.join(E2E_DIR, f"analyzed_{movie}_{config}")


def missing_programs():
    """The environment variables naming a program that is not there (empty: all are)."""
    named = {"CALMOND": CALMOND, "CALMON_RECORD": RECORD, "CALMON_REPLAY": REPLAY, "CALMON_KEYGEN": KEYGEN,
             "CALMON_E2E_DIR": E2E_DIR}
    return [name for name, path in named.items() if not path or not os.path.exists(path)]


def require_fixture(test_case, movie, config):
    """The movie's TIFF and frame count, and calmon-analyze's folder; fails if a fixture did not run."""
    path, frames = MOVIES[movie]
    folder = analyzed(movie, config)
    for needed in (path, os.path.join(folder, "rois.json")):
        test_case.assertTrue(os.path.exists(needed), f"{needed} is missing: run the e2e fixtures "
                             f"(ctest -L e2e runs them first)")
    return path, frames, folder


def stop(program, deadline=STOP_DEADLINE_S):
    """Stops a Program: SIGTERM, then SIGKILL if it is still running after `deadline` s."""
    process = program.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(deadline)
        except subprocess.TimeoutExpired:
            pass
    program.kill()  # SIGKILL if still running; joins the reader threads, closes the pipes


class WorkDir:
    """A fresh folder under the build tree's tmp/, removed at the end unless the test failed."""

    def __init__(self, test_case, prefix):
        base = os.path.join(E2E_DIR, "tmp")
        os.makedirs(base, exist_ok=True)
        self.path = tempfile.mkdtemp(prefix=prefix + "-", dir=base)
        self._test_case = test_case
        test_case.addCleanup(self._cleanup)

    def _cleanup(self):
        # unittest has already recorded the test's failure or error (cleanups run after it).
        result = getattr(getattr(self._test_case, "_outcome", None), "result", None)
        reported = list(getattr(result, "failures", [])) + list(getattr(result, "errors", []))
        if any(test is self._test_case for test, _ in reported):
            print(f"kept for inspection: {self.path}")
        else:
            shutil.rmtree(self.path, ignore_errors=True)

    def __truediv__(self, name):
        return os.path.join(self.path, name)


class CurveKeys:
    """Key pairs made with calmon-keygen in `folder`, as a user makes them: calmond's, and
    a client's whose public key is in calmond's authorized folder."""

    def __init__(self, test_case, folder):
        for name in ("calmond", "clients/recorder"):
            keygen = Program([KEYGEN, os.path.join(folder, name)])
            test_case.assertEqual(keygen.wait(START_DEADLINE_S), 0, keygen.stderr_lines)
        self.daemon_flags = ("--curve-secret-key", os.path.join(folder, "calmond.key_secret"),
                             "--curve-authorized-keys", os.path.join(folder, "clients"))
        # The client's secret key file lies beside its public key here; calmond reads *.key only.
        self.server_key = os.path.join(folder, "calmond.key")
        self.client_key = os.path.join(folder, "clients", "recorder.key_secret")
        self.client_flags = ("--server-key", self.server_key, "--client-key", self.client_key)


class Daemon:
    """calmond with --analysis CONFIG on tcp://127.0.0.1:* endpoints (or those given, e.g.
    to start it again where it was); its ports from the ready line. With `curve`
    (CurveKeys), CURVE is on and the control client uses the client's keys."""

    def __init__(self, test_case, analysis, *flags, ingest="tcp://127.0.0.1:*", publish="tcp://127.0.0.1:*",
                 control="tcp://127.0.0.1:*", curve=None):
        # Status every 0.1 s: calmon-record is ready as soon as a Status reached it.
        curve_flags = curve.daemon_flags if curve else ()
        http = () if {"--http", "--no-http"} & set(flags) else ("--no-http",)  # no fixed port of its own
        self.program = Program([CALMOND, "--analysis", analysis, "--ingest", ingest, "--publish", publish,
                                "--control", control, "--status-interval", "0.1", *http, *curve_flags, *flags])
        test_case.addCleanup(stop, self.program)
        ready = json.loads(self.program.wait_for_line(lambda line: line.startswith("{"), START_DEADLINE_S))
        assert ready["event"] == "ready", ready
        self.ingest, self.publish, self.control_endpoint = ready["ingest"], ready["publish"], ready["control"]
        keys = {"server_key": curve.server_key, "client_key": curve.client_key} if curve else {}
        self.control = calmon_client.Control(self.control_endpoint, timeout=10 * SLOWDOWN, **keys)
        test_case.addCleanup(self.control.close)

    def status(self):
        return self.control.status()

    def shut_down(self):
        """The shutdown request; calmond must exit 0. Returns its log (stderr lines)."""
        self.control.shutdown()
        code = self.program.wait(STOP_DEADLINE_S * 2)
        assert code == 0, f"calmond exited with {code}: {self.program.stderr_lines[-5:]}"
        return self.program.stderr_lines


def start_recorder(test_case, publish, out, *flags):
    """calmon-record OUT --from PUBLISH FLAGS..., returned once it printed 'calmon-record: ready'."""
    recorder = Program([RECORD, out, "--from", publish, *flags])
    test_case.addCleanup(stop, recorder)
    line = recorder.wait_for_line(lambda line: line.startswith("calmon-record:"), START_DEADLINE_S)
    test_case.assertEqual(line, "calmon-record: ready", recorder.stderr_lines)
    return recorder


def replay(test_case, movie, frames, daemon, *flags):
    """calmon-replay MOVIE to DAEMON's ingest with FLAGS... to its end: calmond must
    acknowledge the end of stream and have processed every frame. Returns the summary line."""
    sender = Program([REPLAY, movie, "--to", daemon.ingest, "--control", daemon.control_endpoint,
                      "--progress", "never", "--timeout", str(REPLAY_TIMEOUT_S), *flags])
    test_case.addCleanup(stop, sender)
    code = sender.wait(STREAM_DEADLINE_S)
    test_case.assertEqual(code, 0, f"calmon-replay exited with {code}: {sender.stderr_lines}")
    summary = [line for line in sender.lines if line.startswith("calmon-replay:")]
    test_case.assertTrue(summary, sender.lines)
    test_case.assertIn(f"{frames} frames + end of stream", summary[-1])
    test_case.assertTrue(summary[-1].endswith(f"; calmond processed all {frames}"), summary[-1])
    return summary[-1]


def wait_for_recording(test_case, recorder):
    """calmon-record must exit 0 at the end of the stream, within the deadline."""
    code = recorder.wait(STREAM_DEADLINE_S)
    test_case.assertEqual(code, 0, f"calmon-record exited with {code}: {recorder.stderr_lines}")
    # Any warning (an update lost, a final snapshot that did not arrive) is a failure here.
    test_case.assertEqual(recorder.stderr_lines, [], "calmon-record warned")
    return recorder.lines


def load_json(folder, name):
    with open(os.path.join(folder, name)) as f:
        return json.load(f)


def first_mismatch(actual, expected, axes):
    """One line locating the first differing element (indexed by `axes`) and both values."""
    if actual.shape != expected.shape:
        return f"shape {actual.shape} != {expected.shape}"
    same = (actual == expected) | (np.isnan(actual) & np.isnan(expected)
                                   if actual.dtype.kind == "f" else np.zeros(actual.shape, bool))
    where = np.argwhere(~same)
    index = tuple(int(i) for i in where[0])
    return (f"{len(where)} elements differ; first at {axes} {index}: "
            f"recorded {actual[index]!r}, calmon-analyze {expected[index]!r}")


def assert_same_array(test_case, actual, expected, what, axes="(y, x)"):
    test_case.assertEqual((actual.dtype, actual.shape), (expected.dtype, expected.shape), what)
    if not np.array_equal(actual, expected, equal_nan=True):
        test_case.fail(f"{what}: {first_mismatch(actual, expected, axes)}")


def image_names(folder):
    """Projection and kept-frame images of a folder: names of its .npy files that are not traces."""
    names = {os.path.basename(path)[:-len(".npy")] for path in glob.glob(os.path.join(folder, "*.npy"))}
    return {name for name in names if name + ".npy" not in NOT_IMAGES}


def kept_frames_dropped_by_the_daemon(config, frames):
    """frame_<t> files calmon-analyze writes only for negative keep_frames (calmond ignores them)."""
    keep = load_json(os.path.dirname(config), os.path.basename(config)).get("keep_frames", [])
    positive = {t for t in keep if t >= 0}
    return {f"frame_{t + frames}" for t in keep if t < 0 and t + frames not in positive}


def compare_with_analyze(test_case, recording, analyzed, config, movie, frames, times=False):
    """Every trace file bit for bit; every image both folders have bit for bit (.npy and
    .tif); the images only one folder has must be exactly the documented ones; with
    `times`, time.npy bit for bit too (a sender that passes the file's time base on).
    Returns the names of the images compared."""
    # ROI columns: same names, same order.
    names = [roi["name"] for roi in load_json(recording, "rois.json")["rois"]]
    test_case.assertEqual(names, [roi["name"] for roi in load_json(analyzed, "rois.json")["rois"]])

    # Traces: every file calmon-analyze wrote, same dtype, same shape (no frame lost), same bits.
    per_frame = TRACE_FILES + GLOBAL_FILES + MOTION_FILES + BLOCK_FILES
    expected_traces = [name for name in per_frame if os.path.exists(os.path.join(analyzed, name))]
    test_case.assertEqual(expected_traces[:len(TRACE_FILES)], TRACE_FILES)
    motion = load_json(os.path.dirname(config), os.path.basename(config)).get("motion")
    test_case.assertEqual(all(name in expected_traces for name in MOTION_FILES), motion is not None, "motion files")
    test_case.assertEqual(BLOCK_FILES[0] in expected_traces, motion is not None and "piecewise" in motion,
                          "motion_blocks.npy")
    for name in per_frame:
        test_case.assertEqual(os.path.exists(os.path.join(recording, name)), name in expected_traces,
                              f"{name}: written by one program only")
    for name in expected_traces:
        actual, expected = np.load(os.path.join(recording, name)), np.load(os.path.join(analyzed, name))
        test_case.assertEqual(len(actual), frames, name)
        assert_same_array(test_case, actual, expected, name, "(frame, ROI)" if actual.ndim == 2 else "(frame,)")
    if times:
        # The synthetic movie declares its frame interval: calmond's seconds (from the
        # frame_rate_hz calmon-replay sends) are calmon-analyze's, bit for bit.
        test_case.assertEqual(load_json(analyzed, "rois.json")["time_source"], "declared frame rate")
        for folder in (analyzed, recording):
            test_case.assertTrue(os.path.exists(os.path.join(folder, "time.npy")), f"{folder}: no time.npy")
        assert_same_array(test_case, np.load(os.path.join(recording, "time.npy")),
                          np.load(os.path.join(analyzed, "time.npy")), "time.npy", "(frame,)")

    # Images. The recording has the final snapshot of the stream (over all frames) plus
    # `latest`; calmon-analyze has no `latest` and also the frames kept for negative
    # keep_frames indices, which calmond ignores (docs/daemon.md).
    recorded, offline = image_names(recording), image_names(analyzed)
    only_offline = kept_frames_dropped_by_the_daemon(config, frames)
    test_case.assertEqual(recorded - offline, {"latest"}, "images only in the recording")
    test_case.assertEqual(offline - recorded, only_offline, "images only in calmon-analyze's folder")
    both = sorted(recorded & offline)
    for name in both:
        for extension, read in ((".npy", np.load), (".tif", tifffile.imread)):
            actual = read(os.path.join(recording, name + extension))
            expected = read(os.path.join(analyzed, name + extension))
            assert_same_array(test_case, actual, expected, name + extension)
    # `latest` is the movie's last frame (registered, with motion correction): calmon-analyze's
    # frame_<frames - 1> when it kept it.
    latest = np.load(os.path.join(recording, "latest.npy"))
    if not motion:
        assert_same_array(test_case, latest, tifffile.imread(movie, key=frames - 1).astype(np.float64),
                          "latest.npy")
    if os.path.exists(os.path.join(analyzed, f"frame_{frames - 1}.npy")):
        assert_same_array(test_case, latest, np.load(os.path.join(analyzed, f"frame_{frames - 1}.npy")),
                          "latest.npy")
    return both


def check_metadata(test_case, recording, frames):
    """metadata.json: one folder, every frame received, nothing lost, the final snapshot."""
    metadata = load_json(recording, "metadata.json")
    test_case.assertEqual((metadata["end_reason"], metadata["frames_recorded"], metadata["dropped_updates"],
                           metadata["end_of_stream_lost"], metadata["malformed_messages"]),
                          ("end_of_stream", frames, 0, 0, 0), metadata)
    test_case.assertEqual(len(metadata["segments"]), 1, metadata["segments"])
    segment = metadata["segments"][0]
    test_case.assertEqual((segment["first_frame_index"], segment["frames"], segment["frames_received"],
                           segment["frames_not_received"], segment["settled_frames"],
                           segment["settled_not_received"], segment["end_of_stream_received"]),
                          (0, frames, frames, 0, frames, 0, True), segment)
    test_case.assertEqual(metadata["projections"][-1]["frame_index"], frames, metadata["projections"])
    return metadata


def bind_ingest(test_case):
    """A PULL socket on an ephemeral loopback port, standing where calmond would, and its
    endpoint; closed when the test ends."""
    context = zmq.Context()
    test_case.addCleanup(context.term)
    ingest = context.socket(zmq.PULL)
    test_case.addCleanup(ingest.close, 0)
    ingest.bind("tcp://127.0.0.1:*")
    return ingest, ingest.getsockopt_string(zmq.LAST_ENDPOINT)


def receive_stream(test_case, ingest):
    """[(FrameHeader, pixels)] a sender pushed to the PULL socket `ingest`, up to its end of stream."""
    frames = []
    deadline = time.monotonic() + STREAM_DEADLINE_S
    while True:
        remaining = deadline - time.monotonic()
        test_case.assertGreater(remaining, 0, f"no end of stream after {len(frames)} frames")
        if not ingest.poll(int(remaining * 1000)):
            continue
        parts = ingest.recv_multipart()
        header = wire_pb2.FrameHeader()
        header.ParseFromString(parts[0])
        if header.end_of_stream:
            return frames
        frames.append((header, parts[1]))
