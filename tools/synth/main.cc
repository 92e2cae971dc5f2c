// calmon-synth — writes the deterministic synthetic calcium movie and its ground truth.
//
//   calmon-synth OUT_DIR [--frames N] [--width W] [--height H] [--seed S] [--rate HZ]
//                        [--pixel-type TYPE] [--bigtiff]
//
// OUT_DIR/movie.tif is a multi-page TIFF, written one frame at a time as the generator
// produces it; OUT_DIR/truth/ holds what the movie was made of (ground_truth_files.h).
// With no options it writes calmon's demo movie: 2000 frames of 80×60 uint16 at 30 Hz,
// shaped like CaImAn's demoMovie.tif, which the course notebook runs on unchanged.
// Exit status: 0 done, 1 a file could not be written, 2 a bad command line.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/frame_view.h"
#include "ground_truth_files.h"
#include "io/tiff_writer.h"
#include "synth/synthetic_movie.h"

namespace {

using calmon::Error;
using calmon::synth::MovieParams;
using calmon::synth::SyntheticMovie;

constexpr char kUsage[] =
    "usage: calmon-synth OUT_DIR [--frames N] [--width W] [--height H] [--seed S] [--rate HZ]\n"
    "                    [--pixel-type uint8|uint16|int16|uint32|float32|float64] [--bigtiff]\n"
    "Writes OUT_DIR/movie.tif, a deterministic synthetic calcium-imaging movie, and its\n"
    "ground truth in OUT_DIR/truth/ (cells.json, masks.npy, weights.npy, spikes.npy,\n"
    "dff.npy, neuropil.npy, drift.npy). Defaults: 2000 frames, 80x60, seed 1, 30 Hz, uint16.\n";

// A bad command line: reported on one line with exit status 2.
struct UsageError {
  std::string message;
};

struct Options {
  std::string out_dir;
  MovieParams params;
  bool bigtiff = false;
  bool help = false;
};

template <class T> T parse_integer(std::string_view flag, std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError{std::string(flag) + ": not a valid number: '" + std::string(text) + "'"};
  }
  return value;
}

double parse_double(std::string_view flag, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw UsageError{std::string(flag) + ": not a valid number: '" + std::string(text) + "'"};
  }
  return value;
}

constexpr std::string_view kValuedFlags[] = {"--frames", "--width", "--height", "--seed", "--rate",
                                             "--pixel-type"};

bool is_valued_flag(std::string_view flag) {
  for (std::string_view known : kValuedFlags) {
    if (flag == known) return true;
  }
  return false;
}

Options parse_options(const std::vector<std::string_view>& args) {
  Options options;
  std::optional<std::string> out_dir;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      return options;
    }
    if (arg == "--bigtiff") {
      options.bigtiff = true;
      continue;
    }
    if (!arg.starts_with("-")) {
      if (out_dir)
        throw UsageError{"more than one OUT_DIR: '" + *out_dir + "' and '" + std::string(arg) +
                         "'"};
      out_dir = std::string(arg);
      continue;
    }
    // --flag VALUE or --flag=VALUE
    std::string_view flag = arg;
    std::string_view value;
    const auto equals = arg.find('=');
    if (equals != std::string_view::npos) flag = arg.substr(0, equals);
    if (!is_valued_flag(flag))
      throw UsageError{"unknown option '" + std::string(flag) + "' (see --help)"};
    if (equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw UsageError{std::string(arg) + ": missing value"};
    }
    MovieParams& p = options.params;
    if (flag == "--frames") {
      p.frames = parse_integer<std::int64_t>(flag, value);
    } else if (flag == "--width") {
      p.width = parse_integer<int>(flag, value);
    } else if (flag == "--height") {
      p.height = parse_integer<int>(flag, value);
    } else if (flag == "--seed") {
      p.seed = parse_integer<std::uint64_t>(flag, value);
    } else if (flag == "--rate") {
      p.frame_rate_hz = parse_double(flag, value);
    } else if (flag == "--pixel-type") {
      const auto type = calmon::pixel_type_from_name(value);
      if (!type) throw UsageError{"--pixel-type: unknown type '" + std::string(value) + "'"};
      p.pixel_type = *type;
    }
  }
  if (!out_dir) throw UsageError{"missing OUT_DIR (see --help)"};
  options.out_dir = *out_dir;
  try {
    options.params.validate();
  } catch (const Error& error) {
    throw UsageError{error.what()};
  }
  return options;
}

void make_directory(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) throw Error(path + ": cannot create directory: " + error.message());
}

// Renders every frame in order and appends it to the TIFF; one frame in memory.
void write_movie(const SyntheticMovie& movie, const std::string& path, bool bigtiff) {
  const MovieParams& params = movie.params();
  calmon::io::TiffMovieWriter writer(path, movie.shape(), params.pixel_type, bigtiff);
  calmon::dispatch_pixel_type(params.pixel_type, [&](auto tag) {
    using Pixel = typename decltype(tag)::type;
    std::vector<Pixel> pixels(movie.shape().pixel_count());
    for (std::int64_t t = 0; t < movie.frames(); ++t) {
      movie.render<Pixel>(t, pixels);
      writer.append(calmon::FrameView<Pixel>(pixels.data(), movie.shape()));
    }
  });
  writer.close();
}

int run(const Options& options) {
  const SyntheticMovie movie(options.params);
  // Joined as paths, so that "demo/" gives demo/movie.tif, not demo//movie.tif.
  const std::filesystem::path out_dir(options.out_dir);
  const std::string truth_dir = (out_dir / "truth").string();
  make_directory(truth_dir);
  const std::string movie_path = (out_dir / "movie.tif").string();
  const auto truth =
      calmon::synth_tool::write_ground_truth(movie, truth_dir, "movie.tif", options.bigtiff);
  write_movie(movie, movie_path, options.bigtiff);

  const MovieParams& p = movie.params();
  std::cout << "calmon-synth: wrote " << movie_path << " (" << p.frames << " frames of " << p.width
            << "x" << p.height << " " << calmon::pixel_type_name(p.pixel_type) << " at "
            << p.frame_rate_hz << " Hz, seed " << p.seed << (options.bigtiff ? ", BigTIFF" : "")
            << ") and the ground truth of " << movie.cells().size() << " cells in " << truth_dir
            << "/" << (truth.weights_written ? "" : " (weights.npy skipped: too large)") << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  Options options;
  try {
    options = parse_options(args);
  } catch (const UsageError& error) {
    std::cerr << "calmon-synth: " << error.message << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << kUsage;
    return 0;
  }
  try {
    return run(options);
  } catch (const Error& error) {
    std::cerr << "calmon-synth: " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "calmon-synth: " << error.what() << "\n";
    return 1;
  }
}
