// synth_cli_test.cc — calmon-synth run as a user runs it: what it prints names the files
// it wrote, exactly as a shell would reach them; a bad command line is one line and exit 2,
// the first mistake on it named; off a terminal there is no progress line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "calmon/output.pb.h"
#include "config/json_message.h"
#include "test_support.h"

namespace calmon {
namespace {

namespace fs = std::filesystem;

TEST(SynthCli, AFolderGivenWithATrailingSlashIsNamedWithoutADoubleOne) {
  const fs::path dir = test::temp_dir("synth_cli_test");
  const std::string out = (dir / "stdout.txt").string();
  const std::string command =
      std::string(CALMON_SYNTH) + " " + (dir / "demo").string() + "/ --frames 3 --width 8 --height 6 >" + out + " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << test::read_file(out);
  const std::string printed = test::read_file(out);
  EXPECT_NE(printed.find("wrote " + (dir / "demo" / "movie.tif").string() + " (3 frames of 8x6"), std::string::npos)
      << printed;
  EXPECT_EQ(printed.find("//"), std::string::npos) << printed;
  EXPECT_TRUE(fs::exists(dir / "demo" / "movie.tif"));
  // cells.json is GroundTruthCells through the JSON mapping: it reads back as one.
  const std::string cells_path = (dir / "demo" / "truth" / "cells.json").string();
  const auto cells =
      config::parse_json_as<pb::GroundTruthCells>(config::read_text_file(cells_path), cells_path, "cells.json");
  EXPECT_EQ(cells.movie().file(), "movie.tif");
  EXPECT_EQ((std::vector<double>{cells.movie().frames(), static_cast<double>(cells.movie().width())}),
            (std::vector<double>{3, 8}));
  EXPECT_EQ(cells.movie().seed(), 1u);
  EXPECT_EQ(cells.cells_size(), 0);  // 8x6 pixels hold no cell
}

using Outcome = test::CommandOutcome;

Outcome synth(const std::string& arguments) {
  return test::run_command("synth_cli_test", std::string(CALMON_SYNTH) + " " + arguments);
}

TEST(SynthCli, ABadCommandLineNamesItsFirstMistakeOnOneLine) {
  const std::string dir = test::temp_dir("synth_cli_test").string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "calmon-synth: missing OUT_DIR (see --help)\n"},
      {dir + " " + dir + "2", "calmon-synth: more than one OUT_DIR: '" + dir + "' and '" + dir + "2'\n"},
      {dir + " --frames x --bogus", "calmon-synth: --frames: not a valid number: 'x'\n"},
      {dir + " --bogus=3 --frames x", "calmon-synth: unknown option '--bogus' (see --help)\n"},
      {dir + " --frames= --bogus", "calmon-synth: --frames: not a valid number: ''\n"},
      {dir + " --width 3 --pixel-type", "calmon-synth: --pixel-type: missing value\n"},
      {dir + " --quiet=1", "calmon-synth: unknown option '--quiet' (see --help)\n"},
      {dir + " -- --frames x", "calmon-synth: unknown option '--' (see --help)\n"},
      {dir + " --width 0", "calmon-synth: synthetic movie: width and height must be in 1..4096, got 0x60\n"},
      {dir + " --motion-drift x", "calmon-synth: --motion-drift: not a valid number: 'x'\n"},
      {dir + " --motion=1", "calmon-synth: unknown option '--motion' (see --help)\n"},
      {dir + " --motion-jitter -1",
       "calmon-synth: synthetic movie: motion jitter must be a finite number of pixels >= 0, got -1\n"},
      {dir + " --width 16 --height 12 --motion",
       "calmon-synth: synthetic movie: motion of up to 4 px (drift 2 + walk 1 + jitter 1) is more than a quarter "
       "of the frame's smaller side (3 px)\n"},
      {dir + " --motion-warp -2",
       "calmon-synth: synthetic movie: motion warp must be a finite number of pixels >= 0, got -2\n"},
      {dir + " --width 24 --height 20 --motion-warp 2",
       "calmon-synth: synthetic movie: motion of up to 6 px (drift 2 + walk 1 + jitter 1 + warp 2) is more than a "
       "quarter of the frame's smaller side (5 px)\n"},
  };
  for (const auto& [arguments, message] : cases) {
    const Outcome outcome = synth(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << arguments;
    EXPECT_EQ(outcome.err, message) << arguments;
  }
}

TEST(SynthCli, ValuesComeAfterTheFlagOrAfterAnEqualsSignAndTheLastOneCounts) {
  const fs::path dir = test::temp_dir("synth_cli_test");
  const Outcome outcome =
      synth((dir / "m").string() + " --frames=9 --frames 2 --width=8 --height 6 --seed=7 --rate 10 --quiet");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "");  // stderr is a file: no progress line
  EXPECT_NE(outcome.out.find("(2 frames of 8x6 uint16 at 10 Hz, seed 7)"), std::string::npos) << outcome.out;
}

TEST(SynthCli, MotionWritesTheTrueShiftsAndDescribesThemInCellsJson) {
  const fs::path dir = test::temp_dir("synth_cli_test");
  const Outcome outcome = synth((dir / "moving").string() + " --frames 40 --motion-walk 0.5 --motion-seed 3");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("seed 1, moving)"), std::string::npos) << outcome.out;
  const std::string npy = test::read_file((dir / "moving" / "truth" / "motion.npy").string());
  EXPECT_NE(npy.find("'descr': '<f8', 'fortran_order': False, 'shape': (40, 2)"), std::string::npos)
      << npy.substr(0, 80);
  const std::string cells_path = (dir / "moving" / "truth" / "cells.json").string();
  const auto cells =
      config::parse_json_as<pb::GroundTruthCells>(config::read_text_file(cells_path), cells_path, "cells.json");
  ASSERT_TRUE(cells.movie().has_motion());
  const pb::SyntheticMotion& motion = cells.movie().motion();
  EXPECT_EQ(motion.file(), "truth/motion.npy");
  EXPECT_EQ((std::vector<double>{motion.drift_px(), motion.walk_px(), motion.jitter_px()}),
            (std::vector<double>{2, 0.5, 1}));  // the flags not given keep --motion's defaults
  EXPECT_EQ(motion.seed(), 3u);
  EXPECT_FALSE(cells.movie().has_noise_free());

  // The same folder made still again: no motion in cells.json and no stale motion.npy.
  ASSERT_EQ(synth((dir / "moving").string() + " --frames 40").exit_code, 0);
  EXPECT_FALSE(fs::exists(dir / "moving" / "truth" / "motion.npy"));
  const std::string still = config::read_text_file(cells_path);
  EXPECT_EQ(still.find("motion"), std::string::npos) << still;
  EXPECT_EQ(still.find("noise_free"), std::string::npos) << still;
}

TEST(SynthCli, MotionWarpImpliesMotionAndWritesTheTrueFieldOfEveryPixel) {
  const fs::path dir = test::temp_dir("synth_cli_test");
  const Outcome outcome = synth((dir / "bent").string() + " --frames 12 --width 32 --height 24 --motion-warp 1.5");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("seed 1, moving, warped)"), std::string::npos) << outcome.out;
  EXPECT_TRUE(fs::exists(dir / "bent" / "truth" / "motion.npy"));
  const std::string npy = test::read_file((dir / "bent" / "truth" / "displacement.npy").string());
  EXPECT_NE(npy.find("'descr': '<f4', 'fortran_order': False, 'shape': (12, 2, 24, 32)"), std::string::npos)
      << npy.substr(0, 80);

  // Rigid motion only, in the same folder: no stale displacement.npy.
  ASSERT_EQ(synth((dir / "bent").string() + " --frames 12 --width 32 --height 24 --motion").exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "bent" / "truth" / "motion.npy"));
  EXPECT_FALSE(fs::exists(dir / "bent" / "truth" / "displacement.npy"));
}

}  // namespace
}  // namespace calmon
