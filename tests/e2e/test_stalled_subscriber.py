# test_stalled_subscriber.py — "a stalled subscriber does not slow the stream".
#
# calmond's publish socket never waits for a subscriber: one more than --publish-hwm
# (default 1000) messages behind loses messages, and the pipeline goes on
# (docs/daemon.md). Here a raw pyzmq SUB socket subscribes to traces and projections
# (and status) with a receive queue of 10 messages and is never read while the movie
# streams; calmon-record records the same stream normally; calmon-replay sends it
# --fast. Then:
#   - the recorder got every frame: metadata.json reports nothing lost, and the
#     recording is calmon-analyze's folder for the same movie, bit for bit;
#   - calmond processed every frame (Status.frames_processed);
#   - the stalled subscriber, read only afterwards, holds a prefix of the stream —
#     frames 0..k-1, k far below the movie's frames — and no end of stream: calmond
#     dropped the rest for it instead of waiting for it.
# No timing assertions: speed is measured by the benchmarks, not by tests.
#
# The movie is the 10,000-frame synthetic movie and the config tests/golden/filters.json
# (78 ROIs, ~4.5 KB per TraceUpdate): what a stalled connection can hold besides
# calmond's 1000 queued messages — the kernel's socket buffers, a few MB on loopback —
# is then small next to the stream, so "far fewer" is not a matter of luck.
import time
import unittest

import zmq

from calmon import wire_pb2
import e2e_support as e2e
from support import wait_until

STALLED_RCVHWM = 10            # messages the stalled socket's own queue takes
STALLED_RCVBUF = 64 * 1024     # its kernel receive buffer: fixed, not auto-tuned up to tens of MB
DRAIN_DEADLINE_S = 20.0 * e2e.SLOWDOWN


class StalledSubscriberTest(unittest.TestCase):
    def setUp(self):
        missing = e2e.missing_programs()
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.config = e2e.CONFIGS["filters"]
        self.movie, self.frames, self.analyzed = e2e.require_fixture(self, "long_movie", "filters")
        self.context = zmq.Context()
        self.addCleanup(self.context.destroy, 0)

    def stalled_subscriber(self, publish):
        """A SUB socket on traces, projections and status that nobody reads until drain()."""
        socket = self.context.socket(zmq.SUB)
        socket.setsockopt(zmq.RCVHWM, STALLED_RCVHWM)
        socket.setsockopt(zmq.RCVBUF, STALLED_RCVBUF)
        socket.setsockopt(zmq.LINGER, 0)
        # Status too: a Status published after the stream ended, when it arrives, proves
        # that everything the connection held for the stream has been read (one socket,
        # one queue, in order) — the drain needs no quiet period.
        for topic in (b"traces", b"projections", b"status"):
            socket.setsockopt(zmq.SUBSCRIBE, topic)
        socket.connect(publish)
        self.addCleanup(socket.close, 0)
        return socket

    def drain(self, socket):
        """Everything the stalled socket holds: the live frames' indices, settled-only and
        end-of-stream updates, snapshots — read until a Status from after the stream."""
        live, settled_only, end_of_stream, snapshots = [], 0, 0, 0
        deadline = time.monotonic() + DRAIN_DEADLINE_S
        while True:
            remaining = deadline - time.monotonic()
            self.assertGreater(remaining, 0, f"no Status from after the stream within {DRAIN_DEADLINE_S} s; "
                                             f"read {len(live)} live updates")
            if not socket.poll(int(remaining * 1000) + 1):
                continue
            topic, payload = socket.recv_multipart()
            if topic == b"traces":
                update = wire_pb2.TraceUpdate.FromString(payload)
                if update.end_of_stream:
                    end_of_stream += 1
                elif update.settled_only:
                    settled_only += 1
                else:
                    live.append(update.frame_index)
            elif topic == b"projections":
                snapshots += 1
            elif topic == b"status":
                status = wire_pb2.Status.FromString(payload)
                if status.sessions == 1 and not status.streaming and status.frames_processed == self.frames:
                    return live, settled_only, end_of_stream, snapshots

    def test_a_subscriber_that_never_reads_is_dropped_for_not_waited_on(self):
        work = e2e.WorkDir(self, "stalled")
        recording = work / "recording"
        daemon = e2e.Daemon(self, self.config)

        stalled = self.stalled_subscriber(daemon.publish)
        # Its three subscriptions have reached calmond: from now on it is sent everything.
        wait_until(lambda: daemon.status().subscribers == 3, timeout=10 * e2e.SLOWDOWN,
                       what="the stalled subscriber's 3 subscriptions in Status.subscribers")
        recorder = e2e.start_recorder(self, daemon.publish, recording)
        self.assertGreater(daemon.status().subscribers, 3)

        summary = e2e.replay(self, self.movie, self.frames, daemon, "--fast")
        lines = e2e.wait_for_recording(self, recorder)
        self.assertIn(f"calmon-record: {self.frames} frames (0 not received), 1 folder, end of stream", lines[-1])
        status = daemon.status()
        self.assertEqual((status.frames_processed, status.gaps, status.streaming), (self.frames, 0, False), status)

        # Only now is the stalled subscriber read.
        live, settled_only, end_of_stream, snapshots = self.drain(stalled)
        daemon.shut_down()
        print(f"\n{summary}\nthe stalled subscriber held {len(live)} of {self.frames} frames' updates, "
              f"{settled_only} settled-only, {end_of_stream} end of stream, {snapshots} snapshots")
        self.assertTrue(live, "the stalled subscriber received nothing: was it subscribed?")
        self.assertEqual(live, list(range(len(live))), "the stalled subscriber's updates are not a prefix of the stream")
        self.assertLess(len(live), self.frames // 2, "the stalled subscriber was not dropped for")
        self.assertEqual((settled_only, end_of_stream), (0, 0), "the end of the stream reached the stalled subscriber")

        # Meanwhile the recorder lost nothing: calmon-analyze's numbers, bit for bit.
        e2e.check_metadata(self, recording, self.frames)
        e2e.compare_with_analyze(self, recording, self.analyzed, self.config, self.movie, self.frames)


if __name__ == "__main__":
    unittest.main()
