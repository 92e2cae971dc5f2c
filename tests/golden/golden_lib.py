"""golden_lib.py — what every golden check shares: loading a calmon-analyze run, numpy's
own definitions of everything calmon computes, and comparisons that print their evidence.

The golden tests run numpy/scipy on the movie calmon analyzed and compare, at docs/golden-tests.md's
tolerances, with the files calmon-analyze wrote (docs/output.md). Each comparison prints
one line — name, shape, max |diff|, max relative diff, bit-exact yes/no — so `ctest -V`
shows the evidence; the first failing comparison becomes the one-line reason the script
exits with status 1.

Needs numpy, scipy and tifffile (Debian's /usr/bin/python3 has them).
"""
import json
import os
import sys

import numpy as np

# ---------------------------------------------------------------------------------------
# Comparisons


def _as_float(a):
    return np.asarray(a, dtype=np.float64)


def _bit_exact(got, want):
    """Same shape, same values, NaN where the other is NaN, same sign of zero."""
    if got.shape != want.shape:
        return False
    if got.dtype.kind == "f" or want.dtype.kind == "f":
        g, w = _as_float(got), _as_float(want)
        if not np.array_equal(g, w, equal_nan=True):
            return False
        finite = ~np.isnan(w)
        return bool(np.array_equal(np.signbit(g[finite]), np.signbit(w[finite])))
    return bool(np.array_equal(got, want))


def _first_mismatch(got, want, bad):
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = index[0] if len(index) == 1 else index
    return where, got[index], want[index]


class Checker:
    """Collects comparisons of calmon's numbers (`got`) with numpy's (`want`)."""

    def __init__(self, group):
        self.group = group
        self.count = 0
        self.bit_exact = 0
        self.failures = []

    def _line(self, ok, name, shape, max_abs, max_rel, exact, tolerance, note=""):
        status = "ok  " if ok else "FAIL"
        shape_text = "x".join(str(s) for s in shape) if shape else "scalar"
        print(f"  [{status}] {name:<58} {shape_text:>9}  max|d| {max_abs:<9.3g} max rel {max_rel:<9.3g} "
              f"bit-exact {'yes' if exact else 'no '}  ({tolerance}){note}", flush=True)

    def _record(self, ok, exact, reason):
        self.count += 1
        self.bit_exact += bool(exact)
        if not ok:
            self.failures.append(reason)

    def _diff(self, got, want, scale=None):
        g, w = _as_float(got), _as_float(want)
        nan_g, nan_w = np.isnan(g), np.isnan(w)
        both = ~nan_g & ~nan_w
        d = np.zeros(g.shape)
        d[both] = np.abs(g[both] - w[both])
        d[nan_g != nan_w] = np.inf
        s = np.abs(w) if scale is None else np.broadcast_to(np.abs(_as_float(scale)), g.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(d == 0, 0.0, np.where(s > 0, d / np.where(s > 0, s, 1.0), np.inf))
        return g, w, d, rel

    def exact(self, name, got, want):
        """Bit for bit: np.array_equal (NaN == NaN) and the same sign of zero."""
        got, want = np.asarray(got), np.asarray(want)
        if got.shape != want.shape:
            self._line(False, name, want.shape, np.inf, np.inf, False, "bit-exact",
                       f"  shape {got.shape} != numpy's {want.shape}")
            self._record(False, False, f"{name}: shape {got.shape}, numpy has {want.shape}")
            return False
        exact = _bit_exact(got, want)
        if got.dtype.kind in "fc" or want.dtype.kind in "fc":
            g, w, d, rel = self._diff(got, want)
            max_abs, max_rel = (float(d.max()), float(rel.max())) if d.size else (0.0, 0.0)
        else:
            g, w = got, want
            d = np.abs(got.astype(np.float64) - want.astype(np.float64))
            max_abs, max_rel = (float(d.max()), 0.0) if d.size else (0.0, 0.0)
        note = ""
        reason = ""
        if not exact:
            bad = ~((g == w) | (np.isnan(_as_float(g)) & np.isnan(_as_float(w))))
            if not bad.any():  # only the sign of a zero differs
                bad = np.signbit(_as_float(g)) != np.signbit(_as_float(w))
            where, a, b = _first_mismatch(g, w, bad)
            note = f"  first mismatch at {where}: calmon {a!r}, numpy {b!r}; {int(bad.sum())} differ"
            reason = f"{name} not bit-exact: first mismatch at {where}: calmon {a!r}, numpy {b!r} ({int(bad.sum())} differ)"
        self._line(exact, name, want.shape, max_abs, max_rel, exact, "bit-exact", note)
        self._record(exact, exact, reason)
        return exact

    def close(self, name, got, want, rtol, scale=None):
        """|got - want| <= rtol * |scale| elementwise (scale defaults to |want|), NaN where numpy has NaN."""
        got, want = np.asarray(got), np.asarray(want)
        tolerance = f"rel {rtol:g}" + ("" if scale is None else " of scale")
        if got.shape != want.shape:
            self._line(False, name, want.shape, np.inf, np.inf, False, tolerance,
                       f"  shape {got.shape} != numpy's {want.shape}")
            self._record(False, False, f"{name}: shape {got.shape}, numpy has {want.shape}")
            return False
        exact = _bit_exact(got, want)
        g, w, d, rel = self._diff(got, want, scale)
        ok = bool((rel <= rtol).all())
        max_abs = float(d.max()) if d.size else 0.0
        max_rel = float(rel.max()) if rel.size else 0.0
        note = ""
        reason = ""
        if not ok:
            where, a, b = _first_mismatch(g, w, rel > rtol)
            note = f"  first beyond tolerance at {where}: calmon {a!r}, numpy {b!r}"
            reason = f"{name}: max rel diff {max_rel:.3g} > {rtol:g}; at {where}: calmon {a!r}, numpy {b!r}"
        elif not exact:
            where, a, b = _first_mismatch(g, w, d > 0)
            note = f"  ({int((d > 0).sum())} differ, first at {where})"
        self._line(ok, name, want.shape, max_abs, max_rel, exact, tolerance, note)
        self._record(ok, exact, reason)
        return ok

    def truth(self, name, condition, detail):
        """A property that must hold (no numbers to diff)."""
        ok = bool(condition)
        print(f"  [{'ok  ' if ok else 'FAIL'}] {name:<58} {detail}", flush=True)
        self._record(ok, ok, f"{name}: {detail}")
        return ok

    def info(self, text):
        print(f"         {text}", flush=True)

    def finish(self):
        print(f"{self.group}: {self.count} comparisons, {self.bit_exact} bit-exact, "
              f"{len(self.failures)} failed", flush=True)
        if self.failures:
            more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
            print(f"FAIL {self.group}: {self.failures[0]}{more}", file=sys.stderr, flush=True)
            return 1
        if self.count == 0:
            print(f"FAIL {self.group}: nothing was compared", file=sys.stderr, flush=True)
            return 1
        return 0


def run_main(group, body):
    """Runs body(checker) and exits with its verdict; any error is a one-line failure."""
    checker = Checker(group)
    try:
        body(checker)
    except GoldenError as e:
        print(f"FAIL {group}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    except (OSError, KeyError, ValueError, IndexError) as e:
        print(f"FAIL {group}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    sys.exit(checker.finish())


class GoldenError(Exception):
    pass


# ---------------------------------------------------------------------------------------
# A calmon-analyze run (docs/output.md)


def load_movie(path):
    """The movie exactly as the notebook reads it."""
    from tifffile import imread

    data = imread(path)
    if data.ndim != 3:
        raise GoldenError(f"{path}: expected a (frames, height, width) movie, tifffile gives shape {data.shape}")
    return data


class Run:
    def __init__(self, out_dir):
        self.dir = out_dir
        path = os.path.join(out_dir, "rois.json")
        if not os.path.exists(path):
            raise GoldenError(f"{path} is missing: did calmon-analyze run?")
        with open(path) as f:
            self.rois = json.load(f)
        self.names = [roi["name"] for roi in self.rois["rois"]]
        self._cache = {}

    def path(self, name):
        return os.path.join(self.dir, name)

    def exists(self, name):
        return os.path.exists(self.path(name))

    def npy(self, name):
        if name not in self._cache:
            path = self.path(name + ".npy")
            if not os.path.exists(path):
                raise GoldenError(f"{path} is missing")
            self._cache[name] = np.load(path)
        return self._cache[name]

    def index(self, roi_name):
        if roi_name not in self.names:
            raise GoldenError(f"ROI '{roi_name}' is not in {self.path('rois.json')}")
        return self.names.index(roi_name)

    def column(self, file, roi_name):
        """ROI `roi_name`'s trace from F.npy, F0_settled.npy, ... (frames, ROIs)."""
        table = self.npy(file)
        if table.ndim != 2 or table.shape[1] != len(self.names):
            raise GoldenError(f"{file}.npy has shape {table.shape}, expected (frames, {len(self.names)})")
        return table[:, self.index(roi_name)]


def load_config(path):
    with open(path) as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------
# numpy's definitions of an ROI's numbers, straight from the config (config.proto)

RING_DEFAULTS = {"inner_gap": 2, "min_pixels": 350}
DEFAULT_BASELINE = {"moving": {"window": 501}}
DEFAULT_R = 0.7


def field(message, name, default=None):
    """A protobuf JSON field under its proto name or its lowerCamelCase JSON name."""
    if name in message:
        return message[name]
    parts = name.split("_")
    camel = parts[0] + "".join(p.capitalize() for p in parts[1:])
    return message.get(camel, default)


def effective_neuropil(roi, config):
    if "neuropil" in roi:
        return roi["neuropil"]
    return config.get("neuropil")  # None: no correction


def effective_baseline(roi, config):
    if "baseline" in roi:
        return roi["baseline"]
    return config.get("baseline", DEFAULT_BASELINE)


def region_kind(region):
    (kind,) = [k for k in ("pixel", "rect", "mask") if k in region]
    return kind


def region_is_unit_weight(region):
    kind = region_kind(region)
    if kind != "mask":
        return True
    weights = region["mask"].get("weight", [])
    return len(weights) == 0 or all(w == 1.0 for w in weights)


def region_pixel_set(region):
    """Every (x, y) of a region."""
    kind = region_kind(region)
    if kind == "pixel":
        p = region["pixel"]
        return [(p.get("x", 0), p.get("y", 0))]
    if kind == "rect":
        r = region["rect"]
        return [(x, y) for y in range(r.get("ymin", 0), r.get("ymax", 0))
                for x in range(r.get("xmin", 0), r.get("xmax", 0))]
    m = region["mask"]
    return list(zip(m["x"], m["y"]))


def region_trace(data, region):
    """The notebook's F: data[:, y, x], data[:, y0:y1, x0:x1].mean(axis=(1, 2)), or a mask's
    weighted mean sum(w * p) / sum(w), per frame."""
    kind = region_kind(region)
    if kind == "pixel":
        p = region["pixel"]
        return data[:, p.get("y", 0), p.get("x", 0)].astype(np.float64)
    if kind == "rect":
        r = region["rect"]
        return data[:, r.get("ymin", 0):r.get("ymax", 0), r.get("xmin", 0):r.get("xmax", 0)].mean(axis=(1, 2))
    m = region["mask"]
    xs, ys = np.asarray(m["x"]), np.asarray(m["y"])
    weights = m.get("weight", [])
    if len(weights) == 0:
        return data[:, ys, xs].mean(axis=1)
    w = np.asarray(weights, dtype=np.float64)
    return (data[:, ys, xs] * w).sum(axis=1) / w.sum()


def chebyshev_distance_to(region, height, width):
    """d(x, y) = min over the region's pixels of max(|x - px|, |y - py|), by brute force."""
    yy, xx = np.mgrid[0:height, 0:width]
    d = np.full((height, width), np.iinfo(np.int64).max, dtype=np.int64)
    for (px, py) in region_pixel_set(region):
        d = np.minimum(d, np.maximum(np.abs(xx - px), np.abs(yy - py)))
    return d


def ring_pixels(roi, all_rois, ring, height, width):
    """The neuropil ring of src/core/neuropil_ring.h, computed independently: pixels with
    inner_gap < d <= inner_gap + k, d the Chebyshev distance to the ROI, belonging to no
    ROI, k = 1, 2, ... grown until the ring holds min_pixels (or every free pixel).
    Returns (ys, xs) row-major."""
    gap = field(ring, "inner_gap", RING_DEFAULTS["inner_gap"])
    min_pixels = field(ring, "min_pixels", RING_DEFAULTS["min_pixels"])
    occupied = np.zeros((height, width), dtype=bool)
    for other in all_rois:
        for (x, y) in region_pixel_set(other["region"]):
            occupied[y, x] = True
    d = chebyshev_distance_to(roi["region"], height, width)
    candidates = ~occupied & (d > gap)
    all_free = int(candidates.sum())
    if all_free == 0:
        raise GoldenError(f"ROI '{roi['name']}': no free pixel for its ring")
    k = 1
    while True:
        ring_mask = candidates & (d <= gap + k)
        if ring_mask.sum() >= min_pixels or ring_mask.sum() == all_free:
            break
        k += 1
    ys, xs = np.nonzero(ring_mask)  # row-major
    return ys, xs


def global_traces(data):
    """The notebook's global neuropil traces."""
    return {
        "MEAN": np.mean(data, axis=(1, 2)),
        "MEDIAN": np.median(data, axis=(1, 2)),
        "MIN": np.min(data, axis=(1, 2)).astype(np.float64),
    }


def neuropil_reference(data, roi, config, globals_):
    """(Fneu, r, description, exact) as numpy computes them; Fneu None without a source."""
    neuropil = effective_neuropil(roi, config)
    if neuropil is None:
        return None, 0.0, "none", True
    r = neuropil.get("r", DEFAULT_R)
    if "region" in neuropil:
        region = neuropil["region"]
        return region_trace(data, region), r, f"{region_kind(region)}", region_is_unit_weight(region)
    if "ring" in neuropil:
        _, height, width = data.shape
        ys, xs = ring_pixels(roi, config["rois"], neuropil["ring"], height, width)
        return data[:, ys, xs].mean(axis=1), r, f"ring of {len(xs)} px", True
    if "global" in neuropil:
        return globals_[neuropil["global"]], r, f"global {neuropil['global']}", True
    return None, r, "none", True


# ---------------------------------------------------------------------------------------
# Baselines: scipy's settled F0 and the live F0 of the trailing window


def baseline_kind(baseline):
    (kind,) = [k for k in ("cumulative", "moving", "maximin") if k in baseline]
    return kind


def describe_baseline(baseline):
    kind = baseline_kind(baseline)
    b = baseline[kind]
    if kind == "cumulative":
        if b.get("mean"):
            return "cumulative mean"
        return "cumulative " + (f"p{b['percentile']:g}" if "percentile" in b else "median")
    if kind == "moving":
        q = f"p{b['percentile']:g}" if "percentile" in b else "median"
        return f"moving {q} w={b.get('window', 0)}"
    return f"maximin w={b.get('window', 0)} sigma={b.get('sigma', 0.0):g}"


def scipy_moving(F, window, percentile=None):
    """The settled moving baseline: scipy.ndimage.median_filter / percentile_filter(F, p, size=w),
    mode='reflect'."""
    from scipy.ndimage import median_filter, percentile_filter

    if percentile is None:
        return median_filter(F, window)
    return percentile_filter(F, percentile, size=window)


def trailing_quantile(F, window, percentile=None):
    """The live moving baseline: np.median / np.percentile of F[max(0, t - w + 1):t + 1]."""
    out = np.empty(len(F))
    for t in range(len(F)):
        trail = F[max(0, t - window + 1):t + 1]
        out[t] = np.median(trail) if percentile is None else np.percentile(trail, percentile)
    return out


def cumulative_live(F, spec):
    out = np.empty(len(F))
    for t in range(len(F)):
        out[t] = cumulative_value(F[:t + 1], spec)
    return out


def cumulative_value(F, spec):
    if spec.get("mean"):
        return np.mean(F)
    if "percentile" in spec:
        return np.percentile(F, spec["percentile"])
    return np.median(F)


def libm_exp(a):
    """exp() of the C library, element by element (numpy's own exp is a SIMD routine that
    can differ from it in the last bit)."""
    import math

    return np.array([math.exp(v) for v in np.ravel(a)]).reshape(np.shape(a))


def gaussian_kernel(sigma, exp=np.exp):
    """scipy's gaussian_filter1d kernel for offsets -R..R (scipy 1.10's _gaussian_kernel1d:
    exp(-0.5 / sigma^2 * x^2) / sum, R = int(4 * sigma + 0.5))."""
    radius = int(4.0 * float(sigma) + 0.5)
    x = np.arange(-radius, radius + 1)
    phi = exp(-0.5 / (sigma * sigma) * x ** 2)
    return phi / phi.sum()


def gaussian_kernel_half(sigma, exp=np.exp):
    """The kernel's weights for offsets 0..R."""
    phi = gaussian_kernel(sigma, exp)
    return phi[len(phi) // 2:]


def scipy_maximin(F, window, sigma, exp=None):
    """Suite2p's maximin: gaussian_filter1d(F, sigma), minimum_filter1d(·, w),
    maximum_filter1d(·, w). sigma 0 skips the smoothing (as Suite2p's gaussian_filter does:
    gaussian_filter1d itself divides by sigma^2). With `exp`, the gaussian is scipy's
    correlate1d with a kernel built with that exp (what gaussian_filter1d does with np.exp)."""
    from scipy.ndimage import correlate1d, gaussian_filter1d, maximum_filter1d, minimum_filter1d

    F = np.asarray(F, dtype=np.float64)
    if sigma <= 0:
        smooth = F
    elif exp is None:
        smooth = gaussian_filter1d(F, sigma)
    else:
        smooth = correlate1d(F, gaussian_kernel(sigma, exp)[::-1])
    return maximum_filter1d(minimum_filter1d(smooth, window), window)


def maximin_live(F, window, sigma, exp=np.exp):
    """The live maximin of maximin_baseline.h: each sample smoothed causally with the
    one-sided half of scipy's kernel over the samples so far (weights renormalized), then
    the minimum of the last w smoothed samples, then the maximum of the last w minima."""
    if sigma > 0:
        w = gaussian_kernel_half(sigma, exp)
    else:
        w = np.array([1.0])
    radius = len(w) - 1
    n = len(F)
    smooth = np.empty(n)
    for t in range(n):
        reach = min(t, radius)
        s = 0.0
        total = 0.0
        for k in range(reach + 1):
            s += float(F[t - k]) * float(w[k])
            total += float(w[k])
        smooth[t] = s / total
    low = np.array([smooth[max(0, t - window + 1):t + 1].min() for t in range(n)])
    return np.array([low[max(0, t - window + 1):t + 1].max() for t in range(n)])


def dff_reference(F, F0):
    """(F - F0) / F0, NaN where F0 <= 0 (or NaN), as docs/baselines.md says."""
    F, F0 = _as_float(F), _as_float(F0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dff = (F - F0) / F0
    dff[~(F0 > 0)] = np.nan
    return dff


def common_args(description):
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("group", help="which comparisons to run")
    parser.add_argument("--movie", required=True, help="the movie calmon-analyze read (multi-page TIFF)")
    parser.add_argument("--out", required=True, help="calmon-analyze's output folder")
    parser.add_argument("--config", required=True, help="the config calmon-analyze ran with")
    return parser
