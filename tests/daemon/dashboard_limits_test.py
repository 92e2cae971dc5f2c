#!/usr/bin/env python3
"""dashboard_limits_test.py — calmond's HTTP server under a crowd of idle connections.

calmond runs for real (daemon_smoke_test.Daemon, ephemeral loopback ports, the dashboard
on 127.0.0.1:0). Raw TCP connections that never send a request must be closed by the
server within its idle timeout; connections beyond --http-max-connections are closed at
once and counted (Status.http_refused["connections"]); and when calmond runs out of file
descriptors (its limit lowered with prlimit) it must not spin on accept: its CPU time
stays far below a busy core, a new ZeroMQ control client is still answered, and every
idle connection is still closed in the end. Every wait has a deadline; the one fixed
interval is the CPU measurement's.

Usage: CALMOND=build/bin/calmond PYTHONPATH=build/python dashboard_limits_test.py
"""
import os
import resource
import select
import socket
import tempfile
import time
import unittest
import urllib.parse

import zmq

from calmon import wire_pb2
from daemon_smoke_test import SANITIZER, Daemon

DEADLINE_S = 30.0


def dashboard_address(daemon):
    url = urllib.parse.urlsplit(daemon.ready["http"])
    return url.hostname, url.port


def connect_idle(address, count):
    """`count` TCP connections to `address` that send nothing."""
    return [socket.create_connection(address, timeout=DEADLINE_S) for _ in range(count)]


def closed_by_server(sock, deadline):
    """Whether the server closes `sock` (EOF or reset) before `deadline` (time.monotonic)."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([sock], [], [], remaining)[0]:
            return False
        try:
            if sock.recv(4096) == b"":
                return True
        except ConnectionResetError:
            return True


def http_get(address, target="/"):
    """Status code of GET `target` on a new connection; None if it was closed unanswered."""
    try:
        with socket.create_connection(address, timeout=DEADLINE_S) as sock:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n\r\n".encode())
            reply = sock.recv(4096)
    except (ConnectionResetError, BrokenPipeError):
        return None
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else None


def cpu_seconds(pid):
    """User + system CPU time of every thread of `pid`."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def control_status(endpoint, deadline_s):
    """Status from a new REQ client, or None if no reply came within `deadline_s`."""
    context = zmq.Context()
    try:
        req = context.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        req.connect(endpoint)
        req.send(wire_pb2.ControlRequest(status=wire_pb2.Empty()).SerializeToString())
        if not req.poll(deadline_s * 1000):
            return None
        reply = wire_pb2.ControlReply()
        reply.ParseFromString(req.recv())
        return reply.status
    finally:
        context.destroy(linger=0)


class DashboardLimitsTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory()
        self.daemon = None
        self.sockets = []

    def start(self, *flags):
        self.daemon = Daemon(self.workdir.name, "--http", "127.0.0.1:0", *flags, push=False)
        return self.daemon

    def tearDown(self):
        for sock in self.sockets:
            sock.close()
        try:
            if self.daemon:  # ctest shows this only when a test fails
                print(f"--- calmond stderr ({self.id()}) ---\n" + self.daemon.log())
        finally:
            if self.daemon:
                self.daemon.close()
            self.workdir.cleanup()

    def test_idle_connections_are_closed_within_the_idle_timeout(self):
        d = self.start("--http-idle-timeout", "1")
        address = dashboard_address(d)
        self.sockets = connect_idle(address, 10)
        # Half a request (slowloris) is no better than none.
        half = socket.create_connection(address, timeout=DEADLINE_S)
        half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.sockets.append(half)
        # Nor is a keep-alive connection that asks nothing more after its first answer.
        kept = socket.create_connection(address, timeout=DEADLINE_S)
        kept.sendall(f"GET / HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n\r\n".encode())
        self.assertTrue(kept.recv(4096).startswith(b"HTTP/1.1 200"))
        self.sockets.append(kept)
        # calmond said 1 s; the deadline only has to tell that from the 30 s it used to allow.
        deadline = time.monotonic() + 10
        for i, sock in enumerate(self.sockets):
            self.assertTrue(closed_by_server(sock, deadline), f"connection {i} still open")

    def test_connections_beyond_the_cap_are_closed_at_once_and_counted(self):
        d = self.start("--http-max-connections", "4", "--http-idle-timeout", "60")
        address = dashboard_address(d)
        self.sockets = connect_idle(address, 4)
        extra = socket.create_connection(address, timeout=DEADLINE_S)
        self.sockets.append(extra)
        self.assertTrue(closed_by_server(extra, time.monotonic() + 10), "the fifth connection was not closed")
        status = d.wait_for_status(lambda s: s.http_refused.get("connections", 0) == 1, "one refused connection")
        self.assertEqual(dict(status.http_refused), {"connections": 1})
        self.assertIn("dashboard refused (connections) 127.0.0.1:", d.log())
        # The four are still served...
        first = self.sockets[0]
        first.sendall(f"GET / HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n\r\n".encode())
        self.assertTrue(first.recv(4096).startswith(b"HTTP/1.1 200"))
        # ... and when one leaves, a new connection takes its place.
        self.sockets.pop(0).close()
        deadline = time.monotonic() + 10
        while http_get(address) != 200:
            self.assertLess(time.monotonic(), deadline, "no connection accepted after one closed")
            time.sleep(0.05)  # polling a condition, with a deadline

    @unittest.skipIf(SANITIZER == "asan", "UBSan's type check needs a free file descriptor")
    def test_out_of_file_descriptors_calmond_does_not_spin_and_still_answers(self):
        d = self.start("--http-max-connections", "1000", "--http-idle-timeout", "2")
        pid = d.process.pid
        # The ready line comes before the pipeline thread has opened its descriptors (the
        # request preparer's eventfd); a status reply comes from that thread.
        d.status()
        limit = open_files(pid) + 16
        _, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, hard))
        address = dashboard_address(d)
        self.sockets = connect_idle(address, 60)  # the kernel's backlog takes what calmond cannot
        deadline = time.monotonic() + DEADLINE_S
        while open_files(pid) < limit:
            self.assertLess(time.monotonic(), deadline, "calmond never used its last file descriptor")
            time.sleep(0.01)  # polling a condition, with a deadline

        # (a) Out of descriptors, with connections waiting: a spinning accept loop would
        # burn a whole core. A spin detector, not a speed test: the bound is generous.
        wall_start, cpu_start = time.monotonic(), cpu_seconds(pid)
        time.sleep(2.0)  # the measurement interval
        share = (cpu_seconds(pid) - cpu_start) / (time.monotonic() - wall_start)
        self.assertLess(share, 0.3, f"calmond used {share:.0%} of a core while out of file descriptors")

        # (b) A new ZeroMQ peer is still answered: idle connections are closed, freeing descriptors.
        status = control_status(d.ready["control"], DEADLINE_S)
        self.assertIsNotNone(status, "no control reply while the dashboard was flooded")
        self.assertEqual(status.frames_received, 0)

        # (c) Every idle connection is closed in the end, the waiting ones too.
        deadline = time.monotonic() + DEADLINE_S
        for i, sock in enumerate(self.sockets):
            self.assertTrue(closed_by_server(sock, deadline), f"connection {i} still open")
        log = d.log()
        self.assertIn("dashboard: cannot accept a connection (Too many open files)", log)
        self.assertLess(log.count("cannot accept a connection"), 30, "the pause is logged once per burst")
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (1024, hard))
        self.assertEqual(http_get(address), 200)


if __name__ == "__main__":
    unittest.main()
