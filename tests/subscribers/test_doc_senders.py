# test_doc_senders.py — the documented ways to send frames from Python, run exactly as
# written against a real calmond on 512x512 frames.
#
# docs/protocol.md (the raw pyzmq loop) and docs/subscribers.md (calmon_client's
# FrameSender) each have one code block marked "Tested as written by" this file. Each
# block is taken from the Markdown as it is, its default endpoints replaced by those of
# a calmond started here on ephemeral ports, and run as a script of its own — so a
# script that exits before ZeroMQ has delivered its frames shows here, as it would for a
# user. Run twice: every frame of both runs must be processed, each run its own session,
# nothing rejected. (Before the fix, 39 of 101 messages of such a script arrived.)
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import tifffile

import calmon_client
from support import DAEMON, Program, wait_until

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs")
MARKER = "# Tested as written by tests/subscribers/test_doc_senders.py"
FRAMES, HEIGHT, WIDTH = 100, 512, 512
RUN_DEADLINE_S = 120.0


def marked_blocks(document):
    """The ```python blocks of docs/<document> that carry the marker line."""
    with open(os.path.join(DOCS, document)) as f:
        text = f.read()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    return [block for block in blocks if MARKER in block]


@unittest.skipUnless(DAEMON and os.path.exists(DAEMON), "calmond is not built (CALMON_DAEMON)")
class DocumentedSendersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="calmon-doc-senders-")
        movie = np.random.default_rng(7).integers(0, 4096, (FRAMES, HEIGHT, WIDTH)).astype(np.uint16)
        np.save(os.path.join(cls._tmp.name, "movie.npy"), movie)        # docs/protocol.md reads it
        os.mkdir(os.path.join(cls._tmp.name, "demo"))
        tifffile.imwrite(os.path.join(cls._tmp.name, "demo", "movie.tif"), movie)  # docs/subscribers.md reads it

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def setUp(self):
        self.daemon = Program([DAEMON, "--ingest", "tcp://127.0.0.1:*", "--publish", "tcp://127.0.0.1:*",
                               "--control", "tcp://127.0.0.1:*", "--no-http", "--snapshot-hz", "0"])
        self.addCleanup(self.daemon.kill)
        ready = json.loads(self.daemon.wait_for_line(lambda line: line.startswith("{")))
        self.ingest, self.control_endpoint = ready["ingest"], ready["control"]
        self.control = calmon_client.Control(self.control_endpoint, timeout=10)
        self.addCleanup(self.control.close)

    def run_block(self, block, name):
        """The block as a script of its own, aimed at this test's calmond; its stdout."""
        for default in ("tcp://127.0.0.1:5570", "tcp://127.0.0.1:5572"):
            self.assertIn(default, block, f"{name}: the documented endpoints changed")
        script = block.replace("tcp://127.0.0.1:5570", self.ingest).replace("tcp://127.0.0.1:5572",
                                                                             self.control_endpoint)
        path = os.path.join(self._tmp.name, name + ".py")
        with open(path, "w") as f:
            f.write(script)
        result = subprocess.run([sys.executable, path], cwd=self._tmp.name, capture_output=True, text=True,
                                timeout=RUN_DEADLINE_S)
        self.assertEqual(result.returncode, 0, f"{name} failed:\n{result.stderr}")
        return result.stdout

    def check_document(self, document):
        blocks = marked_blocks(document)
        self.assertEqual(len(blocks), 1, f"docs/{document}: expected one block marked '{MARKER}'")
        for run in (1, 2):
            out = self.run_block(blocks[0], f"{os.path.splitext(document)[0]}_{run}")
            self.assertEqual(out, f"calmond processed {FRAMES} of {FRAMES} frames\n")
            # Every frame of the run processed, its end of stream arrived (the session is
            # over), and the next run started a session of its own.
            status = wait_until(lambda: (s := self.control.status()).frames_processed >= run * FRAMES and
                                not s.streaming and s, timeout=30, what=f"run {run}'s frames and end of stream")
            self.assertEqual((status.frames_processed, status.sessions, dict(status.rejected)),
                             (run * FRAMES, run, {}))
            self.assertEqual(status.frames_received, run * (FRAMES + 1))

    def test_the_raw_pyzmq_loop_of_the_protocol_delivers_every_frame(self):
        self.check_document("protocol.md")

    def test_the_frame_sender_example_delivers_every_frame(self):
        self.check_document("subscribers.md")


if __name__ == "__main__":
    unittest.main()
