# test_crashed_daemon.py — "nothing lost without a word" when calmond dies mid-stream.
#
# calmon-replay streams the synthetic movie (paced, so calmond dies with the stream
# half sent) into a calmond that is then killed with SIGKILL:
#   - not restarted: calmon-replay, whose frames nobody takes any more, exits 1 with one
#     line saying calmond stopped mid-stream and never acknowledged the end of stream —
#     not "N frames + end of stream" with exit 0;
#   - restarted on the same endpoints while the replay goes on: the replay reconnects and
#     finishes; the restarted calmond acknowledges the end of stream but counts only the
#     frames it received, so calmon-replay reports the frames that never reached it and
#     exits 1; its Status shows a new daemon_id, the same stream_id and the session's
#     first_sequence far above 0; calmon-record notices the restart (a warning, a
#     discontinuity in metadata.json), records the continuation in session_2 and ends at
#     the stream's end of stream.
# Every port is a loopback port; the restarted calmond needs the same ones, so they are
# picked here (bound to port 0, released) rather than by calmond.
import json
import os
import socket
import unittest

import calmon_client
import e2e_support as e2e
from support import Program, wait_until

PACED_RATE_HZ = 100
FRAMES = 600                 # 6 s at 100 frames/s
KILL_AFTER_FRAMES = 150


def free_endpoint():
    """tcp://127.0.0.1:PORT with a port nothing listens on (bound to port 0, released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{probe.getsockname()[1]}"


class CrashedDaemonTest(unittest.TestCase):
    def setUp(self):
        missing = e2e.missing_programs()
        if missing:
            self.skipTest("not available: " + ", ".join(missing))
        self.movie, _, _ = e2e.require_fixture(self, "movie", "notebook")
        self.config = e2e.CONFIGS["notebook"]

    def start_replay(self, daemon, *flags):
        replay = Program([e2e.REPLAY, self.movie, "--to", daemon.ingest, "--control", daemon.control_endpoint,
                          "--last", str(FRAMES - 1), "--rate", str(PACED_RATE_HZ), "--progress", "never", *flags])
        self.addCleanup(e2e.stop, replay)
        return replay

    def kill_mid_stream(self, daemon):
        """Waits until calmond has processed KILL_AFTER_FRAMES frames, then SIGKILL; its last Status."""
        status = wait_until(lambda: (s := daemon.status()).frames_processed >= KILL_AFTER_FRAMES and s,
                            timeout=e2e.STREAM_DEADLINE_S, what=f"{KILL_AFTER_FRAMES} frames processed")
        daemon.program.process.kill()
        daemon.program.wait(e2e.STOP_DEADLINE_S)
        return status

    def test_a_replay_to_a_calmond_killed_mid_stream_exits_1_naming_the_missing_acknowledgement(self):
        daemon = e2e.Daemon(self, self.config)
        replay = self.start_replay(daemon, "--timeout", "2")
        self.kill_mid_stream(daemon)
        self.assertEqual(replay.wait(e2e.STREAM_DEADLINE_S), 1, replay.stderr_lines)
        self.assertEqual(replay.lines, [], "no summary claiming the stream was sent")
        self.assertEqual(len(replay.stderr_lines), 1, replay.stderr_lines)
        line = replay.stderr_lines[0]
        self.assertTrue(line.startswith(f"calmon-replay: calmond at {daemon.ingest} stopped taking frames after "),
                        line)
        self.assertIn("the end of stream was never acknowledged", line)

    def test_a_calmond_restarted_mid_stream_reports_the_frames_lost_and_the_recording_the_discontinuity(self):
        work = e2e.WorkDir(self, "crashed")
        endpoints = {"ingest": free_endpoint(), "publish": free_endpoint(), "control": free_endpoint()}
        first = e2e.Daemon(self, self.config, **endpoints)
        recorder = e2e.start_recorder(self, first.publish, work / "rec")
        replay = self.start_replay(first)
        before = self.kill_mid_stream(first)

        second = e2e.Daemon(self, self.config, **endpoints)  # where the first one was
        self.assertEqual(replay.wait(e2e.STREAM_DEADLINE_S), 1, replay.stderr_lines)
        after = wait_until(lambda: (s := second.status()).sessions == 1 and not s.streaming and s,
                           timeout=e2e.STREAM_DEADLINE_S, what="the restarted calmond's session to end")
        received = after.frames_processed

        # Status: another calmond run, the same stream, joined mid-way.
        self.assertNotIn(after.daemon_id, (0, before.daemon_id))
        self.assertNotEqual(before.stream_id, 0)
        self.assertEqual(after.stream_id, before.stream_id)
        self.assertGreater(after.first_sequence, before.frames_processed - 1)
        self.assertEqual(received, FRAMES - after.first_sequence)  # from its first frame to the end, nothing missing
        self.assertEqual(dict(after.rejected), {})

        # calmon-replay: the summary says what calmond processed, stderr what never reached it.
        summary = [line for line in replay.lines if line.startswith("calmon-replay:")]
        self.assertEqual(len(summary), 1, replay.lines)
        self.assertIn(f"{FRAMES} frames + end of stream", summary[0])
        self.assertTrue(summary[0].endswith(f"; calmond processed {received} of {FRAMES} frames "
                                            f"(0 rejected, {FRAMES - received} never arrived)"), summary[0])
        self.assertEqual(replay.stderr_lines, [
            f"calmon-replay: calmond processed {received} of the {FRAMES} frames sent; {FRAMES - received} never "
            f"reached it (the calmond answering saw this stream from frame {after.first_sequence} on: it was "
            f"restarted mid-stream)"])

        # calmon-record: the restart is a discontinuity; the stream goes on in session_2 to its end.
        self.assertEqual(recorder.wait(e2e.STREAM_DEADLINE_S), 0, recorder.stderr_lines)
        metadata = e2e.load_json(work / "rec", "metadata.json")
        self.assertEqual(metadata["end_reason"], "end_of_stream")
        self.assertEqual(len(metadata["discontinuities"]), 1, metadata["discontinuities"])
        restart = metadata["discontinuities"][0]
        last = restart["last_sequence"]
        self.assertEqual((restart["kind"], restart["session"], restart["daemon_id_before"], restart["daemon_id_after"],
                          restart["stream_id"], restart["next_session"], restart["next_sequence"],
                          restart["frames_lost"]),
                         ("daemon_restarted", 1, str(before.daemon_id), str(after.daemon_id), str(before.stream_id),
                          2, after.first_sequence, after.first_sequence - last - 1))
        self.assertGreaterEqual(last, before.frames_processed - 1)
        segments = metadata["segments"]
        self.assertEqual([(s["folder"], s["daemon_id"], s["end_of_stream_received"]) for s in segments],
                         [(".", str(before.daemon_id), False), ("session_2", str(after.daemon_id), True)])
        self.assertEqual(segments[1]["frames"], received)
        warnings = "\n".join(recorder.stderr_lines)
        self.assertIn(f"calmond restarted (daemon id {before.daemon_id} -> {after.daemon_id})", warnings)
        self.assertIn(f"goes on in the restarted calmond from frame {after.first_sequence}", warnings)
        with open(work / "rec/status.jsonl") as f:
            daemon_ids = {json.loads(line)["daemon_id"] for line in f}
        self.assertEqual(daemon_ids, {str(before.daemon_id), str(after.daemon_id)})


if __name__ == "__main__":
    unittest.main()
