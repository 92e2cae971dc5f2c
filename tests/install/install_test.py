#!/usr/bin/env python3
"""install_test.py — `cmake --install` gives a prefix that works on its own.

Installs the build into a fresh temporary prefix, checks the layout (the programs in
bin/, the dashboard's page, calmon-bench's numpy peer and the Python client under
share/calmon/), then runs the installed calmond from an unrelated working directory on
ephemeral loopback ports, fetches the dashboard's page and a script of it over HTTP and
compares them with the installed files, and stops calmond with SIGTERM. The page must
come from the prefix: calmond finds it beside its own executable, nothing of the build
or source tree is compiled in. Finally the installed Python client is imported with
PYTHONPATH set to the prefix alone. Every wait has a deadline.

Usage: install_test.py CMAKE BUILD_DIR
"""
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

DEADLINE_S = 30.0
PROGRAMS = ("calmond", "calmon-replay", "calmon-record", "calmon-sub", "calmon-analyze", "calmon-synth",
            "calmon-rig-sim", "calmon-keygen", "calmon-rois", "calmon-follow", "calmon-bench", "calmon-microbench",
            "calmon-proxy")
SHARED_FILES = ("share/calmon/dashboard/index.html", "share/calmon/dashboard/app.js",
                "share/calmon/bench/numpy_peer.py", "share/calmon/python/calmon_client.py",
                "share/calmon/python/calmon/wire_pb2.py", "share/calmon/python/calmon/config_pb2.py")
CMAKE, BUILD_DIR = None, None


def read_ready_line(process):
    """calmond's first stdout line, parsed; fails after DEADLINE_S or if it exits first."""
    deadline = time.monotonic() + DEADLINE_S
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([process.stdout], [], [], remaining)[0]:
            raise AssertionError("no ready line from the installed calmond within the deadline")
        chunk = os.read(process.stdout.fileno(), 1)
        if not chunk:
            raise AssertionError("the installed calmond exited before it was ready")
        line += chunk
    ready = json.loads(line)
    assert ready["event"] == "ready", ready
    return ready


def fetch(url):
    with urllib.request.urlopen(url, timeout=DEADLINE_S) as reply:
        return reply.status, reply.headers.get("Content-Type", ""), reply.read()


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.TemporaryDirectory(prefix="calmon-install-test-")
        cls.prefix = os.path.join(cls.workdir.name, "prefix")
        install = subprocess.run([CMAKE, "--install", BUILD_DIR, "--prefix", cls.prefix],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        if install.returncode != 0:
            raise AssertionError("cmake --install failed:\n" + install.stdout)

    @classmethod
    def tearDownClass(cls):
        cls.workdir.cleanup()

    def installed(self, relative):
        return os.path.join(self.prefix, relative)

    def test_layout(self):
        for program in PROGRAMS:
            self.assertTrue(os.access(self.installed("bin/" + program), os.X_OK), program)
        for relative in SHARED_FILES:
            self.assertTrue(os.path.isfile(self.installed(relative)), relative)
        # Copies, not links back into the source tree.
        self.assertFalse(os.path.islink(self.installed("share/calmon/dashboard")))

    def test_installed_calmond_serves_the_installed_page(self):
        elsewhere = os.path.join(self.workdir.name, "elsewhere")
        os.makedirs(elsewhere, exist_ok=True)
        with open(os.path.join(elsewhere, "calmond.stderr"), "w") as stderr:
            process = subprocess.Popen(
                [self.installed("bin/calmond"), "--ingest", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*",
                 "--control", "tcp://127.0.0.1:*", "--http", "127.0.0.1:0"],
                cwd=elsewhere, stdout=subprocess.PIPE, stderr=stderr)
            try:
                ready = read_ready_line(process)
                self.assertTrue(ready["http"].startswith("http://127.0.0.1:"), ready)
                status, content_type, page = fetch(ready["http"])
                self.assertEqual(status, 200)
                self.assertTrue(content_type.startswith("text/html"), content_type)
                with open(self.installed("share/calmon/dashboard/index.html"), "rb") as f:
                    self.assertEqual(page, f.read())
                status, content_type, script = fetch(ready["http"].rstrip("/") + "/app.js")
                self.assertEqual(status, 200)
                self.assertTrue(content_type.startswith("text/javascript"), content_type)
                with open(self.installed("share/calmon/dashboard/app.js"), "rb") as f:
                    self.assertEqual(script, f.read())
                process.send_signal(signal.SIGTERM)
                self.assertEqual(process.wait(timeout=DEADLINE_S), 0)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                process.stdout.close()

    def test_installed_python_client_imports(self):
        environment = dict(os.environ, PYTHONPATH=self.installed("share/calmon/python"))
        result = subprocess.run([sys.executable, "-c", "import calmon_client, calmon.wire_pb2"],
                                cwd=self.workdir.name, env=environment, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=DEADLINE_S)
        self.assertEqual(result.returncode, 0, result.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: install_test.py CMAKE BUILD_DIR")
    CMAKE, BUILD_DIR = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
