#!/usr/bin/env python3
"""Suite2p and CaImAn ROIs in, a recording out in Suite2p's layout (docs/rois.md), checked
with numpy, h5py and pickle on files made here in each tool's own layout.

    test_suite2p_caiman.py BIN_DIR WORK_DIR [unittest arguments, e.g. Suite2pImport]

The fixtures come from calmon-synth's ground truth: each true cell's soft footprint
(truth/weights.npy) becomes a Suite2p ROI (ypix, xpix, lam as float32, as Suite2p keeps
them) and a column of CaImAn's sparse footprint matrix A (pixels in Fortran order of
dims). The neighbouring footprints' faint tails overlap, so Suite2p's overlap rule has
pixels to leave out. Every F is compared with numpy's weighted mean over the same pixels
(relative 1e-12); the export is read back with np.load(allow_pickle=True).
"""
import datetime
import fractions
import json
import os
import shutil
import subprocess
import sys
import unittest

import h5py
import numpy as np
import scipy.sparse
import tifffile

BIN = None
WORK = None
FRAMES = 120


def run(*args, expect=0):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)
    if result.returncode != expect:
        raise AssertionError(f"{args[0]} exited {result.returncode}, expected {expect}:\n{result.stdout}\n{result.stderr}")
    return result


def load_json(path):
    with open(path) as f:
        return json.load(f)


def save_json(value, path):
    with open(path, "w") as f:
        json.dump(value, f)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def fresh(name):
    folder = os.path.join(WORK, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    return folder


_movie = {}


def synthetic_movie():
    """The synthetic movie and its truth, made once for all tests."""
    if not _movie:
        folder = fresh("synth")
        run(f"{BIN}/calmon-synth", folder, "--frames", FRAMES, "--quiet")
        _movie["path"] = os.path.join(folder, "movie.tif")
        _movie["data"] = tifffile.imread(_movie["path"]).astype(np.float64)
        _movie["weights"] = np.load(os.path.join(folder, "truth", "weights.npy"))
    return _movie


def suite2p_stat(weights, with_overlap=True):
    """One ROI per true cell, as Suite2p's stat.npy holds it, and Suite2p's overlap rule."""
    stat = []
    count = np.zeros(weights.shape[1:], int)
    for w in weights:
        ypix, xpix = np.nonzero(w > 0.001)
        count[ypix, xpix] += 1
        stat.append({"ypix": ypix, "xpix": xpix, "lam": w[ypix, xpix].astype(np.float32),
                     "med": [np.int64(np.median(ypix)), np.int64(np.median(xpix))], "npix": ypix.size,
                     "radius": np.float64(4.2), "soma_crop": np.ones(ypix.size, bool), "compact": 1.01})
    for s in stat:
        if with_overlap:
            s["overlap"] = count[s["ypix"], s["xpix"]] > 1
    return np.array(stat, dtype=object)


def write_suite2p_folder(folder, stat, iscell, movie, ops_extra=None):
    plane = os.path.join(folder, "suite2p", "plane0")
    os.makedirs(plane, exist_ok=True)
    np.save(os.path.join(plane, "stat.npy"), stat, allow_pickle=True)
    if iscell is not None:
        np.save(os.path.join(plane, "iscell.npy"), iscell)
    ops = {"Ly": movie.shape[1], "Lx": movie.shape[2], "fs": 30.0, "nframes": movie.shape[0],
           "meanImg": movie.mean(axis=0).astype(np.float32), "refImg": movie[:10].mean(axis=0).astype(np.int16),
           "date_proc": datetime.datetime.now().astimezone(), "filelist": ["movie.tif"], "tau": 1.0,
           "reg": {"nonrigid": True, "block_size": (128, 128)}, "xrange": np.array([0, 80]), "badframes": None}
    ops.update(ops_extra or {})
    np.save(os.path.join(plane, "ops.npy"), ops, allow_pickle=True)
    return os.path.join(plane, "stat.npy")


def weighted_mean(movie, ys, xs, w):
    w = np.asarray(w, np.float64)
    return (movie[:, ys, xs] * w).sum(axis=1) / w.sum()


def analyze(folder, rois_json, extra_config=None):
    """calmon-analyze on the synthetic movie with these ROIs; its F columns by name."""
    config = {"rois": load_json(rois_json)["rois"]}
    config.update(extra_config or {})
    config_path = os.path.join(folder, "config_in.json")
    save_json(config, config_path)
    out = os.path.join(folder, "out")
    run(f"{BIN}/calmon-analyze", synthetic_movie()["path"], "--config", config_path, "--out", out, "--quiet")
    names = [r["name"] for r in load_json(os.path.join(out, "rois.json"))["rois"]]
    return out, names, np.load(os.path.join(out, "F.npy"))


class Suite2pImport(unittest.TestCase):
    def setUp(self):
        m = synthetic_movie()
        self.movie, self.weights = m["data"], m["weights"]
        self.stat = suite2p_stat(self.weights)
        n = len(self.stat)
        rng = np.random.default_rng(5)
        self.probability = rng.uniform(0, 1, n)
        self.iscell = np.stack([(self.probability > 0.5).astype(np.float64), self.probability], axis=1)
        self.iscell[0] = [1.0, 0.9]  # at least one cell and one non-cell
        self.iscell[1] = [0.0, 0.1]
        self.probability = self.iscell[:, 1]

    def test_masks_follow_suite2ps_overlap_rule_and_f_is_numpys(self):
        folder = fresh("s2p_import")
        stat_path = write_suite2p_folder(folder, self.stat, self.iscell, self.movie)
        out_json = os.path.join(folder, "rois.json")
        result = run(f"{BIN}/calmon-rois", "import", stat_path, "-o", out_json, "--movie", synthetic_movie()["path"])
        shared = sum(int(s["overlap"].sum()) for s in self.stat)
        self.assertGreater(shared, 0, "the fixture must have overlapping pixels")
        rois = load_json(out_json)["rois"]
        kept = [i for i in range(len(self.stat)) if self.iscell[i, 0] == 1]
        self.assertEqual([r["name"] for r in rois], [f"s2p_{i}" for i in kept])
        for roi, i in zip(rois, kept):
            s = self.stat[i]
            keep = ~s["overlap"]
            mask = roi["region"]["mask"]
            self.assertEqual(mask["x"], s["xpix"][keep].tolist())
            self.assertEqual(mask["y"], s["ypix"][keep].tolist())
            lam = s["lam"][keep].astype(np.float64)
            np.testing.assert_allclose(mask["weight"], lam / lam.sum(), rtol=1e-15)
        # The mean image is written beside the output, as a reference for motion correction.
        reference = os.path.join(folder, "rois_reference.npy")
        np.testing.assert_array_equal(np.load(reference), self.movie.mean(axis=0).astype(np.float32).astype(np.float64))
        self.assertIn('"motion": {"reference_file": "' + reference + '"}', result.stderr)
        # F from calmon-analyze equals numpy's lam-weighted mean over the kept pixels.
        _, names, f = analyze(folder, out_json)
        for column, i in enumerate(kept):
            s = self.stat[i]
            keep = ~s["overlap"]
            expected = weighted_mean(self.movie, s["ypix"][keep], s["xpix"][keep], s["lam"][keep])
            np.testing.assert_allclose(f[:, column], expected, rtol=1e-12, atol=0, err_msg=names[column])
        # calmon-analyze --rois reads stat.npy itself: the same ROIs, the same F bit for bit.
        direct = os.path.join(folder, "direct")
        run(f"{BIN}/calmon-analyze", synthetic_movie()["path"], "--rois", stat_path, "--out", direct, "--quiet")
        self.assertEqual([r["name"] for r in load_json(os.path.join(direct, "rois.json"))["rois"]], names)
        np.testing.assert_array_equal(np.load(os.path.join(direct, "F.npy")), f)

    def test_suite2p_1_without_ops_npy(self):
        # Suite2p 1.0 without save_ops_orig: Ly, Lx in db.npy, the images in reg_outputs.npy.
        folder = fresh("s2p_db")
        stat_path = write_suite2p_folder(folder, self.stat, self.iscell, self.movie, {"Ly": 50, "Lx": 40})
        plane = os.path.dirname(stat_path)
        os.remove(os.path.join(plane, "ops.npy"))
        np.save(os.path.join(plane, "db.npy"), {"Ly": 60, "Lx": 80, "nframes": FRAMES}, allow_pickle=True)
        reference = self.movie[:10].mean(axis=0).astype(np.float32)
        np.save(os.path.join(plane, "reg_outputs.npy"), {"refImg": reference, "yoff": np.zeros(FRAMES)},
                allow_pickle=True)
        out_json = os.path.join(folder, "rois.json")
        run(f"{BIN}/calmon-rois", "import", stat_path, "--movie", synthetic_movie()["path"], "-o", out_json)
        np.testing.assert_array_equal(np.load(os.path.join(folder, "rois_reference.npy")), reference)
        np.save(os.path.join(plane, "db.npy"), {"Ly": 50, "Lx": 40}, allow_pickle=True)
        result = run(f"{BIN}/calmon-rois", "import", stat_path, "--movie", synthetic_movie()["path"], expect=1)
        self.assertIn("Suite2p's frame is 40x50 (db.npy's Lx, Ly), the movie's 80x60", result.stderr)

    def test_overlap_computed_when_stat_has_none(self):
        folder = fresh("s2p_no_overlap")
        with_flags = write_suite2p_folder(os.path.join(folder, "a"), self.stat, self.iscell, self.movie)
        without = write_suite2p_folder(os.path.join(folder, "b"), suite2p_stat(self.weights, False), self.iscell, self.movie)
        a = run(f"{BIN}/calmon-rois", "import", with_flags).stdout
        b = run(f"{BIN}/calmon-rois", "import", without).stdout
        self.assertEqual(a, b)

    def test_iscell_threshold_all_and_allow_overlap(self):
        folder = fresh("s2p_select")
        stat_path = write_suite2p_folder(folder, self.stat, self.iscell, self.movie)
        names = lambda out: [r["name"] for r in json.loads(out)["rois"]]
        out = run(f"{BIN}/calmon-rois", "import", stat_path, "--iscell-threshold", "0.3").stdout
        self.assertEqual(names(out), [f"s2p_{i}" for i in np.nonzero(self.probability >= 0.3)[0]])
        out = run(f"{BIN}/calmon-rois", "import", stat_path, "--all").stdout
        self.assertEqual(names(out), [f"s2p_{i}" for i in range(len(self.stat))])
        rois = json.loads(run(f"{BIN}/calmon-rois", "import", stat_path, "--all", "--allow-overlap").stdout)["rois"]
        for roi, s in zip(rois, self.stat):
            self.assertEqual(roi["region"]["mask"]["x"], s["xpix"].tolist())
            lam = s["lam"].astype(np.float64)
            np.testing.assert_allclose(roi["region"]["mask"]["weight"], lam / lam.sum(), rtol=1e-15)

    def test_bad_input_is_one_line(self):
        folder = fresh("s2p_errors")

        def error(args, *expected):
            result = run(f"{BIN}/calmon-rois", "import", *args, expect=1)
            lines = result.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            for text in expected:
                self.assertIn(text, lines[0])

        # A stat.npy of another frame size than the movie.
        small = write_suite2p_folder(os.path.join(folder, "small"), self.stat, self.iscell, self.movie,
                                     {"Ly": 50, "Lx": 40})
        error([small, "--movie", synthetic_movie()["path"]], small, "Suite2p's frame is 40x50", "the movie's 80x60")
        error([small], small, "('s2p_", "is outside the 40x50 frame")
        analyzed = run(f"{BIN}/calmon-analyze", synthetic_movie()["path"], "--rois", small,
                       "--out", os.path.join(folder, "out"), expect=1)
        self.assertEqual(analyzed.stderr.strip().splitlines(),
                         [f"calmon-analyze: {small}: Suite2p's frame is 40x50 (ops.npy's Lx, Ly), the movie's 80x60"])
        # A pickle that names anything else than numpy's arrays.
        odd = self.stat.copy()
        odd[0] = dict(odd[0], ratio=fractions.Fraction(1, 3))
        bad = write_suite2p_folder(os.path.join(folder, "global"), odd, self.iscell, self.movie)
        error([bad], bad, "pickle uses fractions.Fraction, which calmon does not read")
        # Truncated files.
        cut = write_suite2p_folder(os.path.join(folder, "cut"), self.stat, self.iscell, self.movie)
        data = read_bytes(cut)
        write_bytes(cut, data[: len(data) // 2])
        error([cut], cut, "truncated")
        ops = os.path.join(os.path.dirname(cut), "ops.npy")
        write_bytes(cut, data)
        ops_data = read_bytes(ops)
        write_bytes(ops, ops_data[:-7])
        error([cut], ops, "truncated")
        # An empty mask, and a mask whose every pixel is shared.
        empty = self.stat.copy()
        empty[0] = dict(empty[0], ypix=np.array([], np.int64), xpix=np.array([], np.int64),
                        lam=np.array([], np.float32), overlap=np.array([], bool))
        path = write_suite2p_folder(os.path.join(folder, "empty"), empty, self.iscell, self.movie)
        error([path], path, "ROI 0 ('s2p_0'): has no pixels")
        shared = self.stat.copy()
        shared[0] = dict(shared[0], overlap=np.ones(shared[0]["ypix"].size, bool))
        path = write_suite2p_folder(os.path.join(folder, "shared"), shared, self.iscell, self.movie)
        error([path], path, "ROI 0 ('s2p_0'): every pixel is shared", "--allow-overlap")
        # Arrays that disagree, weights that cannot be.
        odd = self.stat.copy()
        odd[2] = dict(odd[2], xpix=odd[2]["xpix"][:-1])
        path = write_suite2p_folder(os.path.join(folder, "lengths"), odd, self.iscell, self.movie)
        error([path, "--all"], path, f"ROI 2: ypix has {odd[2]['ypix'].size} pixels, xpix {odd[2]['xpix'].size}")
        odd = self.stat.copy()
        odd[2] = dict(odd[2], lam=-odd[2]["lam"])
        path = write_suite2p_folder(os.path.join(folder, "negative"), odd, self.iscell, self.movie)
        error([path, "--all"], path, "ROI 2: lam holds -", "weights must be finite and not negative")
        odd = self.stat.copy()
        odd[2] = dict(odd[2], lam=np.zeros_like(odd[2]["lam"]))
        path = write_suite2p_folder(os.path.join(folder, "zero"), odd, self.iscell, self.movie)
        error([path, "--all"], path, "ROI 2 ('s2p_2'): its weights (lam) sum to 0")
        # One ROI's dict listed a thousand times (pickle's memo): refused, not copied a thousand times.
        repeated = np.empty(1000, dtype=object)
        repeated[:] = [self.stat[0]] * 1000
        path = write_suite2p_folder(os.path.join(folder, "repeated"), repeated, None, self.movie)
        error([path, "--all"], path, "its ROIs list more pixels than the file holds")
        # iscell.npy of another length.
        path = write_suite2p_folder(os.path.join(folder, "iscell"), self.stat, self.iscell[:-1], self.movie)
        error([path], "iscell.npy", f"has {len(self.stat) - 1} ROIs, stat.npy {len(self.stat)}")


def caiman_file(path, weights, extra=True, with_a=True):
    """CaImAn's cnm.save() layout: estimates/A as scipy's CSC parts, dims at the top and in estimates."""
    n, height, width = weights.shape
    columns = [np.where(w > 0.001, w, 0).flatten(order="F") for w in weights]
    a = scipy.sparse.csc_matrix(np.stack(columns, axis=1))
    with h5py.File(path, "w") as f:
        f["dims"] = np.array([height, width])
        if with_a:
            f["estimates/A/data"] = a.data
            f["estimates/A/indices"] = a.indices
            f["estimates/A/indptr"] = a.indptr
            f["estimates/A/shape"] = a.shape
        f["estimates/dims"] = np.array([height, width])
        if extra:
            f["estimates/C"] = np.zeros((n, 5))
            f["estimates/b"] = np.zeros((height * width, 1))
            f["estimates/idx_components"] = "NoneType"
            f.create_group("params/data").attrs["fr"] = 30.0
    return a


class CaimanImport(unittest.TestCase):
    def test_footprints_are_weighted_masks_and_f_is_numpys(self):
        m = synthetic_movie()
        folder = fresh("caiman_import")
        path = os.path.join(folder, "cnm.hdf5")
        a = caiman_file(path, m["weights"])
        out_json = os.path.join(folder, "rois.json")
        run(f"{BIN}/calmon-rois", "import", path, "-o", out_json, "--movie", m["path"])
        rois = load_json(out_json)["rois"]
        height = m["weights"].shape[1]
        self.assertEqual([r["name"] for r in rois], [f"cm_{j}" for j in range(a.shape[1])])
        for roi, j in zip(rois, range(a.shape[1])):
            column = a[:, j].tocoo()
            ys, xs = column.row % height, column.row // height
            self.assertEqual(roi["region"]["mask"]["x"], xs.tolist())
            self.assertEqual(roi["region"]["mask"]["y"], ys.tolist())
            self.assertEqual(roi["region"]["mask"]["weight"], column.data.tolist())
        _, names, f = analyze(folder, out_json)
        for j in range(a.shape[1]):
            column = a[:, j].tocoo()
            expected = weighted_mean(m["data"], column.row % height, column.row // height, column.data)
            np.testing.assert_allclose(f[:, j], expected, rtol=1e-12, atol=0, err_msg=names[j])
        # --threshold: pixels below T times the footprint's largest value are left out.
        rois = json.loads(run(f"{BIN}/calmon-rois", "import", path, "--threshold", "0.5").stdout)["rois"]
        for roi, j in zip(rois, range(a.shape[1])):
            column = a[:, j].tocoo()
            keep = column.data >= 0.5 * column.data.max()
            self.assertEqual(roi["region"]["mask"]["y"], (column.row[keep] % height).tolist())

    def test_bad_input_is_one_line(self):
        m = synthetic_movie()
        folder = fresh("caiman_errors")
        without = os.path.join(folder, "no_a.hdf5")
        caiman_file(without, m["weights"], with_a=False)
        result = run(f"{BIN}/calmon-rois", "import", without, expect=1)
        self.assertEqual(result.stderr.strip().splitlines(), [f"calmon-rois: {without}: has no estimates/A, CaImAn's "
                                                              "spatial footprints (is it a cnm.save() file?)"])
        other = os.path.join(folder, "other.h5")
        crop = m["weights"][:, :50, :40]
        caiman_file(other, crop[(crop > 0.001).any(axis=(1, 2))])
        result = run(f"{BIN}/calmon-rois", "import", other, "--movie", m["path"], expect=1)
        self.assertIn("CaImAn's field is 40x50 (dims), the movie's 80x60", result.stderr)
        empty = os.path.join(folder, "empty.h5")
        caiman_file(empty, crop)
        result = run(f"{BIN}/calmon-rois", "import", empty, expect=1)
        self.assertIn(f"{empty}: component ", result.stderr)
        self.assertIn(": the footprint has no pixels", result.stderr)
        truncated = os.path.join(folder, "cut.hdf5")
        data = read_bytes(other)
        write_bytes(truncated, data[: len(data) // 2])
        result = run(f"{BIN}/calmon-rois", "import", truncated, expect=1)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertIn(truncated, result.stderr)


class Suite2pExport(unittest.TestCase):
    def check_export(self, folder, out, names, regions, width, height, rate, mean_image):
        s2p = os.path.join(folder, "s2p")
        run(f"{BIN}/calmon-rois", "suite2p-export", out, s2p)
        f = np.load(os.path.join(out, "F.npy"))
        fneu = np.load(os.path.join(out, "Fneu.npy"))
        F = np.load(os.path.join(s2p, "F.npy"))
        Fneu = np.load(os.path.join(s2p, "Fneu.npy"))
        self.assertEqual(F.dtype, np.float32)
        np.testing.assert_array_equal(F, f.T.astype(np.float32))
        np.testing.assert_array_equal(Fneu, fneu.T.astype(np.float32))
        corrected = F - 0.7 * Fneu  # a Suite2p script, unchanged
        self.assertEqual(corrected.shape, (len(names), f.shape[0]))
        stat = np.load(os.path.join(s2p, "stat.npy"), allow_pickle=True)
        self.assertEqual(len(stat), len(names))
        count = {}
        for xs, ys, _ in regions:
            for p in zip(ys, xs):
                count[p] = count.get(p, 0) + 1
        for s, (xs, ys, ws) in zip(stat, regions):
            self.assertEqual(s["xpix"].tolist(), list(xs))
            self.assertEqual(s["ypix"].tolist(), list(ys))
            self.assertEqual(s["lam"].tolist(), list(ws))
            self.assertEqual(s["npix"], len(xs))
            self.assertEqual(s["overlap"].tolist(), [count[p] > 1 for p in zip(ys, xs)])
            ymed, xmed = np.median(s["ypix"]), np.median(s["xpix"])
            nearest = ((s["xpix"] - xmed) ** 2 + (s["ypix"] - ymed) ** 2).argmin()
            self.assertEqual(list(s["med"]), [s["ypix"][nearest], s["xpix"][nearest]])
        iscell = np.load(os.path.join(s2p, "iscell.npy"))
        np.testing.assert_array_equal(iscell, np.ones((len(names), 2)))
        ops = np.load(os.path.join(s2p, "ops.npy"), allow_pickle=True).item()
        self.assertEqual((ops["Ly"], ops["Lx"], ops["nframes"]), (height, width, f.shape[0]))
        if rate:
            self.assertEqual(ops["fs"], rate)
        else:
            self.assertNotIn("fs", ops)
        if mean_image is None:
            self.assertNotIn("meanImg", ops)
        else:
            np.testing.assert_array_equal(ops["meanImg"], mean_image.astype(np.float32))
        self.assertFalse(os.path.exists(os.path.join(s2p, "spks.npy")))
        return s2p

    def test_analysis_folder(self):
        m = synthetic_movie()
        folder = fresh("s2p_export")
        stat_path = write_suite2p_folder(folder, suite2p_stat(m["weights"]), None, m["data"])
        rois_json = os.path.join(folder, "rois.json")
        run(f"{BIN}/calmon-rois", "import", stat_path, "-o", rois_json)
        rois = load_json(rois_json)["rois"][:4]
        rois.append({"name": "box", "region": {"rect": {"xmin": 15, "xmax": 35, "ymin": 20, "ymax": 35}}})
        rois.append({"name": "px", "region": {"pixel": {"x": 21, "y": 25}}})
        save_json({"rois": rois}, rois_json)
        out, names, _ = analyze(folder, rois_json, {"neuropil": {"ring": {"inner_gap": 2, "min_pixels": 50}}})
        regions = []
        for roi in rois:
            region = roi["region"]
            if "mask" in region:
                regions.append((region["mask"]["x"], region["mask"]["y"], region["mask"]["weight"]))
            elif "rect" in region:
                r = region["rect"]
                ys, xs = np.mgrid[r["ymin"]:r["ymax"], r["xmin"]:r["xmax"]]
                regions.append((xs.ravel().tolist(), ys.ravel().tolist(), [1.0] * xs.size))
            else:
                regions.append(([region["pixel"]["x"]], [region["pixel"]["y"]], [1.0]))
        s2p = self.check_export(folder, out, names, regions, 80, 60, 30.0, np.load(os.path.join(out, "all_mean.npy")))
        # Read back by calmon-rois: the same masks (every ROI, every pixel).
        back = json.loads(run(f"{BIN}/calmon-rois", "import", os.path.join(s2p, "stat.npy"), "--all",
                              "--allow-overlap").stdout)["rois"]
        for roi, (xs, ys, ws) in zip(back, regions):
            self.assertEqual(roi["region"]["mask"]["x"], list(xs))
            np.testing.assert_allclose(roi["region"]["mask"]["weight"], np.array(ws) / np.sum(ws), rtol=1e-15)

    def test_recording_folder(self):
        # A recording's rois.json carries each region as region_spec, and no config.json.
        folder = fresh("s2p_export_recording")
        out = os.path.join(folder, "rec")
        os.makedirs(out)
        regions = [([1, 2, 3], [4, 4, 5], [0.5, 1.0, 0.25]), ([3, 9], [5, 9], [1.0, 1.0])]
        columns = [{"index": i, "name": f"r{i}", "region_spec": {"mask": {"x": xs, "y": ys, "weight": ws}}}
                   for i, (xs, ys, ws) in enumerate(regions)]
        save_json({"rois": columns, "frames": 7, "width": 12, "height": 10}, os.path.join(out, "rois.json"))
        rng = np.random.default_rng(1)
        np.save(os.path.join(out, "F.npy"), rng.normal(500, 50, (7, 2)))
        np.save(os.path.join(out, "Fneu.npy"), rng.normal(300, 20, (7, 2)))
        self.check_export(folder, out, ["r0", "r1"], regions, 12, 10, None, None)


def main():
    global BIN, WORK
    BIN, WORK = sys.argv[1], sys.argv[2]
    os.makedirs(WORK, exist_ok=True)
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)


if __name__ == "__main__":
    main()
