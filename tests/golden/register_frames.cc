// register_frames.cc — test-only: calmon's rigid registration and shift, run on TIFF
// frames for the golden test (check_registration.py), which compares them with
// scikit-image and scipy. Not a user tool.
//
//   register_frames REFERENCE.tif FRAMES.tif OUT.npy [--max-shift N] [--upsample N]
//                   [--taper N] [--sigma S] [--min-peak P] [--shifted SHIFTED.npy]
//
// OUT.npy: float64 (frames, 4): dy, dx, peak, failure (RegistrationFailure as a number).
// SHIFTED.npy: float32 (frames, height, width), each frame shifted by its (dy, dx) with
// shift_frame (NaN outside). Prints a one-line error and exits 1 on bad input.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image.h"
#include "core/rigid_registration.h"
#include "core/shift_frame.h"
#include "io/npy_writer.h"
#include "io/tiff_movie_reader.h"

namespace {

struct Arguments {
  std::string reference, frames, out, shifted;
  calmon::RigidRegistrationOptions options;
};

Arguments parse(int argc, char** argv) {
  if (argc < 4) throw calmon::Error("usage: register_frames REFERENCE.tif FRAMES.tif OUT.npy [options]");
  Arguments args{argv[1], argv[2], argv[3], "", {}};
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--max-shift") args.options.max_shift = std::stoi(value);
    else if (name == "--upsample") args.options.upsample_factor = std::stoi(value);
    else if (name == "--taper") args.options.taper_width = std::stoi(value);
    else if (name == "--sigma") args.options.smooth_sigma = std::stod(value);
    else if (name == "--min-peak") args.options.min_peak = std::stod(value);
    else if (name == "--shifted") args.shifted = value;
    else throw calmon::Error("register_frames: unknown option " + name);
  }
  if (argc % 2 != 0) throw calmon::Error("register_frames: an option lacks its value");
  return args;
}

void run(const Arguments& args) {
  calmon::io::TiffMovieReader reference_reader(args.reference);
  const calmon::Image reference = calmon::image_of(reference_reader.read(0));
  const calmon::FrameShape shape = reference.shape;
  calmon::RigidRegistration registration(shape, args.options,
                                         calmon::FrameView<double>(reference.pixels.data(), shape));
  calmon::io::TiffMovieReader frames(args.frames);
  const auto count = static_cast<std::size_t>(frames.info().frames);
  std::vector<double> results;
  std::vector<float> shifted(args.shifted.empty() ? 0 : count * shape.pixel_count());
  for (std::size_t t = 0; t < count; ++t) {
    const calmon::AnyFrameView frame = frames.read(static_cast<std::int64_t>(t));
    const calmon::RegistrationResult result = registration.register_frame(frame);
    results.insert(results.end(), {result.dy, result.dx, result.peak, static_cast<double>(result.failed)});
    if (!args.shifted.empty()) {
      calmon::shift_frame(frame, result.dy, result.dx,
                          std::span<float>(shifted).subspan(t * shape.pixel_count(), shape.pixel_count()));
    }
  }
  calmon::io::write_npy<double>(args.out, results, {count, 4});
  if (!args.shifted.empty()) {
    calmon::io::write_npy<float>(
        args.shifted, shifted, {count, static_cast<std::size_t>(shape.height), static_cast<std::size_t>(shape.width)});
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run(parse(argc, argv));
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
}
