// synthetic_movie.cc — assembles cells, neuropil, drift and detector into frames.
//
// Every random choice comes from a stream keyed by (seed, purpose, index): a cell's
// properties and spikes from (seed, kCellStream, id), frame t's noise from
// (seed, kFrameNoiseStream, t). Spikes and neuropil events are drawn in time order, so a
// longer movie starts with exactly the frames of a shorter one.
#include "synth/synthetic_movie.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "core/error.h"
#include "synth/cell_layout.h"
#include "synth/spike_train.h"

namespace calmon::synth {
namespace {

enum StreamPurpose : std::uint64_t {
  kCellStream = 1,
  kNeuropilStream = 2,
  kDriftStream = 3,
  kFrameNoiseStream = 4,
};

// Cell properties, drawn per cell: brightness, indicator kinetics (GCaMP6-like: 50 ms
// rise, 0.5–1 s decay), single-spike ΔF/F and burst rate.
constexpr double kCellPhotonsMin = 350.0;
constexpr double kCellPhotonsMax = 650.0;
constexpr double kRiseS = 0.05;
constexpr double kDecayMinS = 0.5;
constexpr double kDecayMaxS = 1.0;
constexpr double kSpikeAmplitudeMin = 0.2;
constexpr double kSpikeAmplitudeMax = 0.4;
constexpr double kBurstRateMinHz = 0.08;
constexpr double kBurstRateMaxHz = 0.2;

const MovieParams& validated(const MovieParams& params) {
  params.validate();
  return params;
}

// Row-major weights of `shape` over the pixels of `box`.
std::vector<double> weights_in(const CellShape& shape, const Rect& box) {
  std::vector<double> weights;
  weights.reserve(static_cast<std::size_t>(box.width()) * box.height());
  for (int y = box.ymin; y < box.ymax; ++y) {
    for (int x = box.xmin; x < box.xmax; ++x) weights.push_back(shape.weight(x, y));
  }
  return weights;
}

SimulatedCell draw_cell(int id, const CellShape& shape, const MovieParams& params) {
  RandomStream random = RandomStream::for_stream(params.seed, kCellStream, static_cast<std::uint64_t>(id));
  const double resting_photons = random.uniform(kCellPhotonsMin, kCellPhotonsMax);
  const CalciumKernel kernel(kRiseS, random.uniform(kDecayMinS, kDecayMaxS));
  const double spike_amplitude = random.uniform(kSpikeAmplitudeMin, kSpikeAmplitudeMax);
  BurstStatistics bursts;
  bursts.burst_rate_hz = random.uniform(kBurstRateMinHz, kBurstRateMaxHz);
  const std::vector<double> spike_times = draw_spike_times(bursts, params.duration_s(), random);

  std::vector<CalciumEvent> events;
  std::vector<std::int64_t> spike_frames;
  for (double time : spike_times) {
    events.push_back({time, spike_amplitude});
    spike_frames.push_back(std::min(params.frame_of_time(time), params.frames - 1));
  }
  const FrameShape frame = params.shape();
  const Rect footprint = shape.weight_bounds(frame);
  std::vector<double> weights = weights_in(shape, footprint);
  return SimulatedCell{.id = id,
                       .shape = shape,
                       .mask_bounds = shape.mask_bounds(frame),
                       .resting_photons = resting_photons,
                       .spike_amplitude = spike_amplitude,
                       .calcium = CalciumTrace(kernel, std::move(events)),
                       .spike_frames = std::move(spike_frames),
                       .footprint = footprint,
                       .footprint_weights = std::move(weights)};
}

std::vector<SimulatedCell> draw_cells(const MovieParams& params) {
  std::vector<SimulatedCell> cells;
  int id = 0;
  for (const CellShape& shape : cell_layout(params.shape())) cells.push_back(draw_cell(++id, shape, params));
  return cells;
}

Neuropil draw_neuropil(const MovieParams& params) {
  RandomStream random = RandomStream::for_stream(params.seed, kNeuropilStream, 0);
  return Neuropil(params.shape(), params.duration_s(), random);
}

IlluminationDrift draw_drift(const MovieParams& params) {
  RandomStream random = RandomStream::for_stream(params.seed, kDriftStream, 0);
  return IlluminationDrift(random);
}

// Calls f(pixel index, weight) for every nonzero weight of a footprint: `weights`
// row-major within `box`.
template <class F> void for_each_weight(const Rect& box, const std::vector<double>& weights, int frame_width, F&& f) {
  std::size_t k = 0;
  for (int y = box.ymin; y < box.ymax; ++y) {
    const std::size_t row = static_cast<std::size_t>(y) * static_cast<std::size_t>(frame_width);
    for (int x = box.xmin; x < box.xmax; ++x, ++k) {
      if (weights[k] > 0) f(row + static_cast<std::size_t>(x), weights[k]);
    }
  }
}

template <class F> void for_each_weight(const SimulatedCell& cell, int frame_width, F&& f) {
  for_each_weight(cell.footprint, cell.footprint_weights, frame_width, std::forward<F>(f));
}

// A cell's footprint in one moved frame.
struct MovedFootprint {
  Rect box;
  std::vector<double> weights;
};

// The moved and the warped frames' common end: each cell's light at `time` over its
// moved footprint, then the whole frame times the illumination drift.
void add_cells_and_drift(const std::vector<SimulatedCell>& cells, const std::vector<MovedFootprint>& footprints,
                         double time, double drift, int frame_width, std::span<double> photons) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const double brightness = cells[i].resting_photons * (1.0 + cells[i].calcium.value_at(time));
    for_each_weight(footprints[i].box, footprints[i].weights, frame_width,
                    [&](std::size_t p, double w) { photons[p] += w * brightness; });
  }
  for (double& value : photons) value *= drift;
}

}  // namespace

SyntheticMovie::SyntheticMovie(const MovieParams& params)
    : params_(validated(params)),
      detector_(Detector::for_pixel_type(params.pixel_type)),
      cells_(draw_cells(params)),
      neuropil_(draw_neuropil(params)),
      drift_(draw_drift(params)),
      motion_(params),
      warp_(params) {
  if (cells_.size() > 65535) throw Error("synthetic movie: too many cells for a uint16 label image");
  // A cell body displaces neuropil: at full weight only kNeuropilContamination of the
  // local neuropil light remains.
  std::vector<double> cell_weight(shape().pixel_count(), 0.0);
  for (const SimulatedCell& cell : cells_) {
    for_each_weight(cell, params_.width, [&](std::size_t p, double w) { cell_weight[p] += w; });
  }
  neuropil_in_pixel_ = neuropil_.resting_photons();
  for (std::size_t p = 0; p < neuropil_in_pixel_.size(); ++p) {
    const double covered = std::min(cell_weight[p], 1.0);
    neuropil_in_pixel_[p] *= 1.0 - (1.0 - kNeuropilContamination) * covered;
  }
}

double SyntheticMovie::true_dff(std::size_t cell_index, std::int64_t t) const {
  if (cell_index >= cells_.size()) {
    throw Error("synthetic movie: no cell index " + std::to_string(cell_index) + " (" + std::to_string(cells_.size()) +
                " cells)");
  }
  return cells_[cell_index].calcium.value_at(params_.frame_time_s(t));
}

double SyntheticMovie::neuropil_activity(std::int64_t t) const { return neuropil_.activity(params_.frame_time_s(t)); }

double SyntheticMovie::drift_factor(std::int64_t t) const { return drift_.factor(params_.frame_time_s(t)); }

std::vector<std::uint16_t> SyntheticMovie::label_image() const {
  std::vector<std::uint16_t> labels(shape().pixel_count(), 0);
  for (const SimulatedCell& cell : cells_) {
    const Rect& box = cell.mask_bounds;
    for (int y = box.ymin; y < box.ymax; ++y) {
      for (int x = box.xmin; x < box.xmax; ++x) {
        if (cell.shape.contains(x, y)) {
          labels[static_cast<std::size_t>(y) * params_.width + x] = static_cast<std::uint16_t>(cell.id);
        }
      }
    }
  }
  return labels;
}

std::vector<double> SyntheticMovie::weight_image(std::size_t cell_index) const {
  if (cell_index >= cells_.size()) {
    throw Error("synthetic movie: no cell index " + std::to_string(cell_index) + " (" + std::to_string(cells_.size()) +
                " cells)");
  }
  std::vector<double> image(shape().pixel_count(), 0.0);
  for_each_weight(cells_[cell_index], params_.width, [&](std::size_t p, double w) { image[p] = w; });
  return image;
}

void SyntheticMovie::check_frame_request(std::int64_t t, std::size_t size) const {
  if (t < 0 || t >= params_.frames) {
    throw Error("synthetic movie: frame " + std::to_string(t) + " is outside 0.." + std::to_string(params_.frames - 1));
  }
  if (size != shape().pixel_count()) {
    throw Error("synthetic movie: frame buffer holds " + std::to_string(size) + " pixels, need " +
                std::to_string(shape().pixel_count()));
  }
}

PixelShift SyntheticMovie::true_shift(std::int64_t t) const {
  check_frame_request(t, shape().pixel_count());
  return motion_.at(t);
}

void SyntheticMovie::expected_photons(std::int64_t t, std::span<double> photons) const {
  check_frame_request(t, photons.size());
  if (warp_.warps()) {
    warped_expected_photons(t, photons);
    return;
  }
  if (motion_.moves()) {
    moved_expected_photons(t, photons);
    return;
  }
  const double time = params_.frame_time_s(t);
  const double neuropil_level = 1.0 + neuropil_.activity(time);
  for (std::size_t p = 0; p < photons.size(); ++p) photons[p] = neuropil_in_pixel_[p] * neuropil_level;
  for (const SimulatedCell& cell : cells_) {
    const double brightness = cell.resting_photons * (1.0 + cell.calcium.value_at(time));
    for_each_weight(cell, params_.width, [&](std::size_t p, double w) { photons[p] += w * brightness; });
  }
  const double drift = drift_.factor(time);
  for (double& value : photons) value *= drift;
}

// The unmoved path above, with every part of the scene evaluated at (x + dx, y + dy) in
// the same order of operations, so that a zero shift gives exactly the unmoved frame.
void SyntheticMovie::moved_expected_photons(std::int64_t t, std::span<double> photons) const {
  const PixelShift shift = motion_.at(t);
  const FrameShape frame = shape();
  std::vector<MovedFootprint> footprints;
  footprints.reserve(cells_.size());
  std::vector<double> cell_weight(photons.size(), 0.0);
  for (const SimulatedCell& cell : cells_) {
    const CellShape seen = cell.shape.translated(-shift.dx, -shift.dy);
    const Rect box = seen.weight_bounds(frame);
    footprints.push_back({box, weights_in(seen, box)});
    for_each_weight(box, footprints.back().weights, frame.width, [&](std::size_t p, double w) { cell_weight[p] += w; });
  }
  const double time = params_.frame_time_s(t);
  const double neuropil_level = 1.0 + neuropil_.activity(time);
  for (int y = 0; y < frame.height; ++y) {
    for (int x = 0; x < frame.width; ++x) {
      const std::size_t p = static_cast<std::size_t>(y) * frame.width + x;
      const double covered = std::min(cell_weight[p], 1.0);
      const double resting = neuropil_.resting_photons_at(x + shift.dx, y + shift.dy);
      photons[p] = resting * (1.0 - (1.0 - kNeuropilContamination) * covered) * neuropil_level;
    }
  }
  add_cells_and_drift(cells_, footprints, time, drift_.factor(time), frame.width, photons);
}

void SyntheticMovie::true_displacement(std::int64_t t, std::span<double> dy, std::span<double> dx) const {
  check_frame_request(t, dy.size());
  check_frame_request(t, dx.size());
  const NonrigidWarp::Frame warp = warp_.frame(t, motion_.at(t));
  for (int y = 0; y < params_.height; ++y) {
    for (int x = 0; x < params_.width; ++x) {
      const std::size_t p = static_cast<std::size_t>(y) * params_.width + x;
      const PixelShift field = warp.field(y, x);
      dy[p] = field.dy;
      dx[p] = field.dx;
    }
  }
}

// The moved path again, but each pixel sees the scene at a point of its own
// (NonrigidWarp::Frame::scene_point) instead of at one shift for the whole frame.
void SyntheticMovie::warped_expected_photons(std::int64_t t, std::span<double> photons) const {
  const PixelShift shift = motion_.at(t);
  const NonrigidWarp::Frame warp = warp_.frame(t, shift);
  const FrameShape frame = shape();
  std::vector<NonrigidWarp::ScenePoint> seen(photons.size());
  for (int y = 0; y < frame.height; ++y) {
    for (int x = 0; x < frame.width; ++x) seen[static_cast<std::size_t>(y) * frame.width + x] = warp.scene_point(y, x);
  }
  // A cell shows within its rigidly moved box widened by the warp's bound (the box is
  // clipped to the frame first, so widening it again covers a cell just outside).
  const int margin = static_cast<int>(std::ceil(params_.motion.warp_px)) + 1;
  std::vector<MovedFootprint> footprints;
  footprints.reserve(cells_.size());
  std::vector<double> cell_weight(photons.size(), 0.0);
  for (const SimulatedCell& cell : cells_) {
    Rect box = cell.shape.translated(-shift.dx, -shift.dy).weight_bounds(frame);
    box = {std::max(0, box.xmin - margin), std::min(frame.width, box.xmax + margin), std::max(0, box.ymin - margin),
           std::min(frame.height, box.ymax + margin)};
    std::vector<double> weights;
    weights.reserve(static_cast<std::size_t>(box.width()) * box.height());
    for (int y = box.ymin; y < box.ymax; ++y) {
      for (int x = box.xmin; x < box.xmax; ++x) {
        const NonrigidWarp::ScenePoint& point = seen[static_cast<std::size_t>(y) * frame.width + x];
        const double w = cell.shape.weight_at(point.x, point.y);
        weights.push_back(w);
        cell_weight[static_cast<std::size_t>(y) * frame.width + x] += w;
      }
    }
    footprints.push_back({box, std::move(weights)});
  }
  const double time = params_.frame_time_s(t);
  const double neuropil_level = 1.0 + neuropil_.activity(time);
  for (std::size_t p = 0; p < photons.size(); ++p) {
    const double covered = std::min(cell_weight[p], 1.0);
    const double resting = neuropil_.resting_photons_at(seen[p].x, seen[p].y);
    photons[p] = resting * (1.0 - (1.0 - kNeuropilContamination) * covered) * neuropil_level;
  }
  add_cells_and_drift(cells_, footprints, time, drift_.factor(time), frame.width, photons);
}

void SyntheticMovie::noisy_counts(std::int64_t t, std::span<double> counts) const {
  expected_photons(t, counts);
  if (params_.noise_free) {
    for (double& value : counts) value = detector_.expected_counts(value);
    return;
  }
  RandomStream random = RandomStream::for_stream(params_.seed, kFrameNoiseStream, static_cast<std::uint64_t>(t));
  for (double& value : counts) value = detector_.measure(value, random);
}

template <class T> void SyntheticMovie::render(std::int64_t t, std::span<T> pixels) const {
  if (pixel_type_of<T> != params_.pixel_type) {
    throw Error(std::string("synthetic movie: asked for ") + std::string(pixel_type_name(pixel_type_of<T>)) +
                " pixels of a " + std::string(pixel_type_name(params_.pixel_type)) + " movie");
  }
  check_frame_request(t, pixels.size());
  std::vector<double> counts(pixels.size());
  noisy_counts(t, counts);
  std::transform(counts.begin(), counts.end(), pixels.begin(), [](double c) { return to_pixel<T>(c); });
}

template void SyntheticMovie::render(std::int64_t, std::span<std::uint8_t>) const;
template void SyntheticMovie::render(std::int64_t, std::span<std::uint16_t>) const;
template void SyntheticMovie::render(std::int64_t, std::span<std::int16_t>) const;
template void SyntheticMovie::render(std::int64_t, std::span<std::uint32_t>) const;
template void SyntheticMovie::render(std::int64_t, std::span<float>) const;
template void SyntheticMovie::render(std::int64_t, std::span<double>) const;

}  // namespace calmon::synth
