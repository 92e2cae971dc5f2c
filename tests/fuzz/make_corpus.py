#!/usr/bin/env python3
"""make_corpus.py — writes the fuzz harnesses' seeds (tests/fuzz/corpus/) and dictionaries.

The seeds are small valid (and a few typical invalid) inputs from which libFuzzer starts
mutating; the dictionaries (tests/fuzz/<harness>.dict) are the words it splices in: the
JSON names of the schema for config and control, the tags and values the TIFF reader
looks at for tiff. Both are committed, and this script is how they were made. Run it
after a change of the protocol, the schema or a harness's input format:

    PYTHONPATH=build/python /usr/bin/python3 tests/fuzz/make_corpus.py

(build/python holds the calmon.*_pb2 modules a build generates; tifffile and numpy come
from tools/install-deps --test.) Every folder is emptied first; the output is the same on
every run.
"""
import io
import json
import pathlib
import pickle
import shutil
import struct
import zipfile

import numpy as np
import tifffile

from calmon import config_pb2, daemon_pb2, wire_pb2
from google.protobuf import json_format

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE.parent.parent
CORPUS = HERE / "corpus"


def write(harness, name, data):
    if isinstance(data, str):
        data = data.encode()
    (CORPUS / harness / name).write_bytes(data)


# --- frame: records of frame_fuzzer.cc ----------------------------------------------------
MESSAGE_1, MESSAGE_2, MESSAGE_3 = 0, 4, 8   # op % 4 == 0, (op / 4) % 3 + 1 parts
FITTED = 1                                  # op % 4 == 1
STATUS_TICK, SNAPSHOT_TICK = 6, 2           # op % 4 == 2
RESET, WATCHED, UNWATCHED, SHUTDOWN = 3, 7, 11, 15  # op % 4 == 3


def chunk(data):
    return struct.pack("<H", len(data)) + data


def header(sequence, width=16, height=12, pixel_type=wire_pb2.UINT16, **fields):
    return wire_pb2.FrameHeader(sequence=sequence, width=width, height=height, pixel_type=pixel_type,
                                **fields).SerializeToString()


def end_of_stream(sequence, **fields):
    return bytes([MESSAGE_1]) + chunk(wire_pb2.FrameHeader(sequence=sequence, end_of_stream=True,
                                                           **fields).SerializeToString())


def fitted(sequence, pattern=0, **fields):
    return bytes([FITTED + 4 * pattern]) + chunk(header(sequence, **fields))


def raw(*parts):
    return bytes([4 * (len(parts) - 1)]) + b"".join(chunk(part) for part in parts)


def frame_seeds():
    yield "session", (b"".join(fitted(s, s % 7) for s in range(1, 6)) + bytes([STATUS_TICK, WATCHED, SNAPSHOT_TICK])
                      + end_of_stream(6))
    yield "gap_and_restart", (fitted(1) + fitted(2) + fitted(9) + end_of_stream(10) + fitted(1) + fitted(2)
                              + bytes([RESET]) + fitted(1) + bytes([SHUTDOWN]))
    # Two senders that say who they are: the second one's frame starts a new session, the
    # first one's end of stream is then ignored; a sequence jump past the limit is rejected.
    yield "two_streams", (fitted(1, stream_id=7) + fitted(2, stream_id=7) + fitted(1, stream_id=8)
                          + end_of_stream(3, stream_id=7) + fitted(2, stream_id=8) + fitted(2_000_000, stream_id=8)
                          + fitted(3, stream_id=8) + end_of_stream(4, stream_id=8))
    # Every pixel type as raw two-part messages, pixels included (4x3 pixels).
    types = [(wire_pb2.UINT8, "u1"), (wire_pb2.UINT16, "<u2"), (wire_pb2.INT16, "<i2"),
             (wire_pb2.UINT32, "<u4"), (wire_pb2.FLOAT32, "<f4"), (wire_pb2.FLOAT64, "<f8")]
    for wire_type, dtype in types:
        pixels = (np.arange(12) * 3 + 1).astype(dtype)
        if dtype.startswith("<f"):
            pixels[5] = np.nan
        frames = b"".join(raw(header(s, 4, 3, wire_type), pixels.tobytes()) for s in range(1, 4))
        yield f"raw_{wire_pb2.PixelType.Name(wire_type).lower()}", frames + end_of_stream(4)
    # What calmond rejects, each once.
    pixels = bytes(16 * 12 * 2)
    yield "rejected", b"".join([
        fitted(1),
        raw(b"\xff\xff\xff"),                                      # bad_header
        raw(header(2)),                                            # missing_pixels
        raw(header(2), pixels, b"extra"),                          # extra_parts
        raw(header(2), pixels[:-2]),                               # size_mismatch
        raw(header(2, 0, 12), b""),                                # bad_dimensions
        raw(header(2, 1 << 20, 1 << 20), b""),                     # too_large
        raw(header(2, pixel_type=99), pixels),                     # unsupported_pixel_type
        fitted(2, width=8, height=8),                              # geometry_changed
        fitted(1),                                                 # sequence_backwards
        fitted(3, channel=1),                                      # other_channel
        raw(wire_pb2.FrameHeader(end_of_stream=True).SerializeToString(), b"x"),  # end of stream, extra part
        bytes([UNWATCHED, SNAPSHOT_TICK, STATUS_TICK]),
        end_of_stream(4),
    ])


# --- control: one request each, binary or JSON -----------------------------------------
ROIS = {"rois": [
    {"name": "a", "region": {"pixel": {"x": 3, "y": 4}}},
    {"name": "b", "region": {"rect": {"xmin": 1, "xmax": 7, "ymin": 2, "ymax": 9}},
     "neuropil": {"ring": {"inner_gap": 1, "min_pixels": 8}}, "baseline": {"moving": {"window": 2, "percentile": 50}}},
    {"name": "c", "region": {"mask": {"x": [10, 11, 12], "y": [3, 3, 4], "weight": [1, 2, 3]}},
     "neuropil": {"global": "MIN", "r": 1.0}, "baseline": {"maximin": {"window": 4, "sigma": 2}}},
    {"name": "d", "region": {"rect": {"xmin": 12, "xmax": 16, "ymin": 8, "ymax": 12}},
     "neuropil": {"region": {"pixel": {"x": 0, "y": 0}}}, "baseline": {"cumulative": {"mean": True}}},
]}


def control_seeds():
    for command in ["status", "projections", "rois", "reset", "shutdown"]:
        yield f"{command}.json", json.dumps({command: {}})
        request = wire_pb2.ControlRequest()
        getattr(request, command).SetInParent()
        yield f"{command}.bin", request.SerializeToString()
    yield "set_rois.json", json.dumps({"set_rois": ROIS})
    request = wire_pb2.ControlRequest()
    json_format.ParseDict({"set_rois": ROIS}, request)
    yield "set_rois.bin", request.SerializeToString()
    yield "stream.json", '{"stream": {"stream_id": "7"}}'
    yield "stream.bin", wire_pb2.ControlRequest(stream=wire_pb2.StreamQuery(stream_id=7)).SerializeToString()
    yield "set_rois_empty.json", '{"set_rois": {}}'
    yield "set_rois_outside.json", json.dumps({"set_rois": {"rois": [{"region": {"rect": {"xmin": 0, "xmax": 99, "ymin": 0, "ymax": 2}}}]}})
    yield "set_rois_twice.json", json.dumps({"set_rois": {"rois": [ROIS["rois"][0], ROIS["rois"][0]]}})
    # The live edits: by id and by name, each part of an update, and refusals.
    yield "add_rois.json", json.dumps({"add_rois": {"rois": ROIS["rois"][1:3]}})
    request = wire_pb2.ControlRequest()
    json_format.ParseDict({"add_rois": {"rois": [dict(ROIS["rois"][3], name="e", id=40)]}}, request)
    yield "add_rois.bin", request.SerializeToString()
    yield "remove_rois.json", json.dumps({"remove_rois": {"ids": [1], "names": ["b"]}})
    yield "remove_rois.bin", wire_pb2.ControlRequest(
        remove_rois=wire_pb2.RoiSelection(ids=[2])).SerializeToString()
    yield "update_roi_name.json", json.dumps({"update_roi": {"id": 1, "new_name": "renamed"}})
    yield "update_roi_region.json", json.dumps({"update_roi": {"name": "a", "region": ROIS["rois"][1]["region"],
                                                               "baseline": {"maximin": {"window": 4, "sigma": 2}}}})
    request = wire_pb2.ControlRequest()
    json_format.ParseDict({"update_roi": {"id": 2, "neuropil": {"ring": {"inner_gap": 1, "min_pixels": 8}}}}, request)
    yield "update_roi_neuropil.bin", request.SerializeToString()
    yield "remove_rois_unknown.json", json.dumps({"remove_rois": {"ids": [999], "names": ["nobody"]}})
    yield "add_rois_twice.json", json.dumps({"add_rois": {"rois": [ROIS["rois"][0], ROIS["rois"][0]]}})
    yield "no_command.json", "{}"
    yield "unknown_field.json", '{"statu": {}}'
    yield "truncated.json", '{"set_rois": {"rois": [{"name": "a", "region": {"pix'


# --- config: JSON files -----------------------------------------------------------------
def config_seeds():
    for path in sorted((SOURCE / "docs" / "examples").glob("*.json")):
        yield path.name, path.read_text()
    yield "filters_short.json", (SOURCE / "tests" / "golden" / "filters_short.json").read_text()
    yield "roi_set.json", json.dumps(ROIS)
    yield "projections.json", json.dumps({"projections": [
        {"stats": ["MEAN", "STD"]}, {"last": 3}, {"range": {"begin": 2}, "name": "from2"},
        {"range": {"begin": 1, "end": 4}, "crop": {"xmin": 10, "xmax": 20, "ymin": 5, "ymax": 15}}],
        "keep_frames": [0, 3, -1], "global_traces": False, "correlation_image": True})
    yield "baselines.json", json.dumps({"rois": [
        {"region": {"pixel": {"x": 1, "y": 2}}, "baseline": {"cumulative": {"percentile": 10}}},
        {"region": {"pixel": {"x": 3, "y": 2}}, "baseline": {"moving": {"window": 3}}},
        {"region": {"pixel": {"x": 5, "y": 2}}, "baseline": {"maximin": {"window": 5, "sigma": 0.5}}}],
        "neuropil": {"global": "MEAN"}})
    yield "daemon.json", json.dumps({
        "ingest": "tcp://127.0.0.1:6000", "ingest_mode": "SUB", "publish": "ipc:///tmp/calmon-pub",
        "control": "inproc://control", "snapshot_hz": 0.5, "status_interval_s": 2, "max_frame_bytes": "1048576",
        "reset_on_geometry_change": True, "channel": 1, "plane": 0, "publish_hwm": 10, "ingest_hwm": 0,
        "linger_s": 0, "http": "127.0.0.1:0", "web_root": "web",
        "analysis": {"rois": [{"region": {"pixel": {"x": 1, "y": 1}}}], "baseline": {"moving": {"window": 5}}}})
    yield "daemon_minimal.json", '{"http": ""}'


# --- tiff: small movies ------------------------------------------------------------------
def tiff_bytes(data, **options):
    out = io.BytesIO()
    options.setdefault("photometric", "minisblack")
    tifffile.imwrite(out, data, **options)
    return out.getvalue()


def imagej_single_ifd(frames):
    """ImageJ's layout for stacks over 4 GiB, in small: one IFD, `frames` 4x3 uint8 frames
    stored one after the other where its only strip starts."""
    description = f"ImageJ=1.53t\nimages={frames}\nframes={frames}\n".encode() + b"\0"
    entries = [(256, 4, 1, 4), (257, 4, 1, 3), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (270, 2, len(description), None), (273, 4, 1, None), (277, 3, 1, 1), (278, 4, 1, 3),
               (279, 4, 1, 12)]
    description_at = 8 + 2 + 12 * len(entries) + 4
    data_at = description_at + len(description)
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = description_at if tag == 270 else data_at if tag == 273 else value
        packed = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    pixels = bytes(range(12 * frames))
    return b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + description + pixels


def with_long_tags(data, **values):
    """A classic little-endian TIFF's first IFD with single LONG tags set, e.g. ImageWidth=50000:
    a corrupt file made from a valid one."""
    tags = {"ImageWidth": 256, "ImageLength": 257, "RowsPerStrip": 278}
    data = bytearray(data)
    ifd = struct.unpack_from("<I", data, 4)[0]
    for i in range(struct.unpack_from("<H", data, ifd)[0]):
        at = ifd + 2 + 12 * i
        tag, kind, count = struct.unpack_from("<HHI", data, at)
        for name, value in values.items():
            if tag == tags[name]:
                assert kind == 4 and count == 1, f"{name} is not a single LONG"
                struct.pack_into("<I", data, at + 8, value)
    return bytes(data)


def tiff_seeds():
    movie = (np.arange(4 * 6 * 5) % 251).reshape(4, 6, 5)
    yield "uint16.tif", tiff_bytes(movie.astype(np.uint16))
    yield "uint8_big_endian.tif", tiff_bytes(movie.astype(np.uint8), byteorder=">")
    yield "int16.tif", tiff_bytes((movie - 100).astype(np.int16))
    yield "uint32.tif", tiff_bytes(movie.astype(np.uint32))
    yield "float32.tif", tiff_bytes(movie.astype(np.float32) / 7)
    yield "float64_big_endian.tif", tiff_bytes(movie.astype(np.float64) / 7, byteorder=">")
    yield "bigtiff.tif", tiff_bytes(movie.astype(np.uint16), bigtiff=True)
    yield "deflate.tif", tiff_bytes(movie.astype(np.uint16), compression="zlib", predictor=True)
    yield "strips.tif", tiff_bytes(movie.astype(np.uint16), rowsperstrip=2)
    tiled = (np.arange(2 * 20 * 18) % 253).reshape(2, 20, 18).astype(np.uint8)
    yield "tiled.tif", tiff_bytes(tiled, tile=(16, 16))
    hyperstack = (np.arange(2 * 3 * 2 * 4 * 3) % 255).reshape(2, 3, 2, 4, 3).astype(np.uint8)  # TZCYX
    yield "imagej_hyperstack.tif", tiff_bytes(hyperstack, imagej=True, metadata={"axes": "TZCYX"})
    yield "imagej_single_ifd.tif", imagej_single_ifd(4)
    # The fuzzer's first finding: 12 bytes of deflate whose tags claim a 2.5 GB frame.
    yield "claims_huge_frame.tif", with_long_tags(tiff_bytes(np.zeros((16, 16), np.uint8), compression="zlib"),
                                                  ImageWidth=50000, ImageLength=50000, RowsPerStrip=50000)


# --- dictionaries --------------------------------------------------------------------------
# --- npy: Suite2p's files, pickles inside .npy ----------------------------------------------
def npy_bytes(array, protocol=None):
    out = io.BytesIO()
    if protocol is None:
        np.save(out, array, allow_pickle=True)
    else:  # np.save's header, then a pickle of another protocol
        np.lib.format.write_array_header_1_0(out, np.lib.format.header_data_from_array_1_0(array))
        pickle.dump(array, out, protocol=protocol)
    return out.getvalue()


def npy_seeds():
    stat = np.empty(3, dtype=object)
    stat[:] = [{"ypix": np.array([1, 2, 2], np.int64) + k, "xpix": np.array([3, 3, 4], np.int64),
                "lam": np.array([0.5, 1.0, 0.25], np.float32), "med": [np.int64(2), np.int64(3)], "npix": 3,
                "overlap": np.array([False, k == 1, False]), "radius": np.float64(1.5)} for k in range(3)]
    yield "stat.npy", npy_bytes(stat)
    yield "numpy2_names_stat.npy", npy_bytes(stat).replace(b"numpy.core.multiarray", b"numpy._core.multiarray")
    yield "protocol4_stat.npy", npy_bytes(stat, protocol=4)
    yield "iscell.npy", npy_bytes(np.array([[1.0, 0.9], [0.0, 0.2], [1.0, 0.6]]))
    ops = np.array({"Ly": 8, "Lx": 6, "fs": 30.0, "meanImg": np.arange(48, dtype=np.float32).reshape(8, 6),
                    "refImg": np.arange(48, dtype=">i2").reshape(8, 6), "filelist": ["a.tif"],
                    "reg": {"block_size": (128, 128)}, "badframes": None}, dtype=object)
    yield "ops.npy", npy_bytes(ops)


def json_words(*messages):
    """Every field name (quoted, as JSON has it) and enum value name of the messages and of
    those they contain, and JSON's own tokens and some edge numbers."""
    words, seen = set(), set()

    def visit(descriptor):
        if descriptor.full_name in seen:
            return
        seen.add(descriptor.full_name)
        for field in descriptor.fields:
            words.add(f'"{field.name}":')
            if field.enum_type is not None:
                words.update(f'"{value.name}"' for value in field.enum_type.values)
            if field.message_type is not None:
                visit(field.message_type)

    for message in messages:
        visit(message.DESCRIPTOR)
    return sorted(words) + ["{}", "[]", "true", "false", "null", "-1", "0.5", "1e19", "1e308", "2147483647",
                            "-2147483648", "9223372036854775807", '"NaN"', '"Infinity"', '"-Infinity"']


def tiff_words():
    words = [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"]
    tags = [256, 257, 258, 259, 262, 270, 273, 277, 278, 279, 284, 317, 322, 323, 324, 325, 330, 339]
    compressions = [1, 5, 7, 8, 32773, 32946, 34925, 50000]
    for value in tags + compressions:
        words += [struct.pack("<H", value), struct.pack(">H", value)]
    return words + [b"ImageJ=1.53t\n", b"images=", b"channels=", b"slices=", b"frames=", b"hyperstack=true\n"]


def write_dictionary(harness, words, what):
    def quoted(word):
        data = word.encode() if isinstance(word, str) else word
        return '"' + "".join(chr(b) if 32 <= b < 127 and b not in b'"\\' else f"\\x{b:02x}" for b in data) + '"'

    lines = [f"# {harness}.dict — {what}; made by make_corpus.py, for libFuzzer's -dict"]
    (HERE / f"{harness}.dict").write_text("\n".join(lines + [quoted(word) for word in words]) + "\n")


# --- imagej_roi: ImageJ .roi files and a RoiSet.zip (imagej_roi_fuzzer.cc) ---------------
def roi_bytes(roi_type, bounds=(0, 0, 0, 0), vertices=(), subpixel=(), path=(), subtype=0, options=0,
              floats=None, corner=0, name="roi"):
    """An ImageJ .roi: the 64-byte header (big-endian), then vertices or a composite's path,
    then a second header holding the name."""
    top, left, bottom, right = bounds
    body = b""
    n = len(vertices)
    if n:
        body += b"".join(struct.pack(">h", x - left) for x, _ in vertices)
        body += b"".join(struct.pack(">h", y - top) for _, y in vertices)
    if subpixel:
        options |= 128
        body += b"".join(struct.pack(">f", x) for x, _ in subpixel) + b"".join(struct.pack(">f", y) for _, y in subpixel)
    if path:
        body += b"".join(struct.pack(">f", v) for v in path)
    header2 = 64 + len(body)
    header = bytearray(64)
    header[0:4] = b"Iout"
    struct.pack_into(">hB", header, 4, 228, roi_type)
    struct.pack_into(">hhhhH", header, 8, top, left, bottom, right, n)
    if floats:
        options |= 128
        struct.pack_into(">ffff", header, 18, *floats)
    struct.pack_into(">ihhh", header, 36, len(path), 0, 0, 0)
    struct.pack_into(">hh", header, 48, subtype, options)
    struct.pack_into(">h", header, 54, corner)
    struct.pack_into(">i", header, 60, header2)
    second = bytearray(64)
    struct.pack_into(">ii", second, 16, header2 + 64, len(name))
    return bytes(header) + body + bytes(second) + name.encode("utf-16-be")


def roi_seeds():
    square = [(10, 5), (25, 12), (20, 25), (8, 20)]
    made = [
        ("rect", 1, (20, 15, 35, 35), {}),
        ("rounded_rect", 1, (4, 3, 14, 13), {"corner": 4}),
        ("rect_subpixel", 1, (40, 60, 45, 68), {"floats": (60.5, 40.25, 7.5, 4.6)}),
        ("oval", 2, (10, 40, 15, 47), {}),
        ("oval_subpixel", 2, (30, 50, 37, 60), {"floats": (50.3, 30.6, 9.5, 6.2)}),
        ("polygon", 0, (5, 8, 25, 25), {"vertices": square}),
        ("polygon_subpixel", 0, (40, 18, 56, 32), {"vertices": [(20, 40), (32, 44), (28, 56)],
                                                   "subpixel": [(20.25, 40.4), (31.7, 44.1), (27.5, 55.75)]}),
        ("traced", 8, (2, 5, 5, 7), {"vertices": [(5, 2), (6, 2), (6, 4), (7, 4), (7, 5), (5, 5)]}),
        ("ellipse", 7, (5, 10, 9, 15), {"vertices": [(10, 5), (14, 6), (12, 9)], "subtype": 3,
                                        "subpixel": [(10.5, 5.0), (14.25, 5.5), (12.0, 8.75)]}),
        ("donut", 1, (0, 0, 6, 6), {"path": [0, 0, 0, 1, 6, 0, 1, 6, 6, 1, 0, 6, 4,
                                             0, 2, 2, 1, 4, 2, 1, 4, 4, 1, 2, 4, 4]}),
        ("line", 3, (0, 0, 5, 5), {}),
        # The harness's first finding: a composite's segment code too large for an int.
        ("huge_segment_code", 1, (0, 0, 6, 6), {"path": [0, 0, 0, 7.6583e28, 6, 0, 1, 6, 6, 4]}),
    ]
    rois = {f"{name}.roi": roi_bytes(roi_type, bounds, name=name, **fields) for name, roi_type, bounds, fields in made}
    yield from rois.items()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("rect.roi", "oval.roi", "traced.roi", "donut.roi"):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, rois[name])
    yield "RoiSet.zip", zipped.getvalue()


def main():
    for harness, seeds in [("frame", frame_seeds), ("control", control_seeds), ("config", config_seeds),
                           ("tiff", tiff_seeds), ("npy", npy_seeds), ("imagej_roi", roi_seeds)]:
        folder = CORPUS / harness
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        count = 0
        for name, data in seeds():
            write(harness, name, data)
            count += 1
        size = sum(path.stat().st_size for path in folder.iterdir())
        print(f"{harness}: {count} seeds, {size} bytes")
    write_dictionary("config", json_words(config_pb2.Config, config_pb2.RoiSet, daemon_pb2.DaemonConfig),
                     "the JSON names of config.proto and daemon.proto")
    write_dictionary("control", json_words(wire_pb2.ControlRequest), "the JSON names of ControlRequest")
    write_dictionary("tiff", tiff_words(), "TIFF headers, the tags and compressions the reader looks at, ImageJ's keys")


if __name__ == "__main__":
    main()
