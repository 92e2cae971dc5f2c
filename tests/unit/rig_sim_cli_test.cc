// rig_sim_cli_test.cc — calmon-rig-sim run as a user runs it: the files of a rolled-over
// series named as it writes them, a pause announced, a bad command line as one line and exit 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/prairieview_xml.h"
#include "io/tiff_movie_reader.h"
#include "io/tiff_writer.h"
#include "test_support.h"

namespace calmon {
namespace {

namespace fs = std::filesystem;

using Outcome = test::CommandOutcome;

Outcome rig_sim(const std::string& arguments) {
  return test::run_command("rig_sim_cli_test", std::string(CALMON_RIG_SIM) + " " + arguments);
}

TEST(RigSimCli, WritesARolledOverSeriesAndSaysWhichFileItStarts) {
  const fs::path dir = test::temp_dir("rig_sim_cli_test") / "rig";
  const Outcome run = rig_sim(dir.string() +
                              " --scanimage --channels 2 --planes 3 --volumes 3 --frames-per-file 4 --rate 0"
                              " --width 8 --height 6 --pause-mid-page 5:0");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  for (const char* name : {"rig_00001_00001.tif", "rig_00001_00002.tif", "rig_00001_00003.tif"}) {
    EXPECT_NE(run.out.find("calmon-rig-sim: writing " + (dir / name).string() + "\n"), std::string::npos) << run.out;
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  }
  EXPECT_FALSE(fs::exists(dir / "rig_00001_00004.tif"));  // 9 frames, 4 a file
  EXPECT_NE(run.out.find("pausing 0 s in the middle of page 5\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("wrote 18 pages (2 channel(s) x 3 plane(s) x 3 volume(s)) of 8x6 uint16 at 30 volumes/s "
                         "(written as fast as possible) into 3 file(s)"),
            std::string::npos)
      << run.out;
}

TEST(RigSimCli, DistinctFramesRepeatTheMoviesFirstFrames) {
  const fs::path dir = test::temp_dir("rig_sim_cli_test") / "rig";
  const Outcome run =
      rig_sim(dir.string() + " --scanimage --volumes 5 --rate 0 --width 8 --height 6 --distinct-frames 2");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  io::TiffMovieReader reader((dir / "rig_00001.tif").string());
  ASSERT_EQ(reader.info().frames, 5);
  const auto frame = [&](std::int64_t t) {
    const AnyFrameView view = reader.read(t);
    const auto* p = static_cast<const std::uint16_t*>(view.data());
    return std::vector<std::uint16_t>(p, p + view.shape().pixel_count());
  };
  const std::vector<std::uint16_t> first = frame(0);
  const std::vector<std::uint16_t> second = frame(1);
  EXPECT_NE(first, second);  // the movie's own noise
  EXPECT_EQ(frame(2), first);
  EXPECT_EQ(frame(3), second);
  EXPECT_EQ(frame(4), first);
  EXPECT_NEAR(reader.timestamp_s(4), 4.0 / 30, 1e-9);  // the clock goes on (written with 9 decimals)
}

TEST(RigSimCli, AnInputMovieIsWrittenFrameByFrameAndRepeated) {
  const fs::path dir = test::temp_dir("rig_sim_cli_test");
  const FrameShape shape{5, 3};
  {
    io::TiffMovieWriter writer((dir / "in.tif").string(), shape, PixelType::kU16);
    for (std::uint16_t t = 0; t < 3; ++t) {
      const std::vector<std::uint16_t> pixels(shape.pixel_count(), static_cast<std::uint16_t>(10 + t));
      writer.append(FrameView<std::uint16_t>(pixels.data(), shape));
    }
    writer.close();
  }
  const Outcome run = rig_sim((dir / "rig").string() + " --scanimage --channels 2 --volumes 4 --rate 0 --input " +
                              (dir / "in.tif").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  io::TiffMovieReader reader((dir / "rig" / "rig_00001.tif").string());
  EXPECT_EQ(reader.info().shape, shape);
  for (std::int64_t t = 0; t < 4; ++t) {
    for (int c = 0; c < 2; ++c) {
      const AnyFrameView frame = reader.read(t, c);
      EXPECT_EQ(static_cast<const std::uint16_t*>(frame.data())[shape.pixel_count() - 1], 10 + t % 3 + 1000 * c)
          << "t=" << t << " c=" << c;
    }
  }
  {
    io::TiffMovieWriter writer((dir / "float.tif").string(), shape, PixelType::kF32);
    const std::vector<float> pixels(shape.pixel_count(), 1.5f);
    writer.append(FrameView<float>(pixels.data(), shape));
    writer.close();
  }
  const Outcome refused = rig_sim((dir / "rig2").string() + " --scanimage --input " + (dir / "float.tif").string());
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "calmon-rig-sim: " + (dir / "float.tif").string() +
                             ": --input needs a uint16 movie, this one is float32\n");
}

TEST(RigSimCli, WritesAPrairieViewFolderWhoseXmlListsEveryFile) {
  const fs::path dir = test::temp_dir("rig_sim_cli_test") / "pv";
  const Outcome run = rig_sim(dir.string() +
                              " --prairieview --channels 2 --planes 3 --volumes 2 --rate 0 --width 8 "
                              "--height 6 --quiet");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("wrote 6 frames (2 channel(s) x 3 plane(s) x 2 volume(s)) of 8x6 uint16"), std::string::npos)
      << run.out;
  const io::PrairieViewScan scan = io::parse_prairieview_xml(test::read_file((dir / "TSeries-rig-001.xml").string()));
  EXPECT_TRUE(scan.complete);
  EXPECT_EQ(scan.channels, (std::vector<int>{1, 2}));
  ASSERT_EQ(scan.frames.size(), 6U);
  EXPECT_EQ(scan.frames[4].cycle, 2);  // volume 2, plane 2
  EXPECT_EQ(scan.frames[4].index, 2);
  for (const io::PrairieViewFrame& frame : scan.frames) {
    for (const io::PrairieViewFile& file : frame.files) {
      io::TiffMovieReader reader((dir / file.filename).string());
      EXPECT_EQ(reader.info().shape, (FrameShape{8, 6})) << file.filename;
    }
  }
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) files += entry.path().extension() == ".tif" ? 1 : 0;
  EXPECT_EQ(files, 12U);  // 6 frames x 2 channels, no .tmp left
}

TEST(RigSimCli, ABadCommandLineIsOneLineAndExitTwo) {
  const std::string dir = (test::temp_dir("rig_sim_cli_test") / "out").string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--scanimage", "missing OUT_DIR (see --help)"},
      {dir, "choose what to write: --scanimage or --prairieview (see --help)"},
      {dir + " --scanimage --prairieview", "choose what to write: --scanimage or --prairieview (see --help)"},
      {dir + " --prairieview --bigtiff", "--bigtiff is for --scanimage (see --help)"},
      {dir + " --scanimage --in-place", "--in-place is for --prairieview (see --help)"},
      {dir + " --scanimage --channels 0", "--channels: not 1 to 16: 0"},
      {dir + " --scanimage --planes 0", "--planes: not 1 to 1000: 0"},
      {dir + " --scanimage --volumes 0", "--volumes: not a positive number: 0"},
      {dir + " --scanimage --rate -1", "--rate: not 0 to 10000 volumes/s"},
      {dir + " --scanimage --frames-per-file -2", "--frames-per-file: not 0 (no rollover) or more: -2"},
      {dir + " --scanimage --name a/b", "--name: not a file stem: 'a/b'"},
      {dir + " --scanimage --pause-mid-page 3", "--pause-mid-page: not PAGE:SECONDS: '3'"},
      {dir + " --scanimage --pause-mid-page 3:soon", "--pause-mid-page: not PAGE:SECONDS: '3:soon'"},
      {dir + " --scanimage --pause-mid-page -1:2", "--pause-mid-page: not PAGE:SECONDS: '-1:2'"},
      {dir + " --scanimage --distinct-frames -1", "--distinct-frames: not 0 to 100000: -1"},
      {dir + " --scanimage --input in.tif --width 8", "--width is the synthetic movie's; --input gives the frames"},
      {dir + " --scanimage --channels two", "(see --help)"},
      {dir + " --scanimage --bogus", "--bogus"},
  };
  for (const auto& [arguments, expected] : cases) {
    const Outcome run = rig_sim(arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments;
    EXPECT_EQ(run.err.rfind("calmon-rig-sim: ", 0), 0U) << arguments << ": " << run.err;
    EXPECT_NE(run.err.find(expected), std::string::npos) << arguments << ": " << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << arguments << ": " << run.err;
    EXPECT_FALSE(fs::exists(dir)) << arguments;
  }
}

TEST(RigSimCli, HelpPrintsTheUsage) {
  const Outcome run = rig_sim("--help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out.rfind("usage: calmon-rig-sim OUT_DIR --scanimage", 0), 0U) << run.out;
}

}  // namespace
}  // namespace calmon
