#!/usr/bin/env python3
"""run_doc_blocks.py — runs the commands and snippets of a Markdown page as a user would
paste them, in order, and fails on the first one that does not work.

    run_doc_blocks.py --build-dir BUILD docs/replay.md [--keep]

Only marked blocks run. A block is marked by an HTML comment on the line before its
fence, at most three spaces in (GitHub shows neither the comment nor anything else of
the marking):

    <!-- doc-test -->                          run it; it must exit 0
    <!-- doc-test: exit=1 -->                  it must exit 1 (a documented failure)
    <!-- doc-test: expect='processed all' -->  its stdout or stderr must contain the text
    <!-- doc-test: background, name=calmond, ready='"ready"' -->
                                               start it and go on with the next blocks once
                                               a line of its stdout or stderr contains the
                                               text (a deadline, not a sleep); it is stopped
                                               (SIGINT, then SIGKILL) when the page is done
    <!-- doc-test: wait=rec -->                first wait (with a deadline) until the
                                               background block named rec has exited, and
                                               fail unless it exited 0
    <!-- doc-test: stop=calmond -->            first stop the background block named
                                               calmond, as Ctrl-C in its terminal would
    <!-- doc-test: file=config.json -->        not run: saved as config.json (any language,
                                               e.g. a ```json example the page then uses)
    <!-- doc-test: output -->                  not run: the output the block before printed,
                                               exactly (an example that must not go stale)

Options combine, separated by commas. ```sh (or bash) blocks run in `bash -e -o
pipefail`, ```python blocks in this script's python3; both in one scratch folder per
page, the folder a user's commands run in: the repository root as seen by the docs.

The scratch folder holds `build/bin` and `build/python` (links into the build tree),
`docs` and `tools` (links into the source tree), and PYTHONPATH names build/python and
tools/python, as docs/subscribers.md has the user set it. So the page's `build/bin/...`
commands run the programs just built.

What differs from a user's machine, so that pages run side by side with the other
tests and quickly:

- Ports. calmond's default ports (5570 ingest, 5571 publish, 5572 control, 8080
  dashboard) and calmon-proxy's (5581) could collide with other tests running at the
  same time. The runner picks five free loopback ports (below the ephemeral range other
  tests' port-0 binds draw from) and (1) rewrites every `:5570`, `:5571`, `:5572`,
  `:8080` and `:5581` in the text it runs to them, and (2) runs the programs through
  small wrappers in build/bin that give calmond, calmon-replay, calmon-follow,
  calmon-record, calmon-sub and calmon-proxy the picked ports when the command line does
  not name an endpoint itself (calmond is also given `--http 127.0.0.1:PORT` unless the
  command says `--http` or `--no-http`; calmon-replay's `--route` names its endpoints).
- The pace. calmon-replay is given `--rate 1000` unless the command sets `--rate` or
  `--fast`: the synthetic movie's 2000 frames take 2 s instead of a minute.
- The page's paths are used as written; a page writes only into its scratch folder
  (relative paths), so pages never share files.

Blocks that cannot run in a test (a browser, apt-get, a key a user copies to another
machine, a movie the user downloads) stay unmarked; docs/testing.md lists them.
"""

import argparse
import os
import random
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

SLOWDOWN = float(os.environ.get("CALMON_TEST_SLOWDOWN", "1"))
BLOCK_DEADLINE_S = 180.0 * SLOWDOWN
READY_DEADLINE_S = 30.0 * SLOWDOWN
STOP_DEADLINE_S = 15.0 * SLOWDOWN
DEFAULT_PORTS = {"ingest": 5570, "publish": 5571, "control": 5572, "http": 8080, "proxy": 5581}
REPLAY_RATE = "1000"

# At most three spaces in (a list item's block); four make an indented code block, which
# is how docs/testing.md shows a mark without making one.
MARK = re.compile(r"^ {0,3}<!-- doc-test(?::\s*(?P<options>.*?))?\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[A-Za-z]*)\s*$")
OPTION = re.compile(r"\s*(?P<key>[a-z-]+)(?:=(?:'(?P<quoted>[^']*)'|(?P<bare>[^,]*)))?\s*(?:,|$)")


class DocError(Exception):
    pass


# --- reading the page ------------------------------------------------------------------------

class Block:
    def __init__(self, line, lang, text, options):
        self.line, self.lang, self.text, self.options = line, lang, text, options

    def describe(self):
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return f"line {self.line} ({self.lang}): {first[:80]}"


def parse_options(text, where):
    options = {}
    position = 0
    text = text or ""
    while position < len(text):
        match = OPTION.match(text, position)
        if not match or match.end() == position:
            raise DocError(f"{where}: cannot read the doc-test options {text!r}")
        value = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
        options[match.group("key")] = value.strip() if value is not None else True
        position = match.end()
    unknown = set(options) - {"background", "name", "ready", "exit", "expect", "wait", "stop", "file", "output"}
    if unknown:
        raise DocError(f"{where}: unknown doc-test option {sorted(unknown)[0]!r}")
    if "background" in options and "ready" not in options:
        raise DocError(f"{where}: a background block needs ready='TEXT' (the line that says it is up)")
    return options


def unindented(line, indent):
    """A line of a block indented by `indent` (inside a list item), without that indent."""
    return line[indent:] if line[:indent].strip() == "" else line


def block_after(lines, mark_index, options, where):
    """The fenced block that follows the mark on line mark_index."""
    fence = mark_index + 1
    while fence < len(lines) and not lines[fence].strip():
        fence += 1
    opening = FENCE.match(lines[fence]) if fence < len(lines) else None
    runnable = opening and opening.group("lang") in ("sh", "bash", "python")
    if not opening or not (runnable or "file" in options or "output" in options):
        raise DocError(f"{where}: a doc-test mark must be followed by a ```sh, ```bash or ```python block "
                       f"(or any block, with file=NAME or output)")
    end = fence + 1
    while end < len(lines) and lines[end].strip() != "```":
        end += 1
    if end == len(lines):
        raise DocError(f"{where}: the block is never closed")
    lang = {"bash": "sh"}.get(opening.group("lang"), opening.group("lang"))
    indent = len(opening.group("indent"))  # a block inside a list item
    text = "\n".join(unindented(line, indent) for line in lines[fence + 1:end])
    return Block(fence + 2, lang, text + "\n", options)


def marked_blocks(path):
    """Every block marked for running, in the page's order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    blocks = []
    for number, line in enumerate(lines):
        mark = MARK.match(line)
        if mark:
            where = f"{path}:{number + 1}"
            blocks.append(block_after(lines, number, parse_options(mark.group("options"), where), where))
    return blocks


# --- the scratch folder ----------------------------------------------------------------------

def free_ports(count):
    """Loopback ports free now, below the kernel's ephemeral range: the other tests bind
    port 0 (`tcp://127.0.0.1:*`), which the kernel takes from that range, so they never
    get these; only another page could draw the same, one in thousands."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            ephemeral_low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    lowest = 10000 if ephemeral_low > 11000 else 1024
    candidates = random.Random(os.getpid() ^ time.time_ns()).sample(range(lowest, ephemeral_low), 200)
    ports = []
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise DocError("no free loopback port found for the page")


# Per program: (flag, the value given when the command line has no such flag) pairs, and
# the flags after which nothing is added (the command does something else).
def wrapper_defaults(ports):
    loop = "tcp://127.0.0.1:"
    return {
        "calmond": ([("--ingest", loop + str(ports["ingest"])), ("--publish", loop + str(ports["publish"])),
                     ("--control", loop + str(ports["control"])),
                     ("--http", f"127.0.0.1:{ports['http']}", "--no-http")], ["--help"]),
        "calmon-replay": ([("--to", loop + str(ports["ingest"]), "--route"),
                           ("--control", loop + str(ports["control"]), "--no-ack", "--route"),
                           ("--rate", REPLAY_RATE, "--fast")], ["--help"]),
        "calmon-follow": ([("--to", loop + str(ports["ingest"])),
                           ("--control", loop + str(ports["control"]), "--no-ack")], ["--help"]),
        "calmon-record": ([("--from", loop + str(ports["publish"]))], ["--help", "--repair"]),
        "calmon-sub": ([("--from", loop + str(ports["publish"]))], ["--help"]),
        "calmon-proxy": ([("--publish", loop + str(ports["proxy"]))], ["--help"]),
    }


WRAPPER = """#!/bin/bash
# Made by tests/docs/run_doc_blocks.py: {real} with the test's ports and sizes where the
# command line does not give its own.
given() {{ local a; for a in "${{ARGS[@]}}"; do [[ $a == "$1" || $a == "$1="* ]] && return 0; done; return 1; }}
ARGS=("$@")
EXTRA=()
{skip}
{adds}
exec {real} "${{EXTRA[@]}}" "$@"
"""


def write_wrapper(path, real, defaults, stoppers):
    skip = "\n".join(f'given {flag} && exec {real} "$@"' for flag in stoppers)
    adds = []
    for flag, value, *alternatives in defaults:
        condition = " || ".join(f"given {f}" for f in (flag, *alternatives))
        adds.append(f"{{ {condition}; }} || EXTRA+=({flag} '{value}')")
    with open(path, "w") as f:
        f.write(WRAPPER.format(real=real, skip=skip, adds="\n".join(adds)))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def make_scratch(folder, build_dir, source_dir, ports):
    bin_dir = os.path.join(folder, "build", "bin")
    os.makedirs(bin_dir)
    os.symlink(os.path.join(build_dir, "python"), os.path.join(folder, "build", "python"))
    os.symlink(os.path.join(source_dir, "docs"), os.path.join(folder, "docs"))
    os.symlink(os.path.join(source_dir, "tools"), os.path.join(folder, "tools"))
    real_bin = os.path.join(build_dir, "bin")
    wrappers = wrapper_defaults(ports)
    for program in sorted(os.listdir(real_bin)):
        real = os.path.join(real_bin, program)
        if program in wrappers:
            write_wrapper(os.path.join(bin_dir, program), real, *wrappers[program])
        else:
            os.symlink(real, os.path.join(bin_dir, program))


def with_test_ports(text, ports):
    for name, default in DEFAULT_PORTS.items():
        text = re.sub(rf":{default}\b", f":{ports[name]}", text)
    return text


# --- running ---------------------------------------------------------------------------------

class Background:
    """A block left running: its output is collected by a thread and watched for `ready`."""

    def __init__(self, block, process):
        self.block, self.process = block, process
        self.output = []
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()

    def _collect(self):
        for line in self.process.stdout:
            with self._lock:
                self.output.append(line)
                self._lock.notify_all()
        with self._lock:
            self._lock.notify_all()

    def wait_ready(self, text, deadline_s):
        deadline = time.monotonic() + deadline_s
        with self._lock:
            while not any(text in line for line in self.output):
                if self.process.poll() is not None and not self._reader.is_alive():
                    raise DocError(f"{self.block.describe()}: exited with {self.process.returncode} "
                                   f"before printing {text!r}:\n{self.text()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DocError(f"{self.block.describe()}: no line with {text!r} within {deadline_s:.0f} s:\n"
                                   f"{self.text()}")
                self._lock.wait(min(remaining, 0.2))

    def text(self):
        self._reader.join(STOP_DEADLINE_S)  # once the process is gone: its last lines
        with self._lock:
            return "".join(self.output)

    def stop(self):
        """Ctrl-C to the block's whole process group (bash and the program it runs). A block
        that had ended by itself must have exited 0."""
        if self.process.poll() is not None:
            if self.process.returncode != 0:
                raise DocError(f"{self.block.describe()}: exited with {self.process.returncode} while it should "
                               f"have been running:\n{self.text()}")
            return
        stop_group(self.process, signal.SIGINT)
        try:
            self.process.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            stop_group(self.process, signal.SIGKILL)
            self.process.wait()


def stop_group(process, signal_number):
    try:
        os.killpg(process.pid, signal_number)
    except ProcessLookupError:
        pass


class Page:
    def __init__(self, path, build_dir, source_dir, scratch):
        self.path, self.scratch = path, scratch
        self.ports = dict(zip(DEFAULT_PORTS, free_ports(len(DEFAULT_PORTS))))
        make_scratch(scratch, build_dir, source_dir, self.ports)
        self.environment = dict(os.environ)
        self.environment["PYTHONPATH"] = os.pathsep.join(
            [os.path.join(scratch, "build", "python"), os.path.join(scratch, "tools", "python")])
        self.environment["MPLBACKEND"] = "Agg"  # a plot's window becomes a no-op, plt.savefig still writes
        self.environment["PYTHONDONTWRITEBYTECODE"] = "1"
        self.environment["PYTHONUNBUFFERED"] = "1"  # a line printed is seen at once, as on a terminal
        self.environment["HOME"] = scratch  # a page's ~/... stays in its folder
        self.background = {}
        self.last_output = None

    def command(self, block, index):
        text = with_test_ports(block.text, self.ports)
        script = os.path.join(self.scratch, f".block{index}.{'py' if block.lang == 'python' else 'sh'}")
        with open(script, "w") as f:
            f.write(text)
        if block.lang == "python":
            return [sys.executable, script]
        return ["bash", "-e", "-o", "pipefail", script]

    def run(self, blocks):
        try:
            for index, block in enumerate(blocks):
                print(f"--- {self.path}: {block.describe()}", flush=True)
                self.run_block(block, index)
        finally:
            self.stop_background()

    def run_block(self, block, index):
        if "wait" in block.options:
            self.wait_for(block.options["wait"], block)
        if "stop" in block.options:
            self.named(block.options["stop"], block).stop()
            del self.background[block.options["stop"]]
        if "output" in block.options:
            self.check_output(block)
        elif "file" in block.options:
            with open(os.path.join(self.scratch, block.options["file"]), "w") as f:
                f.write(with_test_ports(block.text, self.ports))
        elif "background" in block.options:
            self.start(block, index)
        else:
            self.run_one(block, index)

    def stop_background(self):
        """Stops what is still running; one that had died fails the page (unless it failed already)."""
        failures = []
        for background in self.background.values():
            try:
                background.stop()
            except DocError as e:
                failures.append(str(e))
        if failures and sys.exc_info()[0] is None:
            raise DocError("\n".join(failures))

    def start(self, block, index):
        name = block.options.get("name", f"block{index}")
        if name in self.background:
            self.background.pop(name).stop()
        process = subprocess.Popen(self.command(block, index), cwd=self.scratch, env=self.environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        background = Background(block, process)
        self.background[name] = background
        background.wait_ready(block.options["ready"], READY_DEADLINE_S)
        print(f"    running in the background as {name!r}", flush=True)

    def check_output(self, block):
        shown = with_test_ports(block.text, self.ports).strip()
        if self.last_output is None or self.last_output.strip() != shown:
            raise DocError(f"{block.describe()}: the page shows\n{shown}\nbut the block before printed\n"
                           f"{self.last_output}")

    def named(self, name, block):
        if name not in self.background:
            raise DocError(f"{block.describe()}: names {name!r}, which no background block started")
        return self.background[name]

    def wait_for(self, name, block):
        background = self.named(name, block)
        try:
            background.process.wait(BLOCK_DEADLINE_S)
        except subprocess.TimeoutExpired:
            raise DocError(f"{background.block.describe()}: still running after {BLOCK_DEADLINE_S:.0f} s:\n"
                           f"{background.text()}") from None
        if background.process.returncode != 0:
            raise DocError(f"{background.block.describe()}: exited with {background.process.returncode}:\n"
                           f"{background.text()}")
        print(background.text(), end="", flush=True)

    def run_one(self, block, index):
        process = subprocess.Popen(self.command(block, index), cwd=self.scratch, env=self.environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        try:
            output, _ = process.communicate(timeout=BLOCK_DEADLINE_S)
        except subprocess.TimeoutExpired:
            stop_group(process, signal.SIGKILL)
            output, _ = process.communicate()
            raise DocError(f"{block.describe()}: still running after {BLOCK_DEADLINE_S:.0f} s:\n{output}") from None
        finally:
            stop_group(process, signal.SIGKILL)  # whatever the block left running in the background
        print(output, end="", flush=True)
        self.last_output = output
        wanted = int(block.options.get("exit", 0))
        if process.returncode != wanted:
            raise DocError(f"{block.describe()}: exited with {process.returncode}, the page expects {wanted}")
        expected = block.options.get("expect")
        if expected and with_test_ports(expected, self.ports) not in output:
            raise DocError(f"{block.describe()}: its output does not contain {expected!r}")


def main():
    parser = argparse.ArgumentParser(description="Runs a Markdown page's marked blocks.")
    parser.add_argument("page")
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    # ctest ends a test that runs too long with SIGTERM: unwind, so that the blocks still
    # running (in sessions of their own, out of ctest's reach) are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    source_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    build_dir = os.path.abspath(args.build_dir)
    try:
        blocks = marked_blocks(args.page)
        if not blocks:
            raise DocError(f"{args.page}: no block is marked <!-- doc-test -->")
        scratch = tempfile.mkdtemp(prefix="calmon-doc-")
        try:
            Page(args.page, build_dir, source_dir, scratch).run(blocks)
        finally:
            if args.keep:
                print(f"scratch folder kept: {scratch}")
            else:
                shutil.rmtree(scratch, ignore_errors=True)
    except DocError as e:
        print(f"run_doc_blocks: {e}", file=sys.stderr)
        return 1
    print(f"run_doc_blocks: {args.page}: {len(blocks)} blocks ran as written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
