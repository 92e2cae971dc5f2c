# test_planes.py — a multi-plane session spread over three calmond, recorded through calmon-proxy.
#
# A 3-plane movie (three synthetic movies, calmon-synth --seed 1, 2, 3, stacked by
# tifffile into one ImageJ hyperstack, axes TZYX) is replayed by one calmon-replay with
# --route Z=... to three calmond, each started with --plane Z; one calmon-proxy connects
# to their three publish sockets, and one calmon-record --planes 0-2 records through it.
# Each plane's folder must be calmon-analyze --plane Z of the hyperstack, bit for bit
# (every trace file and projection image, as test_live_equals_offline.py compares), and
# no calmond may have rejected a frame (no "other_channel"): every frame went to the
# daemon of its plane, and every one was processed.
#
# SameHost runs everything on loopback (ephemeral ports): the logic, everywhere.
# Namespaces runs each calmond in a network namespace of its own — its own test host,
# bound to its own address on the default ports, reached over a veth pair from the root
# namespace, where the proxy, the replay and the recorder run — made by the test and
# removed by its cleanups even when it fails. It needs root and `ip` (iproute2), and is
# skipped with the reason otherwise. ProxySubscriptions: two subscribers come and go
# through calmon-proxy, and calmond's Status.subscribers follows the topics they hold
# back to 0.
import json
import os
import re
import shutil
import subprocess
import unittest

import numpy as np
import tifffile

import e2e_support as e2e
from support import Program, wait_until

PROXY = os.environ.get("CALMON_PROXY", "")
SYNTH = os.environ.get("CALMON_SYNTH", "")
PLANES = 3
FRAMES = 600  # the notebook config projects frames 100..499
CONFIG_NAME = "notebook"


def run(test_case, args, deadline=e2e.STREAM_DEADLINE_S):
    program = Program(args)
    test_case.addCleanup(e2e.stop, program)
    code = program.wait(deadline)
    test_case.assertEqual(code, 0, f"{args[0]} exited with {code}: {program.stderr_lines}")
    return program.lines


class PlanesSession:
    """Mixed into a TestCase; the subclass starts the daemons (start_daemons)."""

    def setUp(self):
        missing = e2e.missing_programs() + [name for name, path in
                                            {"CALMON_PROXY": PROXY, "CALMON_SYNTH": SYNTH}.items()
                                            if not path or not os.path.exists(path)]
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.config = e2e.CONFIGS[CONFIG_NAME]
        self.work = e2e.WorkDir(self, type(self).__name__.lower())

    def make_movie(self):
        """The hyperstack, and each plane's own movie (the same pixels, for `latest`)."""
        planes = []
        for z in range(PLANES):
            folder = self.work / f"synth_{z}"
            run(self, [SYNTH, folder, "--frames", FRAMES, "--seed", z + 1])
            planes.append(os.path.join(folder, "movie.tif"))
        stack = np.stack([tifffile.imread(path) for path in planes], axis=1)  # (T, Z, Y, X)
        self.assertEqual(stack.shape[:2], (FRAMES, PLANES))
        movie = self.work / "stack.tif"
        tifffile.imwrite(movie, stack, imagej=True, metadata={"axes": "TZYX", "finterval": 1 / 30})
        return movie, planes

    def analyze(self, movie):
        folders = []
        for z in range(PLANES):
            folder = self.work / f"analyzed_{z}"
            run(self, [e2e.ANALYZE, movie, "--config", self.config, "--plane", z, "--out", folder, "--quiet"])
            folders.append(folder)
        return folders

    def start_proxy(self, publish_endpoints, bind):
        proxy = Program([PROXY, *[arg for endpoint in publish_endpoints for arg in ("--from", endpoint)],
                         "--publish", bind])
        self.addCleanup(e2e.stop, proxy)
        line = proxy.wait_for_line(lambda line: line.startswith("calmon-proxy:"), e2e.START_DEADLINE_S)
        match = re.fullmatch(r"calmon-proxy: ready: 3 calmonds -> (\S+)", line)
        self.assertTrue(match, f"{line!r} {proxy.stderr_lines}")
        return proxy, match.group(1)

    def test_each_plane_recorded_through_the_proxy_is_calmon_analyze_of_that_plane(self):
        movie, plane_movies = self.make_movie()
        analyzed = self.analyze(movie)
        daemons = self.start_daemons()  # [(publish, route text, control client)] by plane
        proxy, endpoint = self.start_proxy([publish for publish, _, _ in daemons], "tcp://127.0.0.1:*")
        recording = self.work / "recording"
        recorder = e2e.start_recorder(self, endpoint, recording, "--planes", f"0-{PLANES - 1}")

        lines = run(self, [e2e.REPLAY, movie, *[arg for _, route, _ in daemons for arg in ("--route", route)],
                           "--fast", "--progress", "never", "--timeout", e2e.REPLAY_TIMEOUT_S])
        summaries = [line for line in lines if line.startswith("calmon-replay: plane")]
        self.assertEqual(len(summaries), PLANES, lines)
        for z, summary in enumerate(summaries):
            self.assertTrue(summary.startswith(f"calmon-replay: plane {z}: {FRAMES} frames + end of stream"), summary)
            self.assertTrue(summary.endswith(f"; calmond processed all {FRAMES}"), summary)

        lines = e2e.wait_for_recording(self, recorder)
        for z in range(PLANES):
            self.assertIn(f"calmon-record: plane {z}: {FRAMES} frames (0 not received), 1 folder, end of stream",
                          lines[-PLANES + z])
        for z, (_, _, control) in enumerate(daemons):
            status = control.status()
            self.assertEqual((status.plane, status.frames_processed, sum(status.rejected.values()), status.sessions),
                             (z, FRAMES, 0, 1), status)
            folder = os.path.join(recording, f"plane_{z}")
            e2e.compare_with_analyze(self, folder, analyzed[z], self.config, plane_movies[z], FRAMES, times=True)
            e2e.check_metadata(self, folder, FRAMES)
            with open(os.path.join(folder, "status.jsonl")) as lines:
                planes = {json.loads(line).get("plane", 0) for line in lines}
            self.assertEqual(planes, {z}, f"{folder}/status.jsonl: only plane {z}'s Status")
        e2e.stop(proxy)
        self.assertEqual(proxy.process.returncode, 0, proxy.stderr_lines)


class ProxySubscriptions(unittest.TestCase):
    """Through calmon-proxy calmond counts the topics its subscribers hold, down to 0 when
    they are gone (so it computes no projections nobody receives)."""

    def setUp(self):
        if not PROXY or not os.path.exists(PROXY) or e2e.missing_programs():
            self.skipTest("calmon-proxy or calmond not available")

    def test_subscriptions_come_and_go_through_the_proxy(self):
        daemon = e2e.Daemon(self, e2e.CONFIGS[CONFIG_NAME])
        proxy = Program([PROXY, "--from", daemon.publish, "--publish", "tcp://127.0.0.1:*"])
        self.addCleanup(e2e.stop, proxy)
        endpoint = proxy.wait_for_line(lambda line: "ready" in line, e2e.START_DEADLINE_S).split(" -> ")[1]

        def subscribers():
            return daemon.status().subscribers

        first = e2e.calmon_client.Subscriber(endpoint, topics=("traces",)).wait_ready()  # traces, rois, status
        self.addCleanup(first.close)
        second = e2e.calmon_client.Subscriber(endpoint, topics=("traces", "projections")).wait_ready()
        self.addCleanup(second.close)
        wait_until(lambda: subscribers() == 4, e2e.START_DEADLINE_S, "4 topics subscribed")
        second.close()  # projections: nobody else
        wait_until(lambda: subscribers() == 3, e2e.START_DEADLINE_S, "projections unsubscribed")
        first.close()
        wait_until(lambda: subscribers() == 0, e2e.START_DEADLINE_S, "every topic unsubscribed")


class SameHost(PlanesSession, unittest.TestCase):
    def start_daemons(self):
        daemons = []
        for z in range(PLANES):
            daemon = e2e.Daemon(self, self.config, "--plane", str(z))
            daemons.append((daemon.publish, f"{z}={daemon.ingest},{daemon.control_endpoint}", daemon.control))
        return daemons


class Namespaces(PlanesSession, unittest.TestCase):
    """Each calmond in a network namespace of its own, 10.213.N.(4z+2), on the default ports."""

    def setUp(self):
        super().setUp()
        if os.geteuid() != 0:
            self.skipTest("network namespaces need root (run as root, as CI does)")
        if shutil.which("ip") is None:
            self.skipTest("network namespaces need `ip` (iproute2)")
        self.tag = f"{os.getpid() % 100000}"
        self.subnet = f"10.213.{os.getpid() % 250}"
        probe = subprocess.run(["ip", "netns", "add", f"calmon{self.tag}p"], capture_output=True, text=True)
        if probe.returncode != 0:
            self.skipTest("cannot make a network namespace: " + probe.stderr.strip())
        subprocess.run(["ip", "netns", "del", f"calmon{self.tag}p"], check=True)

    def ip(self, *args, namespace=None):
        prefix = ["ip", "netns", "exec", namespace] if namespace else []
        subprocess.run([*prefix, "ip", *args], check=True, capture_output=True, text=True)

    def make_host(self, z):
        """Namespace z with lo up and a veth pair to the root namespace; its address."""
        namespace, outside, inside = f"calmon{self.tag}h{z}", f"cv{self.tag}h{z}", f"cv{self.tag}n{z}"
        self.ip("netns", "add", namespace)
        self.addCleanup(subprocess.run, ["ip", "netns", "del", namespace], capture_output=True)
        self.ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        self.addCleanup(subprocess.run, ["ip", "link", "del", outside], capture_output=True)  # gone with the netns
        self.ip("link", "set", inside, "netns", namespace)
        self.ip("addr", "add", f"{self.subnet}.{4 * z + 1}/30", "dev", outside)
        self.ip("link", "set", outside, "up")
        address = f"{self.subnet}.{4 * z + 2}"
        self.ip("addr", "add", f"{address}/30", "dev", inside, namespace=namespace)
        self.ip("link", "set", inside, "up", namespace=namespace)
        self.ip("link", "set", "lo", "up", namespace=namespace)
        return namespace, address

    def start_daemons(self):
        daemons = []
        for z in range(PLANES):
            namespace, address = self.make_host(z)
            endpoints = {name: f"tcp://{address}:{port}" for name, port in
                         (("ingest", 5570), ("publish", 5571), ("control", 5572))}
            daemon = Program(["ip", "netns", "exec", namespace, e2e.CALMOND, "--analysis", self.config,
                              "--plane", z, "--ingest", endpoints["ingest"], "--publish", endpoints["publish"],
                              "--control", endpoints["control"], "--allow-unprotected", "--no-http",
                              "--status-interval", "0.1"])
            self.addCleanup(e2e.stop, daemon)
            daemon.wait_for_line(lambda line: line.startswith("{"), e2e.START_DEADLINE_S)
            control = e2e.calmon_client.Control(endpoints["control"], timeout=10 * e2e.SLOWDOWN)
            self.addCleanup(control.close)
            # The route names the ingest socket only: the control socket is port 5572 on its host.
            daemons.append((endpoints["publish"], f"{z}={endpoints['ingest']}", control))
        return daemons


if __name__ == "__main__":
    unittest.main()
