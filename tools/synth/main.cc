// calmon-synth — writes the deterministic synthetic calcium movie and its ground truth.
//
//   calmon-synth OUT_DIR [--frames N] [--width W] [--height H] [--seed S] [--rate HZ]
//                        [--pixel-type TYPE] [--bigtiff] [--motion] [--motion-drift PX]
//                        [--motion-walk PX] [--motion-jitter PX] [--motion-seed S]
//                        [--motion-warp PX] [--noise-free] [--quiet]
//
// OUT_DIR/movie.tif is a multi-page TIFF, written one frame at a time as the generator
// produces it, whose ImageJ description gives the frame interval (finterval=, seconds) so
// that calmon-analyze and calmon-replay know the movie's seconds; OUT_DIR/truth/ holds what the movie was made of
// (ground_truth_files.h). With no options it writes calmon's demo movie: 2000 frames of 80×60 uint16 at 30 Hz, shaped
// like CaImAn's demoMovie.tif, which the course notebook runs on unchanged. Exit status: 0 done, 1 a file could not be
// written, 2 a bad command line.
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/frame_view.h"
#include "ground_truth_files.h"
#include "io/progress_bar.h"
#include "io/tiff_writer.h"
#include "synth/synthetic_movie.h"
#include "synth_options.h"

namespace {

using calmon::Error;
using calmon::synth::MovieParams;
using calmon::synth::SyntheticMovie;

using calmon::synth_tool::Options;
using calmon::synth_tool::UsageError;

void make_directory(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) throw Error(path + ": cannot create directory: " + error.message());
}

std::int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// ImageJ's description of a time series: its frame count and the seconds between frames,
// written so that it reads back as the same double (shortest round-trip digits). No
// "images=": ImageJ takes a description with it for frames stored back to back after the
// first page, while here every page keeps its own tags before its pixels; without it
// ImageJ reads each page where its tags say.
std::string imagej_description(const SyntheticMovie& movie) {
  char interval[32];
  const auto written = std::to_chars(interval, interval + sizeof interval, 1.0 / movie.params().frame_rate_hz);
  return "ImageJ=1.11a\nframes=" + std::to_string(movie.frames()) +
         "\nfinterval=" + std::string(interval, written.ptr) + "\n";
}

// Renders every frame in order and appends it to the TIFF; one frame in memory. A big
// movie takes minutes, so with `show_progress` a progress line on stderr counts the frames.
void write_movie(const SyntheticMovie& movie, const std::string& path, bool bigtiff, bool show_progress) {
  const MovieParams& params = movie.params();
  calmon::io::TiffMovieWriter writer(path, movie.shape(), params.pixel_type, bigtiff, imagej_description(movie));
  calmon::io::ProgressBar progress(stderr, show_progress);
  const std::int64_t started_ns = monotonic_ns();
  const auto state = [&](std::int64_t written, std::int64_t now_ns) {
    return calmon::io::ProgressState{written, movie.frames(), 0, static_cast<double>(now_ns - started_ns) * 1e-9};
  };
  calmon::dispatch_pixel_type(params.pixel_type, [&](auto tag) {
    using Pixel = typename decltype(tag)::type;
    std::vector<Pixel> pixels(movie.shape().pixel_count());
    for (std::int64_t t = 0; t < movie.frames(); ++t) {
      movie.render<Pixel>(t, pixels);
      writer.append(calmon::FrameView<Pixel>(pixels.data(), movie.shape()));
      const std::int64_t now_ns = monotonic_ns();
      progress.update(state(t + 1, now_ns), now_ns);
    }
  });
  writer.close();
  progress.finish(state(movie.frames(), monotonic_ns()));
}

int run(const Options& options) {
  const SyntheticMovie movie(options.params);
  // Joined as paths, so that "demo/" gives demo/movie.tif, not demo//movie.tif.
  const std::filesystem::path out_dir(options.out_dir);
  const std::string truth_dir = (out_dir / "truth").string();
  make_directory(truth_dir);
  const std::string movie_path = (out_dir / "movie.tif").string();
  const auto truth = calmon::synth_tool::write_ground_truth(movie, truth_dir, "movie.tif", options.bigtiff);
  write_movie(movie, movie_path, options.bigtiff, !options.quiet && isatty(STDERR_FILENO) == 1);

  const MovieParams& p = movie.params();
  std::cout << "calmon-synth: wrote " << movie_path << " (" << p.frames << " frames of " << p.width << "x" << p.height
            << " " << calmon::pixel_type_name(p.pixel_type) << " at " << p.frame_rate_hz << " Hz, seed " << p.seed
            << (options.bigtiff ? ", BigTIFF" : "") << (p.motion.on ? ", moving" : "")
            << (p.motion.warp_px > 0 ? ", warped" : "") << (p.noise_free ? ", noise-free" : "")
            << ") and the ground truth of " << movie.cells().size() << " cells in " << truth_dir << "/"
            << (truth.weights_written ? "" : " (weights.npy skipped: too large)") << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = calmon::synth_tool::parse_options(argc, argv);
  } catch (const UsageError& error) {
    std::cerr << "calmon-synth: " << error.message << "\n";
    return 2;
  }
  if (options.help) {
    std::cout << calmon::synth_tool::kSynthUsage;
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
