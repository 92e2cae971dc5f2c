// ground_truth_files.cc — cells.json and the .npy arrays of the truth (see the header).
//
// Numbers in cells.json are printed in their shortest round-trip form (std::to_chars),
// so reading them back gives the generator's doubles exactly.
#include "ground_truth_files.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

#include "core/error.h"
#include "io/npy_writer.h"
#include "synth/calcium_trace.h"

namespace calmon::synth_tool {
namespace {

using synth::SimulatedCell;
using synth::SyntheticMovie;

// Dense weights of more than this many bytes are not written; masks.npy still is.
constexpr std::size_t kMaxWeightsBytes = std::size_t{256} << 20;

std::string number(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string rect_json(const Rect& rect) {
  return "{\"xmin\": " + std::to_string(rect.xmin) + ", \"xmax\": " + std::to_string(rect.xmax) +
         ", \"ymin\": " + std::to_string(rect.ymin) + ", \"ymax\": " + std::to_string(rect.ymax) +
         "}";
}

std::string cell_json(const SimulatedCell& cell, const std::vector<std::uint16_t>& labels) {
  const auto pixels = std::count(labels.begin(), labels.end(), static_cast<std::uint16_t>(cell.id));
  const synth::CalciumKernel& kernel = cell.calcium.kernel();
  std::string json = "    {\"id\": " + std::to_string(cell.id);
  json += ", \"center\": {\"x\": " + number(cell.shape.center_x()) +
          ", \"y\": " + number(cell.shape.center_y()) + "}";
  json += ", \"radius\": " + number(cell.shape.mean_radius());
  json += ", \"radius_x\": " + number(cell.shape.radius_x());
  json += ", \"radius_y\": " + number(cell.shape.radius_y());
  json += ", \"angle_deg\": " + number(cell.shape.angle_deg());
  json += ",\n     \"bounds\": " + rect_json(cell.mask_bounds);
  json += ", \"pixels\": " + std::to_string(pixels);
  json += ",\n     \"resting_photons\": " + number(cell.resting_photons);
  json += ", \"spike_amplitude_dff\": " + number(cell.spike_amplitude);
  json += ", \"rise_s\": " + number(kernel.rise_s());
  json += ", \"decay_s\": " + number(kernel.decay_s());
  json += ", \"spike_count\": " + std::to_string(cell.spike_frames.size()) + "}";
  return json;
}

std::string cells_json(const SyntheticMovie& movie, const std::string& movie_file, bool bigtiff,
                       const std::vector<std::uint16_t>& labels) {
  const synth::MovieParams& params = movie.params();
  const synth::Detector& detector = movie.detector();
  std::string json = "{\n  \"movie\": {\"file\": \"" + movie_file + "\"";
  json += ", \"frames\": " + std::to_string(params.frames);
  json += ", \"width\": " + std::to_string(params.width);
  json += ", \"height\": " + std::to_string(params.height);
  json += ", \"frame_rate_hz\": " + number(params.frame_rate_hz);
  json += ", \"seed\": " + std::to_string(params.seed);
  json += ", \"pixel_type\": \"" + std::string(pixel_type_name(params.pixel_type)) + "\"";
  json += std::string(", \"bigtiff\": ") + (bigtiff ? "true" : "false");
  json += ",\n            \"frame_time_s\": \"(t + 0.5) / frame_rate_hz\"";
  json += ",\n            \"detector\": {\"offset_counts\": " + number(detector.offset_counts) +
          ", \"counts_per_photon\": " + number(detector.counts_per_photon) +
          ", \"read_noise_counts\": " + number(detector.read_noise_counts) + "}";
  json += ",\n            \"neuropil_contamination\": " +
          number(SyntheticMovie::kNeuropilContamination) + "},\n";
  json += "  \"cells\": [\n";
  for (std::size_t i = 0; i < movie.cells().size(); ++i) {
    json += cell_json(movie.cells()[i], labels);
    json += i + 1 < movie.cells().size() ? ",\n" : "\n";
  }
  json += "  ]\n}\n";
  return json;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  file.close();
  if (!file) throw Error(path + ": cannot write");
}

void write_weights(const SyntheticMovie& movie, const std::string& path) {
  const FrameShape shape = movie.shape();
  io::NpyAppender<double> weights(path, {static_cast<std::size_t>(shape.height),
                                         static_cast<std::size_t>(shape.width)});
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
    for (std::int64_t t = 0; t < frames; ++t)
      row[static_cast<std::size_t>(t)] = movie.true_dff(i, t);
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

}  // namespace

GroundTruthSummary write_ground_truth(const SyntheticMovie& movie, const std::string& truth_dir,
                                      const std::string& movie_file, bool bigtiff) {
  const FrameShape shape = movie.shape();
  const std::vector<std::uint16_t> labels = movie.label_image();
  write_text(truth_dir + "/cells.json", cells_json(movie, movie_file, bigtiff, labels));
  io::write_npy<std::uint16_t>(
      truth_dir + "/masks.npy", labels,
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
  return summary;
}

}  // namespace calmon::synth_tool
