// numpy_peer_registration.cc — the frames, calmon's timing, the peer's, and the figures.
#include "numpy_peer_registration.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/rigid_registration.h"
#include "core/shift_frame.h"
#include "frame_set.h"
#include "numpy_peer_run.h"
#include "percentile.h"

namespace calmon::bench {
namespace {

constexpr int kFrames = 16;             // moving frames, registered in turn
constexpr int kCalmonRepetitions = 50;  // each frame this many times
constexpr double kLargestShift = 8.0;   // px, in y and in x
constexpr const char* kPython = "/usr/bin/python3";

struct Shift {
  double dy = 0.0, dx = 0.0;
};

// `image` with its content moved by (dy, dx), bilinear with wrap-around, rounded.
std::vector<std::uint16_t> moved(const std::uint16_t* image, int width, int height, Shift shift) {
  std::vector<std::uint16_t> out(static_cast<std::size_t>(width) * height);
  const auto at = [&](int y, int x) {
    return static_cast<double>(
        image[static_cast<std::size_t>((y % height + height) % height) * width + (x % width + width) % width]);
  };
  const double fy = std::floor(shift.dy), fx = std::floor(shift.dx);
  const double ty = shift.dy - fy, tx = shift.dx - fx;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      // out(y, x) = image(y − dy, x − dx)
      const int y0 = y - static_cast<int>(fy) - 1, x0 = x - static_cast<int>(fx) - 1;
      const double top = (1.0 - tx) * at(y0 + 1, x0 + 1) + tx * at(y0 + 1, x0);
      const double bottom = (1.0 - tx) * at(y0, x0 + 1) + tx * at(y0, x0);
      out[static_cast<std::size_t>(y) * width + x] =
          static_cast<std::uint16_t>(std::lround((1.0 - ty) * top + ty * bottom));
    }
  }
  return out;
}

void print_figure(const char* name, double value) { std::printf("%s %.6g\n", name, value); }

// This thread's CPU time, µs: what a frame cost even when the machine is shared.
double thread_cpu_us() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

}  // namespace

void run_registration_peer(const RegistrationPeerRequest& request) {
  const int width = request.width, height = request.height;
  const FrameShape shape{width, height};
  const FrameSet frame_set(width, height, request.seed);
  const zmq::message_t first = frame_set.message(0);
  const auto* reference = static_cast<const std::uint16_t*>(first.data());
  std::mt19937_64 rng(request.seed);
  std::uniform_real_distribution<double> offset(-kLargestShift, kLargestShift);
  std::vector<std::vector<std::uint16_t>> frames;
  for (int i = 0; i < kFrames; ++i) frames.push_back(moved(reference, width, height, {offset(rng), offset(rng)}));

  // calmon: every frame registered and shifted, each timed alone.
  const RigidRegistrationOptions options;
  RigidRegistration registration(shape, options, FrameView<std::uint16_t>(reference, shape));
  std::vector<float> shifted(shape.pixel_count());
  std::vector<Shift> calmon_shifts(kFrames);
  std::vector<double> calmon_us, calmon_cpu_us;
  for (int repetition = 0; repetition < kCalmonRepetitions; ++repetition) {
    for (int i = 0; i < kFrames; ++i) {
      const FrameView<std::uint16_t> frame(frames[i].data(), shape);
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = thread_cpu_us();
      const RegistrationResult result = registration.register_frame(frame);
      shift_frame(frame, result.dy, result.dx, shifted);
      const double cpu_end = thread_cpu_us();
      const auto end = std::chrono::steady_clock::now();
      calmon_us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
      calmon_cpu_us.push_back(cpu_end - cpu_start);
      calmon_shifts[i] = {result.dy, result.dx};
    }
  }
  const double calmon_median = percentile(calmon_us, 50), calmon_cpu_median = percentile(calmon_cpu_us, 50);
  print_figure("registration_frames", kFrames);
  print_figure("registration_calmon_median_us", calmon_median);
  print_figure("registration_calmon_cpu_median_us", calmon_cpu_median);
  std::fflush(stdout);

  // The peer, on the same frames: the reference first, then the moving ones.
  char frames_file[] = "/tmp/calmon-bench-registration-XXXXXX";
  const int fd = mkstemp(frames_file);
  if (fd < 0) throw std::runtime_error("cannot create a temp file for the frames");
  close(fd);
  {
    std::ofstream out(frames_file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(reference), static_cast<std::streamsize>(first.size()));
    for (const auto& frame : frames) {
      out.write(reinterpret_cast<const char*>(frame.data()),
                static_cast<std::streamsize>(frame.size() * sizeof(std::uint16_t)));
    }
  }
  std::ostringstream command;
  // One thread each, as calmon: numpy's matrix products would otherwise use every core.
  command << "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 " << kPython << " '" << numpy_peer_script()
          << "' --registration --frames-file '" << frames_file << "' --width " << width << " --height " << height
          << " --distinct-frames " << kFrames + 1 << " --max-shift " << options.max_shift << " --upsample-factor "
          << options.upsample_factor << " --taper-width " << options.taper_width << " --seconds "
          << request.peer_seconds;
  FILE* output = popen(command.str().c_str(), "r");
  if (!output) {
    std::remove(frames_file);
    throw std::runtime_error("cannot run " + command.str());
  }
  double numpy_median = -1.0, skimage_median = -1.0, numpy_cpu_median = -1.0, skimage_cpu_median = -1.0;
  std::vector<Shift> numpy_shifts;
  char line[512];
  while (std::fgets(line, sizeof line, output)) {
    Shift shift;
    std::sscanf(line, "numpy_registration_median_us %lf", &numpy_median);
    std::sscanf(line, "skimage_registration_median_us %lf", &skimage_median);
    std::sscanf(line, "numpy_registration_cpu_median_us %lf", &numpy_cpu_median);
    std::sscanf(line, "skimage_registration_cpu_median_us %lf", &skimage_cpu_median);
    if (std::sscanf(line, "numpy_registration_shift %lf %lf", &shift.dy, &shift.dx) == 2) numpy_shifts.push_back(shift);
  }
  const int status = pclose(output);
  std::remove(frames_file);
  if (status != 0 || numpy_median <= 0.0 || numpy_shifts.size() != calmon_shifts.size()) {
    throw std::runtime_error("the numpy registration peer failed: " + command.str());
  }
  double difference = 0.0;
  for (std::size_t i = 0; i < numpy_shifts.size(); ++i) {
    difference = std::max({difference, std::abs(numpy_shifts[i].dy - calmon_shifts[i].dy),
                           std::abs(numpy_shifts[i].dx - calmon_shifts[i].dx)});
  }
  print_figure("registration_numpy_median_us", numpy_median);
  print_figure("registration_numpy_cpu_median_us", numpy_cpu_median);
  print_figure("registration_ratio_numpy_to_calmon", numpy_median / calmon_median);
  print_figure("registration_cpu_ratio_numpy_to_calmon", numpy_cpu_median / calmon_cpu_median);
  print_figure("registration_numpy_largest_shift_difference_px", difference);
  if (skimage_median > 0.0) {
    print_figure("registration_skimage_median_us", skimage_median);
    print_figure("registration_skimage_cpu_median_us", skimage_cpu_median);
    print_figure("registration_ratio_skimage_to_calmon", skimage_median / calmon_median);
    print_figure("registration_cpu_ratio_skimage_to_calmon", skimage_cpu_median / calmon_cpu_median);
  }
}

}  // namespace calmon::bench
