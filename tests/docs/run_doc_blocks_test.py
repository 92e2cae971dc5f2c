# run_doc_blocks_test.py — the doc-test runner on made-up pages and a made-up build:
# marks are read as run_doc_blocks.py documents them, a block that fails (or prints
# what the page does not show) fails the page naming its line, a background block is
# waited for and stopped, ports are replaced, and the program wrappers add the test's
# defaults only where the command gives none. A runner that ran nothing would fail here.
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

import run_doc_blocks

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS_PRINTER = "#!/bin/sh\necho \"$0 $*\"\n"


class RunnerTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="calmon-doc-runner-test-")
        self.addCleanup(self._tmp.cleanup)
        self.build = os.path.join(self._tmp.name, "build")
        os.makedirs(os.path.join(self.build, "bin"))
        os.makedirs(os.path.join(self.build, "python"))
        for program in ("calmon-replay", "calmond"):  # stand-ins that print their arguments
            path = os.path.join(self.build, "bin", program)
            with open(path, "w") as f:
                f.write(ARGS_PRINTER)
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)

    def page(self, text):
        path = os.path.join(self._tmp.name, "page.md")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def run_page(self, text):
        result = subprocess.run([sys.executable, os.path.join(HERE, "run_doc_blocks.py"), "--build-dir", self.build,
                                 self.page(text)], capture_output=True, text=True, timeout=60)
        return result.returncode, result.stdout, result.stderr

    def test_marks_and_options_are_read_and_indented_blocks_unindented(self):
        blocks = run_doc_blocks.marked_blocks(self.page("""\
            ```sh
            echo not marked
            ```
            <!-- doc-test -->
            ```sh
            echo one
            ```
            - a list item:

              <!-- doc-test: background, name=d, ready='"ready"' -->
              ```python
              print("ready")
              ```

            A mark shown as an example, in an indented code block, is none:

                <!-- doc-test -->
                ```sh
                echo example
                ```
            """))
        self.assertEqual([(b.lang, b.text) for b in blocks], [("sh", "echo one\n"), ("python", 'print("ready")\n')])
        self.assertEqual(blocks[1].options, {"background": True, "name": "d", "ready": '"ready"'})

    def test_bad_marks_are_named(self):
        for text, message in [("<!-- doc-test: sometimes -->\n```sh\ntrue\n```\n", "unknown doc-test option"),
                              ("<!-- doc-test -->\ntext\n", "must be followed by"),
                              ("<!-- doc-test: background -->\n```sh\ntrue\n```\n", "needs ready="),
                              ("<!-- doc-test -->\n```sh\ntrue\n", "never closed")]:
            with self.assertRaisesRegex(run_doc_blocks.DocError, message):
                run_doc_blocks.marked_blocks(self.page(text))

    def test_a_page_that_works_passes(self):
        code, out, err = self.run_page("""\
            <!-- doc-test: background, name=server, ready='up' -->
            ```sh
            echo up; sleep 60
            ```
            <!-- doc-test: expect='hello' -->
            ```sh
            echo hello > greeting; cat greeting
            ```
            <!-- doc-test: output -->
            ```
            hello
            ```
            <!-- doc-test: exit=3 -->
            ```sh
            exit 3
            ```
            <!-- doc-test -->
            ```python
            assert ":5570" != ":" + "55" + "70", "the default port was not replaced"
            ```
            """)
        self.assertEqual(code, 0, out + err)
        self.assertIn("5 blocks ran as written", out)

    def test_a_failing_block_fails_the_page_and_names_its_line(self):
        code, _, err = self.run_page("""\
            text

            <!-- doc-test -->
            ```sh
            false
            ```
            """)
        self.assertEqual(code, 1)
        self.assertIn("line 5 (sh): false: exited with 1, the page expects 0", err)

    def test_an_output_the_page_shows_wrongly_fails(self):
        code, _, err = self.run_page("""\
            <!-- doc-test -->
            ```sh
            echo 41
            ```
            <!-- doc-test: output -->
            ```
            42
            ```
            """)
        self.assertEqual(code, 1)
        self.assertIn("the page shows\n42\nbut the block before printed\n41", err)

    def test_a_background_block_that_dies_fails_the_page(self):
        code, _, err = self.run_page("""\
            <!-- doc-test: background, name=d, ready='never printed' -->
            ```sh
            exit 2
            ```
            """)
        self.assertEqual(code, 1)
        self.assertIn("exited with 2 before printing 'never printed'", err)

    def test_wrappers_add_the_test_defaults_only_where_the_command_gives_none(self):
        code, out, err = self.run_page("""\
            <!-- doc-test -->
            ```sh
            build/bin/calmon-replay movie.tif
            build/bin/calmon-replay movie.tif --fast --to tcp://127.0.0.1:5570
            build/bin/calmond --no-http
            ```
            """)
        self.assertEqual(code, 0, out + err)
        replay_default, replay_given, daemon = [line for line in out.splitlines() if line.startswith(self.build)]
        self.assertRegex(replay_default, r"--to tcp://127\.0\.0\.1:\d+ --control tcp://127\.0\.0\.1:\d+ --rate 1000 movie\.tif$")
        self.assertNotIn(":5570", replay_default)
        self.assertNotIn("--rate", replay_given)
        self.assertEqual(replay_given.count("--to"), 1)
        self.assertNotIn("--http", daemon.replace("--no-http", ""))
        self.assertIn("--ingest tcp://127.0.0.1:", daemon)


if __name__ == "__main__":
    unittest.main()
