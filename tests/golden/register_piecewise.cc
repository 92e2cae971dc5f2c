// register_piecewise.cc — test-only: calmon's rigid then piecewise-rigid registration
// and warp_frame, run on TIFF frames for the golden test (check_piecewise.py), which
// compares the displacement field with calmon-synth's truth and warp_frame with scipy.
// Not a user tool.
//
//   register_piecewise REFERENCE.tif FRAMES.tif OUT_DIR [--block N] [--overlap N]
//                      [--max-deviation PX] [--min-block-peak P] [--max-shift N]
//                      [--upsample N] [--taper N] [--sigma S]
//
// Writes into OUT_DIR:
//   rigid.npy         float64 (frames, 4): the whole frame's dy, dx, peak, failure
//   blocks.npy        float64 (frames, rows, cols, 4): each block's dy, dx, peak, fallback
//   displacement.npy  float32 (frames, 2, height, width): the field (dy, dx) per pixel
//   registered.npy    float32 (frames, height, width): warp_frame of each frame (NaN outside)
// Prints a one-line error and exits 1 on bad input.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image.h"
#include "core/piecewise_registration.h"
#include "core/rigid_registration.h"
#include "core/warp_frame.h"
#include "io/npy_writer.h"
#include "io/tiff_movie_reader.h"

namespace {

struct Arguments {
  std::string reference, frames, out_dir;
  calmon::RigidRegistrationOptions rigid;
  calmon::PiecewiseOptions piecewise;
};

Arguments parse(int argc, char** argv) {
  if (argc < 4) throw calmon::Error("usage: register_piecewise REFERENCE.tif FRAMES.tif OUT_DIR [options]");
  Arguments args{argv[1], argv[2], argv[3], {}, {}};
  if (argc % 2 != 0) throw calmon::Error("register_piecewise: an option lacks its value");
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--block") args.piecewise.block_size = std::stoi(value);
    else if (name == "--overlap") args.piecewise.block_overlap = std::stoi(value);
    else if (name == "--max-deviation") args.piecewise.max_deviation = std::stod(value);
    else if (name == "--min-block-peak") args.piecewise.min_block_peak = std::stod(value);
    else if (name == "--max-shift") args.rigid.max_shift = std::stoi(value);
    else if (name == "--upsample") args.rigid.upsample_factor = std::stoi(value);
    else if (name == "--taper") args.rigid.taper_width = std::stoi(value);
    else if (name == "--sigma") args.rigid.smooth_sigma = std::stod(value);
    else throw calmon::Error("register_piecewise: unknown option " + name);
  }
  return args;
}

void run(const Arguments& args) {
  calmon::io::TiffMovieReader reference_reader(args.reference);
  const calmon::Image reference = calmon::image_of(reference_reader.read(0));
  const calmon::FrameShape shape = reference.shape;
  const calmon::FrameView<double> reference_view(reference.pixels.data(), shape);
  calmon::RigidRegistration rigid(shape, args.rigid, reference_view);
  calmon::PiecewiseRegistration piecewise(shape, args.rigid, args.piecewise, reference_view);
  calmon::io::TiffMovieReader frames(args.frames);
  const auto count = static_cast<std::size_t>(frames.info().frames);
  const std::size_t pixels = shape.pixel_count();
  const auto rows = static_cast<std::size_t>(piecewise.block_rows());
  const auto cols = static_cast<std::size_t>(piecewise.block_cols());
  std::vector<double> rigid_results, block_results;
  std::vector<float> field(count * 2 * pixels), registered(count * pixels);
  for (std::size_t t = 0; t < count; ++t) {
    const calmon::AnyFrameView frame = frames.read(static_cast<std::int64_t>(t));
    const calmon::RegistrationResult whole = rigid.register_frame(frame);
    rigid_results.insert(rigid_results.end(), {whole.dy, whole.dx, whole.peak, static_cast<double>(whole.failed)});
    for (const calmon::BlockShift& block : piecewise.register_frame(frame, whole.dy, whole.dx)) {
      block_results.insert(block_results.end(), {block.dy, block.dx, block.peak, block.fallback ? 1.0 : 0.0});
    }
    const std::span<float> dy = std::span<float>(field).subspan(2 * t * pixels, pixels);
    const std::span<float> dx = std::span<float>(field).subspan((2 * t + 1) * pixels, pixels);
    piecewise.displacement(dy, dx);
    calmon::warp_frame(frame, dy, dx, std::span<float>(registered).subspan(t * pixels, pixels));
  }
  const auto height = static_cast<std::size_t>(shape.height), width = static_cast<std::size_t>(shape.width);
  calmon::io::write_npy<double>(args.out_dir + "/rigid.npy", rigid_results, {count, 4});
  calmon::io::write_npy<double>(args.out_dir + "/blocks.npy", block_results, {count, rows, cols, 4});
  calmon::io::write_npy<float>(args.out_dir + "/displacement.npy", field, {count, 2, height, width});
  calmon::io::write_npy<float>(args.out_dir + "/registered.npy", registered, {count, height, width});
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
