// analyze_cli_test.cc — calmon-analyze as a user meets it: a run writes every output
// file, and each kind of bad input ends in one line on stderr that names the problem
// and a non-zero exit, never a crash.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <tiffio.h>
#include <cctype>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "huge_frame_tiff.h"
#include "io/tiff_writer.h"
#include "sanitizer_build.h"
#include "test_support.h"
#include "tiff_patch.h"

namespace calmon {
namespace {

namespace fs = std::filesystem;

using Outcome = test::CommandOutcome;

// A fresh, empty folder for this test's files.
fs::path work_dir() { return test::temp_dir("analyze_cli_test"); }

// Runs calmon-analyze with `arguments`, after the shell commands `before` ("ulimit ... && ").
Outcome analyze(const std::string& arguments, const std::string& before = "") {
  return test::run_command("analyze_cli_test", before + CALMON_ANALYZE + " " + arguments);
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// A small uint16 movie with a bright square that flickers.
fs::path write_movie(const fs::path& dir, int frames = 40) {
  const fs::path path = dir / "movie.tif";
  const FrameShape shape{20, 16};
  io::TiffMovieWriter writer(path.string(), shape, PixelType::kU16);
  std::vector<std::uint16_t> pixels(shape.pixel_count());
  for (int t = 0; t < frames; ++t) {
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint16_t>(100 + (i * 7 + t * 13) % 50);
    for (int y = 4; y < 8; ++y) {
      for (int x = 4; x < 8; ++x) pixels[static_cast<std::size_t>(y * 20 + x)] += (t % 10 == 0) ? 400 : 0;
    }
    writer.append(FrameView<std::uint16_t>(pixels.data(), shape));
  }
  writer.close();
  return path;
}

// Expects a failed run whose whole stderr is one line mentioning every fragment.
void expect_one_line_error(const Outcome& outcome, const std::vector<std::string>& fragments) {
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  ASSERT_FALSE(outcome.err.empty());
  EXPECT_EQ(outcome.err.rfind("calmon-analyze: ", 0), 0u) << outcome.err;
  EXPECT_EQ(outcome.err.find('\n'), outcome.err.size() - 1) << "not one line: " << outcome.err;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(outcome.err.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << outcome.err;
  }
}

const char* kGoodConfig = R"({"rois": [
  {"name": "square", "region": {"rect": {"xmin": 4, "xmax": 8, "ymin": 4, "ymax": 8}},
   "neuropil": {"ring": {"inner_gap": 1, "min_pixels": 30}}, "baseline": {"moving": {"window": 9}}},
  {"name": "dot", "region": {"pixel": {"x": 15, "y": 3}}, "baseline": {"cumulative": {"percentile": 10}}}],
  "projections": [{"name": "all"}, {"stats": ["MAX"], "range": {"begin": 5, "end": 15}}],
  "keep_frames": [0, -1]})";

TEST(AnalyzeCli, WritesEveryTraceProjectionAndKeptFrameAndPrintsASummary) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir);
  write_text(dir / "config.json", kGoodConfig);
  const Outcome outcome =
      analyze(movie.string() + " --config " + (dir / "config.json").string() + " --out " + (dir / "out").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_TRUE(outcome.err.empty()) << outcome.err;
  // A list of 20 or more items, which clang-format would put one per line.
  // clang-format off
  for (const char* file : {"F.npy", "Fneu.npy", "Fcorr.npy", "F0_live.npy", "dff_live.npy", "flags_live.npy",
                           "F0_settled.npy", "dff_settled.npy", "flags_settled.npy", "global_mean.npy",
                           "global_median.npy", "global_min.npy", "all_mean.npy", "all_std.npy", "all_max.tif",
                           "frames_5_15_max.npy", "frame_0.npy", "frame_39.tif", "rois.json", "config.json"}) {
    // clang-format on
    EXPECT_TRUE(fs::exists(dir / "out" / file)) << file;
  }
  // Traces are (frames, ROIs) float64: a 128-byte header, then 40 rows of 2 doubles.
  EXPECT_EQ(fs::file_size(dir / "out" / "dff_settled.npy"), 128u + 40 * 2 * 8);
  EXPECT_NE(outcome.out.find("40 frames of 20x16 uint16, 2 ROIs"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("square"), std::string::npos);
  EXPECT_NE(outcome.out.find("moving median, window 9"), std::string::npos);
  EXPECT_NE(test::read_file(dir / "out" / "rois.json").find("\"name\": \"dot\""), std::string::npos);
}

// The summary table's columns line up whatever their contents: a name longer than the
// header, a peak written with more digits. Once the widths were fixed, and a long cell
// pushed the columns after it (the last one most visibly) out of line.
TEST(AnalyzeCli, TheSummaryTablesColumnsLineUp) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir);
  write_text(dir / "config.json", R"({"rois": [
    {"name": "a_cell_whose_name_is_longer_than_its_column", "region": {"rect": {"xmin": 4, "xmax": 8, "ymin": 4, "ymax": 8}},
     "baseline": {"moving": {"window": 3, "percentile": 1}}},
    {"name": "dot", "region": {"pixel": {"x": 15, "y": 3}}, "baseline": {"cumulative": {"percentile": 10}}}]})");
  const Outcome outcome =
      analyze(movie.string() + " --config " + (dir / "config.json").string() + " --out " + (dir / "out").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const std::size_t header = outcome.out.find("ROI ");
  ASSERT_NE(header, std::string::npos) << outcome.out;
  std::vector<std::string> lines;
  std::istringstream table(outcome.out.substr(header));
  for (std::string line; std::getline(table, line);) lines.push_back(line.substr(0, line.find("  (")));
  ASSERT_EQ(lines.size(), 3u) << outcome.out;
  const auto width = [](const std::string& text) {
    std::size_t n = 0;
    for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  };
  for (const std::string& line : lines) EXPECT_EQ(width(line), width(lines[0])) << outcome.out;
  // The peak and its frame are columns of their own, each right-aligned under its header.
  ASSERT_TRUE(lines[0].ends_with("peak dF/F0  at frame")) << outcome.out;
  for (std::size_t r = 1; r < lines.size(); ++r) EXPECT_TRUE(std::isdigit(lines[r].back())) << outcome.out;
  for (const char* label : {"region", "neuropil", "baseline"}) {
    const std::size_t column = lines[0].find(label);
    EXPECT_EQ(lines[1][column - 1], ' ') << label << " does not start a column:\n" << outcome.out;
    EXPECT_EQ(lines[2][column - 1], ' ') << label << " does not start a column:\n" << outcome.out;
  }
}

// rois.json was once assembled by hand, and a quote or backslash in a name made it
// invalid JSON. Python's json, not calmon's own parser, must read the name back.
TEST(AnalyzeCli, RoisJsonEscapesQuotesAndBackslashesInNames) {
  if (!test::python_has("json")) GTEST_SKIP() << "no /usr/bin/python3";
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir, 5);
  write_text(dir / "config.json",
             R"({"rois": [{"name": "a \"quoted\" \\ name", "region": {"pixel": {"x": 1, "y": 2}}}]})");
  const Outcome outcome = analyze(movie.string() + " --quiet --config " + (dir / "config.json").string() + " --out " +
                                  (dir / "out").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const std::string script =
      "import json, sys\n"
      "rois = json.load(open(sys.argv[1]))\n"
      "open(sys.argv[2], 'w').write(json.dumps([rois['rois'][0]['name'], rois['rois'][0]['index'],\n"
      "                                        rois['frames'], rois['width'], rois['height'], rois['pixel_type']]))\n";
  const fs::path answer = dir / "answer.json";
  ASSERT_EQ(
      test::run_python(dir / "read_rois.py", script, (dir / "out" / "rois.json").string() + " " + answer.string()), 0)
      << test::read_file(dir / "out" / "rois.json");
  EXPECT_EQ(test::read_file(answer), R"(["a \"quoted\" \\ name", 0, 5, 20, 16, "uint16"])");
}

// time.npy and rois.json's time base: the config's rate serves a movie that declares none;
// a frame interval that is no interval is a warning, and the movie is analysed without time.
TEST(AnalyzeCli, TheConfigsFrameRateGivesTimeAndABadFrameIntervalIsAWarning) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir, 8);
  write_text(dir / "rate.json", R"({"frame_rate_hz": 4})");
  const Outcome timed =
      analyze(movie.string() + " --config " + (dir / "rate.json").string() + " --out " + (dir / "timed").string());
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
  EXPECT_NE(timed.out.find("time: 1.750 s from the first frame to the last (time source: config frame rate)"),
            std::string::npos)
      << timed.out;
  EXPECT_EQ(fs::file_size(dir / "timed" / "time.npy"), 128u + 8 * 8);
  const std::vector<double> times = test::read_raw<double>(dir / "timed" / "time.npy", 8 + 128 / 8);
  EXPECT_EQ(times[128 / 8 + 7], 7.0 / 4.0);
  const std::string rois = test::read_file(dir / "timed" / "rois.json");
  EXPECT_NE(rois.find("\"time_source\": \"config frame rate\""), std::string::npos) << rois;
  EXPECT_NE(rois.find("\"frame_rate_hz\": 4"), std::string::npos) << rois;

  const fs::path bad = dir / "bad_interval.tif";
  {
    const FrameShape shape{6, 4};
    io::TiffMovieWriter writer(bad.string(), shape, PixelType::kU16, false,
                               "ImageJ=1.11a\nimages=3\nframes=3\nfinterval=-0.5\n");
    const std::vector<std::uint16_t> pixels(shape.pixel_count(), 3);
    for (int t = 0; t < 3; ++t) writer.append(FrameView<std::uint16_t>(pixels.data(), shape));
    writer.close();
  }
  const Outcome untimed = analyze(bad.string() + " --out " + (dir / "untimed").string());
  ASSERT_EQ(untimed.exit_code, 0) << untimed.err;
  EXPECT_EQ(untimed.err, "calmon-analyze: warning: " + bad.string() +
                             ": ImageJ description has finterval=-0.5, not a positive number of seconds per frame; "
                             "ignored\n");
  EXPECT_FALSE(fs::exists(dir / "untimed" / "time.npy"));
  EXPECT_NE(test::read_file(dir / "untimed" / "rois.json").find("\"time_source\": \"\""), std::string::npos);
}

TEST(AnalyzeCli, AMissingMovieIsNamed) {
  const fs::path dir = work_dir();
  expect_one_line_error(analyze((dir / "nowhere.tif").string() + " --out " + (dir / "out").string()),
                        {(dir / "nowhere.tif").string()});
}

TEST(AnalyzeCli, AFileThatIsNotATiffIsRejected) {
  const fs::path dir = work_dir();
  write_text(dir / "notes.tif", "these are my notes, not a movie\n");
  expect_one_line_error(analyze((dir / "notes.tif").string() + " --out " + (dir / "out").string()), {"notes.tif"});
}

TEST(AnalyzeCli, ATruncatedMovieIsAnErrorNotAShortResult) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir);
  fs::resize_file(movie, fs::file_size(movie) / 2);
  expect_one_line_error(analyze(movie.string() + " --out " + (dir / "out").string()), {"movie.tif"});
}

TEST(AnalyzeCli, ACorruptMovieIsAnError) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir);
  {
    std::fstream file(movie, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4);  // the offset of the first directory: point it past the end
    const char garbage[4] = {'\x7f', '\x7f', '\x7f', '\x7f'};
    file.write(garbage, 4);
  }
  expect_one_line_error(analyze(movie.string() + " --out " + (dir / "out").string()), {"movie.tif"});
}

TEST(AnalyzeCli, AnUnsupportedPixelTypeIsNamed) {
  const fs::path dir = work_dir();
  const fs::path movie = dir / "complex.tif";
  TIFF* tiff = TIFFOpen(movie.c_str(), "w");
  ASSERT_NE(tiff, nullptr);
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, 4);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, 2);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 64);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_INT);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, 2);
  std::vector<std::int64_t> pixels(8, 5);
  TIFFWriteEncodedStrip(tiff, 0, pixels.data(), 64);
  TIFFClose(tiff);
  expect_one_line_error(analyze(movie.string() + " --out " + (dir / "out").string()), {"complex.tif"});
}

TEST(AnalyzeCli, FramesOfDifferingSizeAreAnError) {
  const fs::path dir = work_dir();
  const fs::path movie = dir / "mixed.tif";
  TIFF* tiff = TIFFOpen(movie.c_str(), "w");
  ASSERT_NE(tiff, nullptr);
  for (int width : {8, 6}) {
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, 4);
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 16);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, 4);
    std::vector<std::uint16_t> pixels(static_cast<std::size_t>(width * 4), 7);
    TIFFWriteEncodedStrip(tiff, 0, pixels.data(), static_cast<tmsize_t>(pixels.size() * 2));
    TIFFWriteDirectory(tiff);
  }
  TIFFClose(tiff);
  expect_one_line_error(analyze(movie.string() + " --out " + (dir / "out").string()), {"mixed.tif"});
}

TEST(AnalyzeCli, APageWhoseStripsDoNotCoverItIsNamedNotReadAsPixels) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir);
  std::vector<std::byte> bytes = test::read_file_bytes(movie);
  test::TiffPatcher(bytes).set_count(3, TIFFTAG_STRIPOFFSETS, 0);  // libtiff reads it as offset 0: the header
  test::write_raw(movie, bytes);
  expect_one_line_error(analyze(movie.string() + " --out " + (dir / "out").string()),
                        {movie.string() + ": page 3 (the 4th of 40) has 0 entries in StripOffsets; ImageLength 16 "
                                          "with RowsPerStrip 16 needs 1 strip"});
  EXPECT_FALSE(fs::exists(dir / "out" / "F.npy"));
}

// A movie of two 1024x1024 uint16 frames: 2 MiB of pixels each.
fs::path write_two_mib_movie(const fs::path& dir) {
  const fs::path path = dir / "two_mib.tif";
  const FrameShape shape{1024, 1024};
  io::TiffMovieWriter writer(path.string(), shape, PixelType::kU16);
  const std::vector<std::uint16_t> pixels(shape.pixel_count(), 100);
  for (int t = 0; t < 2; ++t) writer.append(FrameView<std::uint16_t>(pixels.data(), shape));
  writer.close();
  return path;
}

TEST(AnalyzeCli, AMovieWhoseTagsClaimAHugeFrameIsRefusedBeforeAnythingIsAllocated) {
  const fs::path dir = work_dir();
  const fs::path movie = dir / "huge_frame.tif";
  test::write_raw(movie, test::tiff_claiming_a_huge_frame());
  // 1 GiB of address space: far too little for the 2.5 GB frame the tags claim, plenty
  // for refusing it. (Not under ASan or TSan, whose shadow memory needs terabytes.)
  const std::string limited = test::kSanitizerBuild ? "" : "ulimit -v 1048576 && ";
  const std::string out = (dir / "out").string();
  expect_one_line_error(analyze(movie.string() + " --out " + out, limited),
                        {movie.string() + ": page 0 (the 1st of 1) is 50000x50000 uint8, 2385 MiB of pixels; "
                                          "the limit is 64 MiB (--max-frame-mib)"});
  expect_one_line_error(analyze(movie.string() + " --max-frame-mib 4096 --out " + out, limited),
                        {movie.string() + ": page 0 (the 1st of 1): strip 0 holds 12 bytes, compression 8 "
                                          "(AdobeDeflate), which decode to 12384 bytes at most"});
  EXPECT_FALSE(fs::exists(dir / "out" / "all_mean.npy"));
}

TEST(AnalyzeCli, MaxFrameMibSetsTheLargestFrameRead) {
  const fs::path dir = work_dir();
  const fs::path movie = write_two_mib_movie(dir);
  const std::string out = (dir / "out").string();
  expect_one_line_error(analyze(movie.string() + " --max-frame-mib 1.5 --out " + out),
                        {movie.string() + ": page 0 (the 1st of 2) is 1024x1024 uint16, 2 MiB of pixels; the limit "
                                          "is 1.5 MiB (--max-frame-mib)"});
  EXPECT_FALSE(fs::exists(dir / "out" / "all_mean.npy"));
  const Outcome outcome = analyze(movie.string() + " --max-frame-mib 2 --quiet --out " + out);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_TRUE(fs::exists(dir / "out" / "all_mean.npy"));
  // Mistakes are worded as calmond words them, and exit 2 with the usage.
  const std::pair<const char*, const char*> mistakes[] = {
      {"0", "--max-frame-mib expects a number > 0, got '0'"},
      {"lots", "--max-frame-mib expects a number > 0, got 'lots'"},
      {"2e6", "--max-frame-mib 2e6 is more than 1 TiB"},
  };
  for (const auto& [value, message] : mistakes) {
    const Outcome mistake = analyze(movie.string() + " --max-frame-mib " + value + " --out " + out);
    EXPECT_EQ(mistake.exit_code, 2) << value;
    EXPECT_EQ(mistake.err.rfind(std::string("calmon-analyze: ") + message + "\nusage: calmon-analyze", 0), 0u)
        << mistake.err;
  }
}

TEST(AnalyzeCli, LibtiffsWarningsArePrintedOnceEach) {
  if (!test::python_has("numpy, tifffile")) GTEST_SKIP() << "needs /usr/bin/python3 with numpy and tifffile";
  const fs::path dir = work_dir();
  const fs::path movie = test::write_movie_libtiff_warns_about(dir);
  const Outcome outcome = analyze(movie.string() + " --quiet --out " + (dir / "out").string());
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.err, "calmon-analyze: warning: " + movie.string() +
                             ": libtiff: TIFFReadDirectory: Unknown field with tag 65000 (0xfde8) encountered\n");
  EXPECT_TRUE(fs::exists(dir / "out" / "all_mean.npy"));
}

struct ConfigCase {
  const char* json;
  std::vector<std::string> fragments;
};

TEST(AnalyzeCli, ConfigsThatMakeNoSenseStopBeforeAnyFrameIsRead) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir, 5);
  const std::vector<ConfigCase> cases = {
      {R"({"rois": [{"name": "far", "region": {"rect": {"xmin": 15, "xmax": 95, "ymin": 2, "ymax": 5}}}]})",
       {"ROI 'far'", "outside the 20x16 frame"}},
      {R"({"rois": [{"name": "flat", "region": {"rect": {"xmin": 3, "xmax": 3, "ymin": 2, "ymax": 5}}}]})",
       {"ROI 'flat'", "empty"}},
      {R"({"rois": [{"name": "w", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"moving": {"window": 0}}}]})",
       {"ROI 'w': baseline window 0 is below 1"}},
      {R"({"rois": [{"name": "p", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"moving": {"window": 5, "percentile": 101}}}]})",
       {"ROI 'p': percentile 101 is outside [0, 100]"}},
      {R"({"rois": [{"name": "p", "region": {"pixel": {"x": 1, "y": 1}})", {"invalid config"}},
      {R"({"rois": [], "colour": "red"})", {"invalid config", "colour"}},
      {R"({"keep_frames": [5]})", {"keep_frames: frame 5 is outside the movie's 5 frames"}},
      {R"({"projections": [{"name": "late", "range": {"begin": 5}}]})",
       {"projection 'late': frame range 5: begins after the movie's 5 frames"}},
      {R"({"projections": [{"range": {"begin": 2, "end": 6}}]})",
       {"projection 'frames_2_6': frame range 2:6 ends after the movie's 5 frames"}},
      {R"({"projections": [{"name": "../ESCAPED"}]})",
       {"projection 0: name \"../ESCAPED\" cannot name a file: names must be 1 to 100 characters"}},
      {R"({"projections": [{"name": "cut\u0000short"}]})", {"projection 0: name \"cut\\x00short\""}},
      {R"({"rois": [{"name": "m", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"maximin": {"window": 5, "sigma": 1e19}}}]})",
       {"ROI 'm': maximin sigma 1e+19 must be between 0 (no smoothing) and 1e+06 frames"}},
      {R"({"rois": [{"name": "m", "region": {"pixel": {"x": 1, "y": 1}}, "baseline": {"maximin": {"window": 2147483647}}}]})",
       {"ROI 'm': baseline window of 2147483647 frames (maximin.window); the limit is 1000000 per window "
        "(--max-baseline-window)"}},
      {R"({"baseline": {"moving": {"window": 1073741824}}, "rois": [{"name": "m", "region": {"pixel": {"x": 1, "y": 1}}}]})",
       {"default baseline: baseline window of 1073741824 frames (moving.window); the limit is 1000000 per window"}},
      {R"({"frame_rate_hz": 0})", {"frame_rate_hz must be a positive number of frames per second, not 0"}},
      {R"({"frame_rate_hz": -30})", {"frame_rate_hz must be a positive number of frames per second, not -30"}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const fs::path config = dir / ("config" + std::to_string(i) + ".json");
    write_text(config, cases[i].json);
    const fs::path out = dir / ("out" + std::to_string(i));
    SCOPED_TRACE(cases[i].json);
    expect_one_line_error(analyze(movie.string() + " --config " + config.string() + " --out " + out.string()),
                          cases[i].fragments);
    EXPECT_FALSE(fs::exists(out / "F.npy")) << "a result was written for a config that makes no sense";
  }
  EXPECT_FALSE(fs::exists(dir / "ESCAPED_mean.npy")) << "a projection's name led out of --out";
}

TEST(AnalyzeCli, TheBaselinesAreHeldToLimitsTheOptionsSet) {
  const fs::path dir = work_dir();
  const fs::path movie = write_movie(dir, 5);
  const fs::path config = dir / "config.json";
  // Two moving medians of 40,000 frames: about 3.1 MiB at full windows.
  write_text(config, R"({"baseline": {"moving": {"window": 40000}}, "rois": [
      {"name": "a", "region": {"pixel": {"x": 1, "y": 1}}}, {"name": "b", "region": {"pixel": {"x": 2, "y": 1}}}]})");
  const std::string run = movie.string() + " --quiet --config " + config.string() + " --out " + (dir / "out").string();
  expect_one_line_error(analyze(run + " --max-baseline-mib 3"),
                        {"calmon-analyze: ROI set needs 4 MiB of baseline state (2 ROIs × windows of up to 40000 "
                         "frames); the limit is 3 MiB (--max-baseline-mib)\n"});
  EXPECT_FALSE(fs::exists(dir / "out" / "F.npy"));
  const Outcome fits = analyze(run + " --max-baseline-mib 4");
  EXPECT_EQ(fits.exit_code, 0) << fits.err;
  EXPECT_TRUE(fs::exists(dir / "out" / "F.npy"));

  expect_one_line_error(analyze(run + " --max-baseline-window 39999"),
                        {"calmon-analyze: default baseline: baseline window of 40000 frames (moving.window); the "
                         "limit is 39999 per window (--max-baseline-window)\n"});
  EXPECT_EQ(analyze(run + " --max-baseline-window 40000").exit_code, 0);
}

TEST(AnalyzeCli, UsageMistakesExitWithTwoAndTheUsage) {
  const Outcome no_out = analyze("movie.tif");
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("no output folder given"), std::string::npos);
  EXPECT_NE(no_out.err.find("usage: calmon-analyze"), std::string::npos);
  EXPECT_EQ(analyze("movie.tif --out x --frobnicate").exit_code, 2);
  const Outcome zero = analyze("movie.tif --out x --max-baseline-mib 0");
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("--max-baseline-mib expects an integer from 1 to 1048576, got '0'"), std::string::npos);
  EXPECT_EQ(analyze("movie.tif --out x --max-baseline-window 1073741825").exit_code, 2);
  EXPECT_EQ(analyze("--help").exit_code, 0);
}

// The first mistake on the command line is the one named, whatever comes after it, and
// what the hand-written parser refused stays refused (--flag=VALUE, "--", "-hx").
TEST(AnalyzeCli, TheFirstUsageMistakeIsTheOneNamed) {
  for (const auto& [arguments, message] : std::vector<std::pair<std::string, std::string>>{
           {"movie.tif --channel x --frobnicate", "calmon-analyze: --channel expects a non-negative integer, got 'x'"},
           {"movie.tif --frobnicate --channel x", "calmon-analyze: unknown option --frobnicate"},
           {"movie.tif --slice -1 --out", "calmon-analyze: --slice expects a non-negative integer, got '-1'"},
           {"movie.tif --out x --slice", "calmon-analyze: --slice needs a value"},
           {"movie.tif --plane -1 --out", "calmon-analyze: --plane expects a non-negative integer, got '-1'"},
           {"movie.tif --out=x", "calmon-analyze: unknown option --out=x"},
           {"movie.tif --out x -- --channel y", "calmon-analyze: unknown option --"},
           {"movie.tif --out x -hx", "calmon-analyze: unknown option -hx"},
           {"a.tif b.tif --out x", "calmon-analyze: more than one movie given: 'a.tif' and 'b.tif'"}}) {
    const Outcome outcome = analyze(arguments);
    EXPECT_EQ(outcome.exit_code, 2) << arguments;
    EXPECT_EQ(outcome.err.substr(0, outcome.err.find('\n')), message) << arguments;
    EXPECT_EQ(outcome.out, "") << arguments;
  }
  EXPECT_EQ(analyze("movie.tif --help --channel x").exit_code, 0);  // usage before the later mistake
}

}  // namespace
}  // namespace calmon
