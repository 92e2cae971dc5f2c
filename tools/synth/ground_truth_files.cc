// ground_truth_files.cc — cells.json and the .npy arrays of the truth (see the header).
//
// cells.json is the message GroundTruthCells (proto/calmon/output.proto) printed through
// protobuf's JSON mapping, whose doubles read back as the generator's exactly.
#include "ground_truth_files.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

#include "calmon/output.pb.h"
#include "config/json_message.h"
#include "core/error.h"
#include "io/npy_writer.h"
#include "synth/calcium_trace.h"

namespace calmon::synth_tool {
namespace {

using synth::SimulatedCell;
using synth::SyntheticMovie;

// Dense weights of more than this many bytes are not written; masks.npy still is.
constexpr std::size_t kMaxWeightsBytes = std::size_t{256} << 20;

pb::Rect to_rect(const Rect& rect) {
  pb::Rect out;
  out.set_xmin(rect.xmin);
  out.set_xmax(rect.xmax);
  out.set_ymin(rect.ymin);
  out.set_ymax(rect.ymax);
  return out;
}

void fill_cell(pb::SyntheticCell& to, const SimulatedCell& cell, const std::vector<std::uint16_t>& labels) {
  const auto pixels = std::count(labels.begin(), labels.end(), static_cast<std::uint16_t>(cell.id));
  const synth::CalciumKernel& kernel = cell.calcium.kernel();
  to.set_id(cell.id);
  to.mutable_center()->set_x(cell.shape.center_x());
  to.mutable_center()->set_y(cell.shape.center_y());
  to.set_radius(cell.shape.mean_radius());
  to.set_radius_x(cell.shape.radius_x());
  to.set_radius_y(cell.shape.radius_y());
  to.set_angle_deg(cell.shape.angle_deg());
  *to.mutable_bounds() = to_rect(cell.mask_bounds);
  to.set_pixels(static_cast<double>(pixels));
  to.set_resting_photons(cell.resting_photons);
  to.set_spike_amplitude_dff(cell.spike_amplitude);
  to.set_rise_s(kernel.rise_s());
  to.set_decay_s(kernel.decay_s());
  to.set_spike_count(static_cast<double>(cell.spike_frames.size()));
}

void fill_motion(pb::SyntheticMotion& to, const SyntheticMovie& movie) {
  const synth::MotionParams& motion = movie.params().motion;
  to.set_file("truth/motion.npy");
  to.set_convention(
      "frame t at pixel (x, y) shows the unmoved scene at (x + dx, y + dy); "
      "scipy.ndimage.shift(frame, (dy, dx)) registers it back, as skimage's phase_cross_correlation(scene, frame)");
  to.set_drift_px(motion.drift_px);
  to.set_walk_px(motion.walk_px);
  to.set_jitter_px(motion.jitter_px);
  to.set_seed(motion.seed);
  to.set_drift_settle_s(synth::RigidMotion::kDriftSettleS);
  to.set_walk_correlation_s(synth::RigidMotion::kWalkCorrelationS);
  to.set_walk_knot_s(synth::RigidMotion::kWalkStepS);
  to.set_breathing_hz(movie.motion().breathing_hz());
  to.set_breathing_share(synth::RigidMotion::kBreathingShare);
}

void fill_movie(pb::SyntheticMovieFacts& to, const SyntheticMovie& movie, const std::string& movie_file, bool bigtiff) {
  const synth::MovieParams& params = movie.params();
  const synth::Detector& detector = movie.detector();
  to.set_file(movie_file);
  to.set_frames(static_cast<double>(params.frames));
  to.set_width(params.width);
  to.set_height(params.height);
  to.set_frame_rate_hz(params.frame_rate_hz);
  to.set_seed(params.seed);
  to.set_pixel_type(std::string(pixel_type_name(params.pixel_type)));
  to.set_bigtiff(bigtiff);
  to.set_frame_time_s("(t + 0.5) / frame_rate_hz");
  to.mutable_detector()->set_offset_counts(detector.offset_counts);
  to.mutable_detector()->set_counts_per_photon(detector.counts_per_photon);
  to.mutable_detector()->set_read_noise_counts(detector.read_noise_counts);
  to.set_neuropil_contamination(SyntheticMovie::kNeuropilContamination);
  if (params.noise_free) to.set_noise_free(true);
  if (movie.motion().moves()) fill_motion(*to.mutable_motion(), movie);
}

std::string cells_json(const SyntheticMovie& movie, const std::string& movie_file, bool bigtiff,
                       const std::vector<std::uint16_t>& labels) {
  pb::GroundTruthCells file;
  fill_movie(*file.mutable_movie(), movie, movie_file, bigtiff);
  for (const SimulatedCell& cell : movie.cells()) fill_cell(*file.add_cells(), cell, labels);
  return config::print_json_message(file, {.indented = true});
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  file.close();
  if (!file) throw Error(path + ": cannot write");
}

void write_weights(const SyntheticMovie& movie, const std::string& path) {
  const FrameShape shape = movie.shape();
  io::NpyAppender<double> weights(path,
                                  {static_cast<std::size_t>(shape.height), static_cast<std::size_t>(shape.width)});
  for (std::size_t i = 0; i < movie.cells().size(); ++i) {
    const std::vector<double> image = movie.weight_image(i);
    weights.append(image);
  }
  weights.flush();
}

void write_time_series(const SyntheticMovie& movie, const std::string& truth_dir) {
  const std::int64_t frames = movie.frames();
  const std::size_t cells = movie.cells().size();

  io::NpyAppender<double> dff(truth_dir + "/dff.npy", {static_cast<std::size_t>(frames)});
  std::vector<double> row(static_cast<std::size_t>(frames));
  for (std::size_t i = 0; i < cells; ++i) {
    for (std::int64_t t = 0; t < frames; ++t) row[static_cast<std::size_t>(t)] = movie.true_dff(i, t);
    dff.append(row);
  }
  dff.flush();

  io::NpyAppender<double> neuropil(truth_dir + "/neuropil.npy");
  io::NpyAppender<double> drift(truth_dir + "/drift.npy");
  for (std::int64_t t = 0; t < frames; ++t) {
    const double activity = movie.neuropil_activity(t);
    const double factor = movie.drift_factor(t);
    neuropil.append(std::span<const double>(&activity, 1));
    drift.append(std::span<const double>(&factor, 1));
  }
  neuropil.flush();
  drift.flush();

  // Spike counts per frame, one row per frame; each cell's spike_frames is ascending.
  io::NpyAppender<std::uint8_t> spikes(truth_dir + "/spikes.npy", {cells});
  std::vector<std::size_t> next_spike(cells, 0);
  std::vector<std::uint8_t> counts(cells);
  for (std::int64_t t = 0; t < frames; ++t) {
    for (std::size_t i = 0; i < cells; ++i) {
      const std::vector<std::int64_t>& spike_frames = movie.cells()[i].spike_frames;
      unsigned count = 0;
      while (next_spike[i] < spike_frames.size() && spike_frames[next_spike[i]] == t) {
        ++count;
        ++next_spike[i];
      }
      counts[i] = static_cast<std::uint8_t>(std::min(count, 255u));
    }
    spikes.append(counts);
  }
  spikes.flush();
}

// (frames, 2) float64, one (dy, dx) row per frame.
void write_motion(const SyntheticMovie& movie, const std::string& path) {
  io::NpyAppender<double> motion(path, {2});
  for (std::int64_t t = 0; t < movie.frames(); ++t) {
    const synth::PixelShift shift = movie.true_shift(t);
    const double row[2] = {shift.dy, shift.dx};
    motion.append(row);
  }
  motion.flush();
}

// (frames, 2, height, width) float32: the true registering field (dy, dx) of every pixel.
void write_displacement(const SyntheticMovie& movie, const std::string& path) {
  const FrameShape shape = movie.shape();
  io::NpyAppender<float> displacement(
      path, {2, static_cast<std::size_t>(shape.height), static_cast<std::size_t>(shape.width)});
  std::vector<double> dy(shape.pixel_count()), dx(shape.pixel_count());
  std::vector<float> row(2 * shape.pixel_count());
  for (std::int64_t t = 0; t < movie.frames(); ++t) {
    movie.true_displacement(t, dy, dx);
    std::transform(dy.begin(), dy.end(), row.begin(), [](double v) { return static_cast<float>(v); });
    std::transform(dx.begin(), dx.end(), row.begin() + static_cast<std::ptrdiff_t>(dy.size()),
                   [](double v) { return static_cast<float>(v); });
    displacement.append(row);
  }
  displacement.flush();
}

}  // namespace

GroundTruthSummary write_ground_truth(const SyntheticMovie& movie, const std::string& truth_dir,
                                      const std::string& movie_file, bool bigtiff) {
  const FrameShape shape = movie.shape();
  const std::vector<std::uint16_t> labels = movie.label_image();
  write_text(truth_dir + "/cells.json", cells_json(movie, movie_file, bigtiff, labels));
  io::write_npy<std::uint16_t>(truth_dir + "/masks.npy", labels,
                               {static_cast<std::size_t>(shape.height), static_cast<std::size_t>(shape.width)});

  GroundTruthSummary summary;
  const std::size_t weights_bytes = movie.cells().size() * shape.pixel_count() * sizeof(double);
  if (weights_bytes <= kMaxWeightsBytes) {
    write_weights(movie, truth_dir + "/weights.npy");
    summary.weights_written = true;
  } else {
    std::error_code ignored;  // a stale file from an earlier, smaller movie would mislead
    std::filesystem::remove(truth_dir + "/weights.npy", ignored);
  }
  write_time_series(movie, truth_dir);
  std::error_code ignored;  // a still movie has no motion.npy, not a stale one
  if (movie.motion().moves()) {
    write_motion(movie, truth_dir + "/motion.npy");
  } else {
    std::filesystem::remove(truth_dir + "/motion.npy", ignored);
  }
  if (movie.warp().warps()) {
    write_displacement(movie, truth_dir + "/displacement.npy");
  } else {
    std::filesystem::remove(truth_dir + "/displacement.npy", ignored);
  }
  return summary;
}

}  // namespace calmon::synth_tool
