# test_live_daemon.py — the subscribers against the real calmond.
#
# A small synthetic movie (numpy) goes in through calmon_client.FrameSender; the Python
# Subscriber, calmon-record and calmon-sub listen. The Python subscriber must receive
# live ΔF/F₀ for every frame, consistent with the other numbers of each update; the
# recording must equal, file for file and bit for bit, what calmon-analyze writes for
# the same movie saved as a TIFF; calmon-sub must print the recorded numbers. The daemon
# is shut down through Control and must exit 0. A second test changes the ROI set in
# the middle of a stream and checks the recorder's folders. With CURVE on calmond (keys
# made by pyzmq), the client's classes take server_key= and client_key=, and without an
# authorized key they get nothing and say what to check.
import io
import json
import os
import shutil
import tempfile
import time
import unittest
import zipfile

import numpy as np
import tifffile
import zmq.auth

import calmon_client
from support import DAEMON, RECORD, SUB, Program

ANALYZE = os.environ.get("CALMON_ANALYZE", "")
HEIGHT, WIDTH, FRAMES = 30, 40, 60
ANALYSIS = {
    "neuropil": {"ring": {"inner_gap": 1, "min_pixels": 40}, "r": 0.7},
    "baseline": {"moving": {"window": 7}},
    "rois": [
        {"name": "cell1", "region": {"rect": {"xmin": 5, "xmax": 12, "ymin": 4, "ymax": 10}}},
        {"name": "cell2", "region": {"rect": {"xmin": 22, "xmax": 30, "ymin": 15, "ymax": 22}},
         "baseline": {"cumulative": {"percentile": 10}}},
        {"name": "px", "region": {"pixel": {"x": 35, "y": 25}},
         "neuropil": {"region": {"pixel": {"x": 36, "y": 27}}, "r": 0.5},
         "baseline": {"moving": {"window": 4, "percentile": 20}}},
    ],
    "projections": [{"name": "all"},
                    {"name": "cell1_crop", "stats": ["MEAN"], "crop": {"xmin": 5, "xmax": 12, "ymin": 4, "ymax": 10}}],
}
NEUROPIL_R = np.array([0.7, 0.7, 0.5])
TRACE_FILES = ["F.npy", "Fneu.npy", "Fcorr.npy", "F0_live.npy", "dff_live.npy", "flags_live.npy",
               "F0_settled.npy", "dff_settled.npy", "flags_settled.npy",
               "global_mean.npy", "global_median.npy", "global_min.npy"]
IMAGE_FILES = ["all_mean.npy", "all_max.npy", "all_min.npy", "all_std.npy", "cell1_crop_mean.npy"]
MOTION_FILES = ["motion.npy", "motion_peak.npy", "motion_failed.npy", "reference.npy", "reference.tif"]


def synthetic_movie(frames, seed=31):
    """uint16 frames: a noisy background and two cells that flash now and then."""
    rng = np.random.default_rng(seed)
    movie = rng.normal(1000, 20, (frames, HEIGHT, WIDTH))
    for (x0, x1, y0, y1), rate in [((5, 12, 4, 10), 0.1), ((22, 30, 15, 22), 0.15)]:
        activity = np.convolve((rng.random(frames) < rate) * 400.0, np.exp(-np.arange(10) / 3.0))[:frames]
        movie[:, y0:y1, x0:x1] += activity[:, None, None]
    return np.clip(movie, 0, 65535).astype(np.uint16)


def load(folder, name):
    return np.load(os.path.join(folder, name))


def load_json(folder, name):
    with open(os.path.join(folder, name)) as f:
        return json.load(f)


def roi_names(folder):
    return [roi["name"] for roi in load_json(folder, "rois.json")["rois"]]


class DaemonCase(unittest.TestCase):
    """A calmond on ephemeral ports with the analysis config `analysis`; no tests of its own."""

    analysis = ANALYSIS

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="calmon-live-test-")
        self.tmp = self._tmp.name
        self.config = os.path.join(self.tmp, "analysis.json")
        with open(self.config, "w") as f:
            json.dump(self.analysis, f)
        self.daemon = Program([DAEMON, "--analysis", self.config, "--ingest", "tcp://127.0.0.1:*",
                               "--publish", "tcp://127.0.0.1:*", "--control", "tcp://127.0.0.1:*",
                               "--status-interval", "0.2", "--http", "127.0.0.1:0"])
        self.addCleanup(self.daemon.kill)
        ready = json.loads(self.daemon.wait_for_line(lambda line: line.startswith("{")))
        self.assertEqual(ready["event"], "ready")
        self.ingest, self.publish, self.control_endpoint = ready["ingest"], ready["publish"], ready["control"]
        self.control = calmon_client.Control(self.control_endpoint, timeout=10)
        self.addCleanup(self.control.close)

    def tearDown(self):
        self._tmp.cleanup()

    def start_recorder(self, out):
        recorder = Program([RECORD, out, "--from", self.publish, "--quiet"])
        self.addCleanup(recorder.kill)
        self.assertEqual(recorder.wait_for_line(lambda line: line.startswith("calmon-record:")), "calmon-record: ready")
        return recorder

    def shut_down_daemon(self):
        status = self.control.shutdown()
        self.assertFalse(status.streaming)
        self.assertEqual(self.daemon.wait(20), 0, self.daemon.stderr_lines[-5:])


@unittest.skipUnless(DAEMON and os.path.exists(DAEMON), "calmond is not built (CALMON_DAEMON)")
class LiveDaemonTest(DaemonCase):
    def test_the_python_subscriber_receives_live_dff_from_a_running_daemon(self):
        movie = synthetic_movie(FRAMES)
        recording = os.path.join(self.tmp, "recording")
        recorder = self.start_recorder(recording)
        sub = Program([SUB, "--from", self.publish, "--roi", "cell2", "--settled"])
        self.addCleanup(sub.kill)
        sub.wait_for_line(lambda line: line.startswith("# ROI set"))
        subscriber = calmon_client.Subscriber(self.publish, ("traces",)).wait_ready(10)
        self.addCleanup(subscriber.close)

        with calmon_client.FrameSender(self.ingest, timeout=10, control=self.control_endpoint) as sender:
            for frame in movie:
                sender.send(frame)
            report = sender.end_of_stream()
        self.assertEqual((report.frames_received, report.frames_processed, report.session), (FRAMES, FRAMES, 1))
        updates = []
        while not (updates and updates[-1].end_of_stream):
            updates.append(subscriber.recv(timeout=10))

        # Live ΔF/F₀ for every frame, in order, consistent with the update's own numbers.
        live = [u for u in updates if u.has_live]
        self.assertEqual([u.frame_index for u in live], list(range(FRAMES)))
        self.assertEqual([u.sequence for u in live], list(range(FRAMES)))
        for u in live:
            self.assertEqual(u.names, ["cell1", "cell2", "px"])
            usable = u.f0 > 0
            self.assertTrue(usable.all(), f"frame {u.frame_index}: F0 {u.f0}")
            self.assertTrue(np.isfinite(u.dff).all(), f"frame {u.frame_index}: dff {u.dff}")
            self.assertTrue(np.array_equal(u.dff, (u.fcorr - u.f0) / u.f0), f"frame {u.frame_index}")
            self.assertTrue(np.array_equal(u.fcorr, u.f - NEUROPIL_R * u.fneu), f"frame {u.frame_index}")
            self.assertEqual(u.flags.tolist(), [0, 0, 0])
        f = np.array([u.f for u in live])
        np.testing.assert_allclose(f[:, 0], movie[:, 4:10, 5:12].mean(axis=(1, 2)), rtol=1e-12)
        np.testing.assert_array_equal(f[:, 2], movie[:, 25, 35])
        settled_frames = np.concatenate([u.settled.frame_index for u in updates])
        self.assertEqual(settled_frames.tolist(), list(range(FRAMES)))
        self.assertEqual(updates[-1].frame_index, FRAMES)

        status = self.control.status()
        self.assertEqual((status.frames_processed, status.width, status.height), (FRAMES, WIDTH, HEIGHT))
        projections = self.control.projections()
        np.testing.assert_allclose(projections["all_mean"], movie.mean(axis=0), rtol=1e-12)
        np.testing.assert_array_equal(projections["latest"], movie[-1])

        # The recording is calmon-analyze's output for the same movie, bit for bit.
        self.assertEqual(recorder.wait(20), 0, recorder.stderr_lines)
        self.assertEqual(recorder.stderr_lines, [])
        if ANALYZE:
            movie_path = os.path.join(self.tmp, "movie.tif")
            tifffile.imwrite(movie_path, movie)
            analyzed = os.path.join(self.tmp, "analyzed")
            analyze = Program([ANALYZE, movie_path, "--config", self.config, "--out", analyzed, "--quiet"])
            self.assertEqual(analyze.wait(60), 0, analyze.stderr_lines)
            for name in TRACE_FILES + IMAGE_FILES:
                expected, actual = load(analyzed, name), load(recording, name)
                self.assertEqual((actual.dtype, actual.shape), (expected.dtype, expected.shape), name)
                self.assertTrue(np.array_equal(actual, expected, equal_nan=True), name)
            self.assertEqual(roi_names(recording), roi_names(analyzed))
        metadata = load_json(recording, "metadata.json")
        self.assertEqual((metadata["end_reason"], metadata["frames_recorded"], metadata["dropped_updates"]),
                         ("end_of_stream", FRAMES, 0))
        self.assertEqual(metadata["projections"][0]["frame_index"], FRAMES)

        # calmon-sub printed the recorded numbers.
        self.assertEqual(sub.wait(20), 0, sub.stderr_lines)
        dff_live, dff_settled = load(recording, "dff_live.npy"), load(recording, "dff_settled.npy")
        live_lines = [line for line in sub.lines if line.startswith("frame=")]
        settled_lines = [line for line in sub.lines if line.startswith("settled ")]
        self.assertEqual([float(line.split("cell2=")[1]) for line in live_lines], dff_live[:, 1].tolist())
        self.assertEqual([float(line.split("cell2=")[1]) for line in settled_lines], dff_settled[:, 1].tolist())

        self.shut_down_daemon()

    def test_a_live_roi_change_is_recorded_in_a_folder_of_its_own(self):
        movie = synthetic_movie(35, seed=32)
        recording = os.path.join(self.tmp, "recording")
        recorder = self.start_recorder(recording)
        subscriber = calmon_client.Subscriber(self.publish, ("traces",)).wait_ready(10)
        self.addCleanup(subscriber.close)
        new_rois = [{"name": "left", "region": {"rect": {"xmin": 0, "xmax": 20, "ymin": 0, "ymax": 30}}, "neuropil": {}},
                    {"name": "right", "region": {"rect": {"xmin": 20, "xmax": 40, "ymin": 0, "ymax": 30}},
                     "neuropil": {}}]
        with calmon_client.FrameSender(self.ingest, timeout=10, control=self.control_endpoint) as sender:
            for frame in movie[:20]:
                sender.send(frame)
            while subscriber.recv(timeout=10).frame_index < 19:
                pass
            replaced = self.control.set_rois(new_rois)
            self.assertEqual(replaced.names, ["left", "right"])
            for frame in movie[20:]:
                sender.send(frame)
            sender.end_of_stream()
        self.assertEqual(recorder.wait(20), 0, recorder.stderr_lines)

        first, second = recording, os.path.join(recording, f"roi_set_{replaced.version}")
        self.assertEqual(load(first, "F.npy").shape, (20, 3))
        self.assertEqual(load(first, "F0_settled.npy").shape, (20, 3))
        self.assertEqual(load(second, "F.npy").shape, (15, 2))
        self.assertEqual(load(second, "dff_settled.npy").shape, (15, 2))
        for folder in (first, second):
            for name in ("flags_live.npy", "flags_settled.npy"):
                self.assertFalse((load(folder, name) & 8).any(), f"{folder}/{name}: a row not received")
        np.testing.assert_allclose(load(second, "F.npy")[:, 0], movie[20:, :, :20].mean(axis=(1, 2)), rtol=1e-12)
        self.assertEqual(roi_names(second), ["left", "right"])
        metadata = load_json(recording, "metadata.json")
        self.assertEqual([s["folder"] for s in metadata["segments"]], [".", f"roi_set_{replaced.version}"])
        self.assertEqual(metadata["dropped_updates"], 0)
        self.shut_down_daemon()

    def test_suite2p_files_imported_live_are_measured_as_numpy_weighs_them(self):
        """stat.npy, iscell.npy and ops.npy as Suite2p saves them, sent by the Python client:
        the cells become the set (overlapping pixels left out, lam normalised), and calmond's
        F of each is numpy's weighted mean over the same pixels; the set exports as a
        RoiSet.zip, with a warning that its weights stay behind."""
        plane = os.path.join(self.tmp, "suite2p", "plane0")
        os.makedirs(plane)
        rng = np.random.default_rng(5)
        pixels = [(np.array([3, 3, 4, 4, 5]), np.array([6, 7, 6, 7, 6])),   # ys, xs
                  (np.array([10, 10, 11]), np.array([20, 21, 20])),
                  (np.array([5, 6]), np.array([6, 6]))]                     # shares (5, 6) with the first
        lams = [rng.uniform(0.1, 2, ys.size).astype(np.float32) for ys, _ in pixels]
        count = np.zeros((HEIGHT, WIDTH), int)
        for ys, xs in pixels:
            count[ys, xs] += 1
        stat = np.array([{"ypix": ys, "xpix": xs, "lam": lam, "npix": ys.size, "overlap": count[ys, xs] > 1,
                          "med": [np.int64(np.median(ys)), np.int64(np.median(xs))]}
                         for (ys, xs), lam in zip(pixels, lams)], dtype=object)
        np.save(os.path.join(plane, "stat.npy"), stat, allow_pickle=True)
        np.save(os.path.join(plane, "iscell.npy"), np.array([[1, 0.9], [0, 0.3], [1, 0.7]]))
        np.save(os.path.join(plane, "ops.npy"), {"Ly": HEIGHT, "Lx": WIDTH, "fs": 30.0}, allow_pickle=True)
        imported = self.control.import_rois(*(os.path.join(plane, name) for name in ("stat.npy", "iscell.npy", "ops.npy")))
        self.assertEqual(imported.names, ["s2p_0", "s2p_2"])

        movie = synthetic_movie(20, seed=34)
        subscriber = calmon_client.Subscriber(self.publish, ("traces",)).wait_ready(10)
        self.addCleanup(subscriber.close)
        f = []
        with calmon_client.FrameSender(self.ingest, timeout=10, control=self.control_endpoint) as sender:
            for frame in movie:
                sender.send(frame)
            sender.end_of_stream()
            while True:
                update = subscriber.recv(timeout=10)
                if update.has_live:
                    f.append(update.f)
                if update.end_of_stream:
                    break
        for column, roi in enumerate((0, 2)):
            ys, xs = pixels[roi]
            alone = count[ys, xs] == 1  # Suite2p extracts only the pixels no other ROI has
            weights = lams[roi][alone].astype(np.float64)
            expected = (movie[:, ys[alone], xs[alone]] * weights).sum(axis=1) / weights.sum()
            np.testing.assert_allclose(np.array(f)[:, column], expected, rtol=1e-12, atol=0)

        # The session's frame is 40x30: a Suite2p folder of another size is refused, the set kept.
        other = os.path.join(self.tmp, "other", "plane0")
        os.makedirs(other)
        np.save(os.path.join(other, "stat.npy"), stat, allow_pickle=True)
        np.save(os.path.join(other, "ops.npy"), {"Ly": 512, "Lx": 512}, allow_pickle=True)
        with self.assertRaises(calmon_client.ControlError) as refused:
            self.control.import_rois(os.path.join(other, "stat.npy"), os.path.join(other, "ops.npy"))
        self.assertIn("stat.npy: Suite2p's frame is 512x512 (ops.npy's Lx, Ly), the movie's 40x30",
                      str(refused.exception))
        self.assertEqual(self.control.rois().names, ["s2p_0", "s2p_2"])

        with self.assertWarns(UserWarning) as warned:
            zipped = self.control.export_rois("zip")
        self.assertIn("ROI 's2p_0': its mask's weights are not all 1", str(warned.warning))
        with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
            self.assertEqual(sorted(archive.namelist()), ["s2p_0.roi", "s2p_2.roi"])
        self.shut_down_daemon()

def moving_movie(frames, seed=33):
    """uint16 frames of a fixed texture (and noise) moved by known whole-pixel shifts."""
    rng = np.random.default_rng(seed)
    texture = np.kron(rng.normal(0, 150, (HEIGHT // 3, WIDTH // 4)), np.ones((3, 4)))
    moves = rng.integers(-3, 4, (frames, 2))
    moves[:5] = 0  # the reference's seed sits where most frames are
    movie = np.empty((frames, HEIGHT, WIDTH))
    for t, (down, right) in enumerate(moves):
        movie[t] = np.roll(1000 + texture, (down, right), axis=(0, 1)) + rng.normal(0, 10, (HEIGHT, WIDTH))
    return np.clip(movie, 0, 65535).astype(np.uint16), moves


@unittest.skipUnless(DAEMON and os.path.exists(DAEMON), "calmond is not built (CALMON_DAEMON)")
class MotionCorrectedDaemonTest(DaemonCase):
    analysis = {**ANALYSIS, "motion": {"reference_frames": 20, "max_shift": 6}}

    def test_every_subscriber_gets_the_shifts_and_the_recording_is_calmon_analyzes_output(self):
        movie, moves = moving_movie(FRAMES)
        recording = os.path.join(self.tmp, "recording")
        recorder = self.start_recorder(recording)
        sub = Program([SUB, "--from", self.publish, "--roi", "cell1"])
        self.addCleanup(sub.kill)
        sub.wait_for_line(lambda line: line.startswith("# ROI set"))
        subscriber = calmon_client.Subscriber(self.publish, ("traces",)).wait_ready(10)
        self.addCleanup(subscriber.close)
        with calmon_client.FrameSender(self.ingest, timeout=10, control=self.control_endpoint) as sender:
            for frame in movie:
                sender.send(frame)
            sender.end_of_stream()
        updates = []
        while not (updates and updates[-1].end_of_stream):
            updates.append(subscriber.recv(timeout=10))
        self.assertEqual(recorder.wait(20), 0, recorder.stderr_lines)
        self.assertEqual(sub.wait(20), 0, sub.stderr_lines)

        # The shifts found undo the moves: content moved down by k is shifted by dy = -k.
        shift = load(recording, "motion.npy")
        self.assertEqual(shift.shape, (FRAMES, 2))
        self.assertTrue((load(recording, "motion_failed.npy") == 0).all(), load(recording, "motion_failed.npy"))
        np.testing.assert_allclose(shift, -moves, atol=0.2)
        # The Python client's motion is the recorded one, frame by frame.
        live = [u for u in updates if u.has_live]
        self.assertEqual([u.frame_index for u in live], list(range(FRAMES)))
        self.assertTrue(np.array_equal(np.array([u.motion.shift for u in live]), shift))
        self.assertEqual([u.motion.peak for u in live], load(recording, "motion_peak.npy").tolist())
        self.assertTrue(all(u.motion is None for u in updates if not u.has_live))
        # calmon-sub printed the exact shifts.
        live_lines = [line for line in sub.lines if line.startswith("frame=")]
        self.assertEqual([float(line.split(" dy=")[1].split()[0]) for line in live_lines], shift[:, 0].tolist())
        self.assertEqual([float(line.split(" dx=")[1].split()[0]) for line in live_lines], shift[:, 1].tolist())

        if ANALYZE:
            movie_path = os.path.join(self.tmp, "movie.tif")
            tifffile.imwrite(movie_path, movie)
            analyzed = os.path.join(self.tmp, "analyzed")
            analyze = Program([ANALYZE, movie_path, "--config", self.config, "--out", analyzed, "--quiet"])
            self.assertEqual(analyze.wait(60), 0, analyze.stderr_lines)
            for name in TRACE_FILES + IMAGE_FILES + MOTION_FILES:
                with open(os.path.join(analyzed, name), "rb") as f:
                    expected = f.read()
                with open(os.path.join(recording, name), "rb") as f:
                    self.assertEqual(f.read(), expected, f"{name}: the recording differs from calmon-analyze's")
        self.shut_down_daemon()


def make_keys(folder, name):
    """pyzmq's key files folder/name.key and folder/name.key_secret, the secret made private."""
    public_file, secret_file = zmq.auth.create_certificates(folder, name)
    os.chmod(secret_file, 0o600)
    return public_file, secret_file


@unittest.skipUnless(DAEMON and os.path.exists(DAEMON), "calmond is not built (CALMON_DAEMON)")
class LiveDaemonCurveTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="calmon-curve-test-")
        keys = os.path.join(self._tmp.name, "keys")
        os.makedirs(os.path.join(keys, "clients"))
        self.server_key, server_secret = make_keys(keys, "calmond")
        alice_public, self.alice_secret = make_keys(keys, "alice")
        self.mallory_public, self.mallory_secret = make_keys(keys, "mallory")
        shutil.copy(alice_public, os.path.join(keys, "clients"))
        config = os.path.join(self._tmp.name, "analysis.json")
        with open(config, "w") as f:
            json.dump(ANALYSIS, f)
        self.daemon = Program([DAEMON, "--analysis", config, "--ingest", "tcp://127.0.0.1:*",
                               "--publish", "tcp://127.0.0.1:*", "--control", "tcp://127.0.0.1:*", "--no-http",
                               "--curve-secret-key", server_secret,
                               "--curve-authorized-keys", os.path.join(keys, "clients")])
        self.addCleanup(self.daemon.kill)
        ready = json.loads(self.daemon.wait_for_line(lambda line: line.startswith("{")))
        self.ingest, self.publish, self.control_endpoint = ready["ingest"], ready["publish"], ready["control"]
        self.keys = {"server_key": self.server_key, "client_key": self.alice_secret}
        self.control = calmon_client.Control(self.control_endpoint, timeout=10, **self.keys)
        self.addCleanup(self.control.close)

    def tearDown(self):
        self._tmp.cleanup()

    def test_every_class_takes_the_keys(self):
        movie = synthetic_movie(FRAMES)
        updates = calmon_client.traces(self.publish, timeout=10, ready_timeout=10, **self.keys)
        with calmon_client.FrameSender(self.ingest, timeout=10, control=self.control_endpoint, **self.keys) as sender:
            for frame in movie:
                sender.send(frame)
            sender.end_of_stream()
        live = [u for u in updates if u.has_live]
        self.assertEqual([u.frame_index for u in live], list(range(FRAMES)))
        np.testing.assert_array_equal([u.f[2] for u in live], movie[:, 25, 35])
        status = self.control.status()
        self.assertEqual(status.frames_processed, FRAMES)
        self.assertEqual(dict(status.auth_refused), {"ingest": 0, "publish": 0, "control": 0})
        self.control.shutdown()
        self.assertEqual(self.daemon.wait(20), 0, self.daemon.stderr_lines[-5:])

    def test_without_an_authorized_key_the_client_gets_nothing_and_says_what_to_check(self):
        frame = synthetic_movie(1)[0]
        for keys, hint in (({"server_key": self.server_key, "client_key": self.mallory_secret},
                            "is server_key its public key, and does it authorize client_key?"),
                           ({}, "with CURVE? then give server_key= and client_key=")):
            with self.assertRaises(TimeoutError) as caught:
                calmon_client.Subscriber(self.publish, **keys).wait_ready(1)
            self.assertIn(hint, str(caught.exception))
            with calmon_client.Control(self.control_endpoint, timeout=1, **keys) as control:
                with self.assertRaises(calmon_client.ControlTimeout) as caught:
                    control.shutdown()
                self.assertIn(hint, str(caught.exception))
            with calmon_client.FrameSender(self.ingest, timeout=1, **keys) as sender:
                with self.assertRaises(TimeoutError) as caught:
                    sender.send(frame)
                self.assertIn(hint, str(caught.exception))
        # mallory's key was refused once on each socket; the clients without CURVE never reached the check.
        deadline = time.monotonic() + 10
        while True:
            refused = dict(self.control.status().auth_refused)
            if refused == {"ingest": 1, "publish": 1, "control": 1} or time.monotonic() > deadline:
                break
            time.sleep(0.01)  # polling a condition, with a deadline
        self.assertEqual(refused, {"ingest": 1, "publish": 1, "control": 1})
        self.assertEqual(self.control.status().frames_received, 0)

    def test_key_files_are_checked_before_connecting(self):
        with self.assertRaisesRegex(ValueError, "server_key and client_key go together"):
            calmon_client.Control(self.control_endpoint, server_key=self.server_key)
        with self.assertRaisesRegex(ValueError, "holds a secret key"):
            calmon_client.Subscriber(self.publish, server_key=self.alice_secret, client_key=self.alice_secret)
        with self.assertRaisesRegex(ValueError, "no secret key"):
            calmon_client.FrameSender(self.ingest, server_key=self.server_key, client_key=self.mallory_public)
        os.chmod(self.mallory_secret, 0o644)
        with self.assertRaisesRegex(PermissionError, "chmod 600 " + self.mallory_secret):
            calmon_client.traces(self.publish, server_key=self.server_key, client_key=self.mallory_secret)


if __name__ == "__main__":
    unittest.main()
