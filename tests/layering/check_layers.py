#!/usr/bin/python3
"""check_layers.py — calmon's layering, checked rather than only kept (docs/testing.md#layering).

    check_layers.py [SOURCE_DIR]      check the tree (default: the one this file is in)
    check_layers.py --self-test       check two made-up trees: a clean one must pass and
                                      one that breaks each rule must fail, line for line

Reads the #include lines of every C++ file under src/, replay/, tools/ and tests/ and
holds them to the table LAYERS below; also holds src/CMakeLists.txt's calmon_library()
links to the same table, so a library links exactly the calmon libraries it includes.
Prints one line per violation (file:line: what, and what the rule is) and exits 1 if
there was any, 0 otherwise. Standard library only.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# Layer -> the layers its files may include with #include "...". "proto" is the generated
# protobuf code, included as "calmon/<name>.pb.h" (calmon_proto). A file's own folder
# (#include "x.h" with no folder) is always allowed, and so is its own layer.
LIBRARIES = ["core", "synth", "io", "config", "net", "daemon"]
# The folders of tools/ built as libraries (all but main.cc), which tests and tools include.
TOOL_LIBRARIES = ["cli", "record", "sub", "rig_sim", "follow", "rois"]
LAYERS = {
    "core": set(),
    "synth": {"core"},
    "io": {"core"},
    "config": {"core", "io", "proto"},
    "net": {"core", "proto"},
    "daemon": {"core", "config", "net", "proto"},
    "replay": {"core", "io", "net", "proto"},
    "tools": set(LIBRARIES) | {"proto"} | set(TOOL_LIBRARIES),  # a program: any library, not replay/ or tests/
    # calmon-follow sends as calmon-replay does, with its sender, acknowledgement and summary
    # (the calmon_replay library); the one tool that may include replay/.
    "tools/follow": set(LIBRARIES) | {"proto", "replay"} | set(TOOL_LIBRARIES),
    "tests": set(LIBRARIES) | {"proto", "replay"} | set(TOOL_LIBRARIES),  # anything but a tool's main.cc
}

# What "first/..." can name in an #include. tests/ is never on the include path, and of
# tools/ only the folders built as libraries (tools/CMakeLists.txt's calmon_tool_library):
# "record/recording.h", "sub/live_table.h", "cli/command_line.h".
INCLUDABLE = set(LIBRARIES) | {"proto", "replay"} | set(TOOL_LIBRARIES)

# The pure layers compute on frame views: no sockets, files, clocks or threads. They
# include the C++ standard library only, and not the parts of it for those.
PURE_LAYERS = {"core", "synth"}
CXX_STANDARD_HEADERS = set("""
algorithm any array atomic barrier bit bitset cassert cctype cerrno cfenv cfloat charconv
chrono cinttypes climits clocale cmath codecvt compare complex concepts condition_variable
coroutine csetjmp csignal cstdarg cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar
cwctype deque exception execution expected filesystem format forward_list fstream
functional future initializer_list iomanip ios iosfwd iostream istream iterator latch
limits list locale map memory memory_resource mutex new numbers numeric optional ostream
queue random ranges ratio regex scoped_allocator semaphore set shared_mutex
source_location span sstream stack stdexcept stop_token streambuf string string_view
syncstream system_error thread tuple type_traits typeindex typeinfo unordered_map
unordered_set utility valarray variant vector version
""".split())
IMPURE_STANDARD_HEADERS = {
    "cstdio": "files", "fstream": "files", "filesystem": "files", "iostream": "files",
    "chrono": "clocks", "ctime": "clocks",
    "thread": "threads", "mutex": "threads", "shared_mutex": "threads",
    "condition_variable": "threads", "future": "threads", "atomic": "threads",
    "stop_token": "threads", "semaphore": "threads", "latch": "threads", "barrier": "threads",
    "csignal": "signals",
}

# The compiler's vector intrinsics are pure computation too (the hot loops' AVX paths).
INTRINSIC_HEADERS = {"immintrin.h"}

# The one file of a pure layer allowed more: core's FFT holder runs FFTW (pure
# computation) and guards FFTW's planner, which is not thread-safe, with a mutex.
PURE_LAYER_EXCEPTIONS = {
    "src/core/real_fft_2d.cc": {"fftw3.h", "mutex"},
}

SCANNED = ["src", "replay", "tools", "tests"]
CXX_SUFFIXES = (".h", ".hpp", ".cc", ".cpp")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(rel):
    """The layer of a file, by its path relative to the source tree (None: not checked)."""
    parts = rel.split("/")
    if parts[0] == "src" and len(parts) > 2 and parts[1] in LIBRARIES:
        return parts[1]
    if parts[:2] == ["tools", "follow"]:
        return "tools/follow"
    if parts[0] in ("replay", "tools", "tests"):
        return parts[0]
    return None


def local_dirs(root, rel):
    """Folders a bare #include "x.h" may come from: the file's own, and for tests, the
    shared helpers in tests/unit (test_support.h, ...)."""
    dirs = [os.path.dirname(rel)]
    if rel.startswith("tests/"):
        dirs.append("tests/unit")
    return [d for d in dirs if os.path.isdir(os.path.join(root, d))]


def check_quoted(root, rel, layer, target):
    """None if `#include "target"` is allowed in `rel`, else why not."""
    allowed = LAYERS[layer]
    if "/" not in target:
        if any(os.path.isfile(os.path.join(root, d, target)) for d in local_dirs(root, rel)):
            return None
        return f'includes "{target}", which is not in its own folder'
    first = target.split("/", 1)[0]
    included = "proto" if first == "calmon" else first
    if included == layer or included in allowed:
        return None
    if layer in LIBRARIES or layer == "replay":
        what, may = f"{layer}/", ", ".join(sorted(allowed | {layer}))
    else:
        what, may = f"{layer}/ files", ", ".join(sorted(allowed)) + " and their own folder"
    if included not in INCLUDABLE:
        return f'includes "{target}", which is in no layer ({what} may include only {may})'
    return f'includes "{target}": {what} may include only {may}'


def check_angled(layer, target):
    """None if `#include <target>` is allowed in a pure layer, else why not."""
    name = target
    if name in INTRINSIC_HEADERS:
        return None
    if name.endswith(".h") and "/" not in name and "c" + name[:-2] in CXX_STANDARD_HEADERS:
        name = "c" + name[:-2]  # <math.h> is <cmath>
    if name not in CXX_STANDARD_HEADERS:
        return (f"includes <{target}>: {layer}/ may include only the C++ standard library "
                "(no sockets, files, clocks or threads)")
    if name in IMPURE_STANDARD_HEADERS:
        return (f"includes <{target}> ({IMPURE_STANDARD_HEADERS[name]}): {layer}/ computes only "
                "(no sockets, files, clocks or threads)")
    return None


def check_includes(root):
    violations = []
    for top in SCANNED:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for filename in sorted(filenames):
                if not filename.endswith(CXX_SUFFIXES):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, filename), root)
                layer = layer_of(rel)
                if layer is None:
                    continue
                with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        match = INCLUDE.match(line)
                        if not match:
                            continue
                        quote, target = match.groups()
                        if quote == '"':
                            why = check_quoted(root, rel, layer, target)
                        elif layer in PURE_LAYERS and target not in PURE_LAYER_EXCEPTIONS.get(rel, ()):
                            why = check_angled(layer, target)
                        else:
                            why = None
                        if why:
                            violations.append(f"{rel}:{number}: {why}")
    return violations


LIBRARY_CALL = re.compile(r"calmon_library\(\s*(\w+)\s+(\w+)([^)]*)\)", re.S)


def check_links(root):
    """src/CMakeLists.txt: each calmon_library() links exactly the calmon libraries that
    LAYERS lets it include; an unused link is as wrong as a missing one."""
    rel = "src/CMakeLists.txt"
    path = os.path.join(root, rel)
    if not os.path.isfile(path):
        return [f"{rel}: missing"]
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"#[^\n]*", "", text)  # comments
    violations = []
    seen = set()
    for match in LIBRARY_CALL.finditer(text):
        target, directory, args = match.groups()
        if target == "name":  # the function's own definition
            continue
        line = text.count("\n", 0, match.start()) + 1
        if directory not in LAYERS:
            violations.append(f"{rel}:{line}: {target} builds src/{directory}, which has no row in "
                              "check_layers.py's LAYERS")
            continue
        seen.add(directory)
        linked = {a[len("calmon_"):] for a in args.split() if a.startswith("calmon_")}
        wanted = LAYERS[directory]
        for extra in sorted(linked - wanted):
            violations.append(f"{rel}:{line}: {target} links calmon_{extra}, which "
                              f"{directory}/ may not include")
        for missing in sorted(wanted - linked):
            violations.append(f"{rel}:{line}: {target} does not link calmon_{missing}, which "
                              f"{directory}/ may include")
    for library in LIBRARIES:
        if library not in seen:
            violations.append(f"{rel}: no calmon_library() for src/{library}")
    return violations


def check(root):
    return check_includes(root) + check_links(root)


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test(argv[0])
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    violations = check(root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} layering violation(s); the rule is docs/testing.md#layering")
        return 1
    print("layering: every #include and library link follows the table")
    return 0


# --- self-test -----------------------------------------------------------------------

CLEAN_TREE = {
    "src/CMakeLists.txt": """
calmon_library(calmon_core core)
calmon_library(calmon_io io calmon_core TIFF::TIFF)
calmon_library(calmon_synth synth calmon_core)
calmon_library(calmon_config config calmon_core calmon_io calmon_proto)
calmon_library(calmon_net net calmon_core calmon_proto cppzmq)
calmon_library(calmon_daemon daemon calmon_net calmon_config calmon_core calmon_proto
               Boost::program_options)
""",
    "src/core/a.h": '#include <vector>\n#include <math.h>\n#include "core/b.h"\n',
    "src/core/b.h": "#include <cstdint>\n",
    "src/io/movie.cc": '#include <tiffio.h>\n#include <unistd.h>\n#include "core/a.h"\n',
    "src/daemon/d.cc": '#include <zmq.hpp>\n#include "net/n.h"\n#include "calmon/wire.pb.h"\n',
    "src/net/n.h": '#include "calmon/wire.pb.h"\n',
    "tools/sub/main.cc": '#include "table.h"\n#include "net/n.h"\n',
    "tools/sub/table.h": "",
    "tools/follow/follower.cc": '#include "replay/r.h"\n#include "sub/table.h"\n',
    "tests/unit/test_support.h": "",
    "tests/replay/r_test.cc": '#include "test_support.h"\n#include "replay/r.h"\n',
}

# Each broken file, and the start of the line the check must print for it.
BROKEN_FILES = {
    "src/core/a.h": ('#include <vector>\n#include "daemon/d.h"\n',
                     ['src/core/a.h:2: includes "daemon/d.h": core/ may include only core']),
    "src/core/b.h": ("#include <zmq.hpp>\n#include <chrono>\n#include <sys/socket.h>\n#include <stdio.h>\n",
                     ["src/core/b.h:1: includes <zmq.hpp>: core/",
                      "src/core/b.h:2: includes <chrono> (clocks)",
                      "src/core/b.h:3: includes <sys/socket.h>: core/",
                      "src/core/b.h:4: includes <stdio.h> (files)"]),
    "src/io/movie.cc": ('#include "net/n.h"\n',
                        ['src/io/movie.cc:1: includes "net/n.h": io/ may include only core, io']),
    "src/net/n.h": ('#include "tools/sub/table.h"\n#include "replay/r.h"\n',
                    ['src/net/n.h:1: includes "tools/sub/table.h", which is in no layer',
                     'src/net/n.h:2: includes "replay/r.h": net/ may include only']),
    "src/daemon/d.cc": ('#include "io/movie.h"\n',
                        ['src/daemon/d.cc:1: includes "io/movie.h": daemon/ may include only']),
    "tools/sub/main.cc": ('#include "display.h"\n#include "replay/r.h"\n',
                          ['tools/sub/main.cc:1: includes "display.h", which is not in its own folder',
                           'tools/sub/main.cc:2: includes "replay/r.h": tools/ files may include only']),
    "src/CMakeLists.txt": (CLEAN_TREE["src/CMakeLists.txt"].replace(
                               "calmon_daemon daemon calmon_net calmon_config calmon_core calmon_proto",
                               "calmon_daemon daemon calmon_net calmon_config calmon_io calmon_core"),
                           ["src/CMakeLists.txt:7: calmon_daemon links calmon_io, which daemon/ may not include",
                            "src/CMakeLists.txt:7: calmon_daemon does not link calmon_proto"]),
}


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def run(script, root):
    result = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
    return result.returncode, result.stdout.splitlines()


def self_test(script):
    failures = []
    with tempfile.TemporaryDirectory(prefix="check_layers.") as tmp:
        clean = os.path.join(tmp, "clean")
        write_tree(clean, CLEAN_TREE)
        code, lines = run(script, clean)
        if code != 0:
            failures.append(f"the clean tree failed (exit {code}):\n  " + "\n  ".join(lines))
        # Every broken file alone, then all of them at once.
        cases = [{rel: broken} for rel, broken in BROKEN_FILES.items()] + [BROKEN_FILES]
        for case in cases:
            root = os.path.join(tmp, "broken")
            shutil.rmtree(root, ignore_errors=True)
            write_tree(root, CLEAN_TREE)
            write_tree(root, {rel: text for rel, (text, _) in case.items()})
            expected = [line for _, wanted in case.values() for line in wanted]
            code, lines = run(script, root)
            name = ", ".join(case)
            if code != 1:
                failures.append(f"{name}: exit {code}, expected 1")
            for want in expected:
                if not any(line.startswith(want) for line in lines):
                    failures.append(f"{name}: no line starting {want!r}; got:\n  " + "\n  ".join(lines))
            violations = [line for line in lines if not line.endswith("docs/testing.md#layering")]
            if len(violations) != len(expected):
                failures.append(f"{name}: {len(violations)} violation lines, expected {len(expected)}:\n  "
                                + "\n  ".join(lines))
    for failure in failures:
        print("self-test:", failure)
    if failures:
        return 1
    print(f"self-test: the clean tree passes; {len(BROKEN_FILES)} broken files each fail as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
