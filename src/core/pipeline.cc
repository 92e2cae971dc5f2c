// pipeline.cc — per-frame extraction, neuropil correction, baselines, settled rows.
#include "core/pipeline.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <type_traits>

#include "core/delta_f.h"
#include "core/error.h"
#include "core/format_number.h"
#include "core/neuropil_ring.h"
#include "core/saturating_add.h"

namespace calmon {

namespace {

std::string roi_label(const RoiSettings& roi) { return "ROI '" + roi.name + "'"; }

void validate_rois(const std::vector<RoiSettings>& rois, FrameShape shape) {
  std::set<std::string> names;
  for (const RoiSettings& roi : rois) {
    if (roi.name.empty()) throw Error("an ROI has an empty name");
    note_roi_name(names, roi.name);
    roi.region.validate(shape, roi_label(roi));
    const NeuropilSettings& neuropil = roi.neuropil;
    if (!std::isfinite(neuropil.r) || neuropil.r < 0.0) {
      throw Error(roi_label(roi) + ": neuropil factor r = " + format_number(neuropil.r) + " must be finite and >= 0");
    }
    if (neuropil.source == NeuropilSettings::Source::kRegion) {
      if (!neuropil.region) throw Error(roi_label(roi) + ": neuropil region is missing");
      neuropil.region->validate(shape, "neuropil of " + roi_label(roi));
    }
    try {
      roi.baseline.validate();
    } catch (const Error& e) {
      throw Error(roi_label(roi) + ": " + e.what());
    }
  }
}

bool is_global(NeuropilSettings::Source source) {
  return source == NeuropilSettings::Source::kGlobalMean || source == NeuropilSettings::Source::kGlobalMedian ||
         source == NeuropilSettings::Source::kGlobalMin;
}

}  // namespace

std::string NeuropilSettings::describe() const {
  const std::string r_text = format_number(r);
  switch (source) {
    case Source::kNone: return "none";
    case Source::kRegion: return (region ? region->describe() : "region") + ", r = " + r_text;
    case Source::kRing: return "ring, r = " + r_text;
    case Source::kGlobalMean: return "global mean, r = " + r_text;
    case Source::kGlobalMedian: return "global median, r = " + r_text;
    case Source::kGlobalMin: return "global min, r = " + r_text;
  }
  return "unknown";
}

Pipeline::Pipeline(PipelineSettings settings, FrameShape shape, PixelType pixel_type, std::uint32_t roi_set_version)
    : settings_(std::move(settings)),
      shape_(shape),
      pixel_type_(pixel_type),
      projections_(shape, pixel_type, settings_.projections, settings_.keep_frames) {
  if (settings_.motion && pixel_type != PixelType::kF32) {
    throw Error("with motion correction the pipeline takes registered float32 frames, not " +
                std::string(pixel_type_name(pixel_type)));
  }
  if (settings_.correlation_image) correlation_.emplace(shape);
  current_ = build_roi_set(settings_.rois, shape_, pixel_type_);
  current_.version = roi_set_version;
  resize_result();
}

Pipeline::RoiSet Pipeline::build_roi_set(const std::vector<RoiSettings>& rois, FrameShape shape, PixelType pixel_type) {
  validate_rois(rois, shape);
  std::vector<Region> all_regions;
  for (const RoiSettings& roi : rois) all_regions.push_back(roi.region);
  std::optional<RoiOccupancy> occupancy;

  RoiSet set;
  for (const RoiSettings& roi : rois) {
    RoiState state;
    const NeuropilSettings& neuropil = roi.neuropil;
    if (neuropil.source == NeuropilSettings::Source::kRegion) {
      state.neuropil_region = *neuropil.region;
    } else if (neuropil.source == NeuropilSettings::Source::kRing) {
      if (!occupancy) occupancy.emplace(all_regions, shape);
      try {
        state.neuropil_region = neuropil_ring(roi.region, *occupancy, shape, neuropil.ring);
      } catch (const Error& e) {
        throw Error(roi_label(roi) + ": " + e.what());
      }
    }
    state.baseline = make_baseline(roi.baseline);
    set.rois.push_back(std::move(state));
  }

  // Each region is compiled once: into the set's RegionSums when it can take it (unit
  // weights, integer frames), else into a RegionMean of its own. After the loop above,
  // so that the regions no longer move.
  const bool sums_supported = RegionSums::supports(pixel_type, shape);
  std::vector<const Region*> summed;
  const auto compile = [&](const Region& region, std::optional<std::size_t>& slot, std::optional<RegionMean>& mean) {
    if (sums_supported && region.unit_weights()) {
      slot = summed.size();
      summed.push_back(&region);
    } else {
      mean.emplace(region, shape);
    }
  };
  for (std::size_t i = 0; i < rois.size(); ++i) {
    RoiState& state = set.rois[i];
    compile(rois[i].region, state.sums_slot, state.mean);
    if (state.neuropil_region) compile(*state.neuropil_region, state.neuropil_sums_slot, state.neuropil_mean);
  }
  if (sums_supported) set.sums.emplace(summed, shape);
  return set;
}

void Pipeline::resize_result() {
  const std::size_t n = settings_.rois.size();
  for (auto* column : {&result_.f, &result_.fneu, &result_.fcorr, &result_.f0, &result_.dff}) {
    column->assign(n, 0.0);
  }
  result_.flags.assign(n, 0);
  needs_global_ = settings_.global_traces;
  for (const RoiSettings& roi : settings_.rois) needs_global_ = needs_global_ || is_global(roi.neuropil.source);
}

Pipeline::PreparedRois::PreparedRois(std::vector<RoiSettings> rois, FrameShape shape, PixelType pixel_type, RoiSet set)
    : rois_(std::move(rois)), shape_(shape), pixel_type_(pixel_type), set_(std::move(set)) {}
Pipeline::PreparedRois::PreparedRois(PreparedRois&&) noexcept = default;
Pipeline::PreparedRois& Pipeline::PreparedRois::operator=(PreparedRois&&) noexcept = default;
Pipeline::PreparedRois::~PreparedRois() = default;

Pipeline::PreparedRois Pipeline::prepare_rois(std::vector<RoiSettings> rois, FrameShape shape, PixelType pixel_type) {
  RoiSet set = build_roi_set(rois, shape, pixel_type);
  return PreparedRois(std::move(rois), shape, pixel_type, std::move(set));
}

void Pipeline::replace_rois(std::vector<RoiSettings> rois) {
  if (finished_) throw Error("the ROI set cannot change after the end of the stream");
  install_rois(prepare_rois(std::move(rois), shape_, pixel_type_));
}

void Pipeline::install_rois(PreparedRois prepared) {
  if (finished_) throw Error("the ROI set cannot change after the end of the stream");
  if (prepared.shape_ != shape_ || prepared.pixel_type_ != pixel_type_) {
    throw Error("the ROI set was prepared for " + std::to_string(prepared.shape_.width) + "x" +
                std::to_string(prepared.shape_.height) + " " + std::string(pixel_type_name(prepared.pixel_type_)) +
                " frames, the session's are " + std::to_string(shape_.width) + "x" + std::to_string(shape_.height) +
                " " + std::string(pixel_type_name(pixel_type_)));
  }
  RoiSet& next = prepared.set_;
  next.version = current_.version + 1;
  next.next_settled = frames_;
  finish_roi_set(current_, scratch_);
  current_.end = frames_;
  replaced_.push_back(std::move(current_));
  current_ = std::move(next);
  settings_.rois = std::move(prepared.rois_);
  resize_result();
}

void Pipeline::finish_roi_set(RoiSet& set, std::vector<SettledSample>& scratch) {
  for (RoiState& roi : set.rois) {
    scratch.clear();
    roi.baseline->finish(scratch);
    roi.settled.insert(roi.settled.end(), scratch.begin(), scratch.end());
  }
}

Pipeline::~Pipeline() = default;

double Pipeline::global_neuropil(NeuropilSettings::Source source) const {
  const GlobalStats& g = *result_.global;
  switch (source) {
    case NeuropilSettings::Source::kGlobalMean: return g.mean;
    case NeuropilSettings::Source::kGlobalMedian: return g.median;
    case NeuropilSettings::Source::kGlobalMin: return g.min;
    default: return 0.0;
  }
}

template <class T> void Pipeline::extract(FrameView<T> frame) {
  const std::vector<double>* region_means = nullptr;
  if constexpr (std::is_integral_v<T>) {
    if (current_.sums) region_means = &current_.sums->means(frame);
  }
  for (std::size_t i = 0; i < current_.rois.size(); ++i) {
    RoiState& roi = current_.rois[i];
    const NeuropilSettings& neuropil = settings_.rois[i].neuropil;
    // Registered frames: a NaN mean means pixels from outside the frame, left out.
    bool outside = false;
    const auto mean_of = [&](const RegionMean& mean) {
      const double value = mean(frame);
      if (!settings_.motion || !std::isnan(value)) return value;
      outside = true;
      return mean.valid_mean(frame);
    };
    const double f = roi.sums_slot ? (*region_means)[*roi.sums_slot] : mean_of(*roi.mean);
    double fneu = 0.0;
    double fcorr = f;
    if (roi.neuropil_sums_slot) {
      fneu = (*region_means)[*roi.neuropil_sums_slot];
    } else if (roi.neuropil_mean) {
      fneu = mean_of(*roi.neuropil_mean);
    } else if (is_global(neuropil.source)) {
      fneu = global_neuropil(neuropil.source);
    }
    if (neuropil.source != NeuropilSettings::Source::kNone) fcorr = f - neuropil.r * fneu;

    scratch_.clear();
    if (i + 2 < current_.rois.size()) current_.rois[i + 2].baseline->prefetch();
    const double f0 = roi.baseline->push(fcorr, scratch_);
    roi.settled.insert(roi.settled.end(), scratch_.begin(), scratch_.end());

    std::uint8_t flags = 0;
    if (!std::isfinite(f) || !std::isfinite(fneu)) flags |= kFlagNonFinitePixels;
    if (!baseline_usable(f0)) flags |= kFlagBaselineNotPositive;
    if (outside) flags |= kFlagOutsideFrame;
    result_.f[i] = f;
    result_.fneu[i] = fneu;
    result_.fcorr[i] = fcorr;
    result_.f0[i] = f0;
    result_.dff[i] = delta_f_over_f(fcorr, f0);
    result_.flags[i] = flags;
  }
}

GlobalStats Pipeline::global_stats_of_valid(AnyFrameView frame) {
  // Only registered frames, float32, have pixels from outside the frame.
  if (frame.type() != PixelType::kF32) return global_stats_(frame);
  const FrameView<float> view(static_cast<const float*>(frame.data()), frame.shape());
  const float* end = view.data() + view.pixel_count();
  const float* first_nan = std::find_if(view.data(), end, [](float v) { return std::isnan(v); });
  if (first_nan == end) return global_stats_(view);  // no shift this frame: nothing to leave out
  valid_pixels_.assign(view.data(), first_nan);
  std::copy_if(first_nan, end, std::back_inserter(valid_pixels_), [](float v) { return !std::isnan(v); });
  if (valid_pixels_.empty()) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return GlobalStats{nan, nan, nan};
  }
  // numpy's nanmean, nanmedian and nanmin: the statistics of the valid pixels alone.
  return global_stats_(FrameView<float>(valid_pixels_.data(), FrameShape{static_cast<int>(valid_pixels_.size()), 1}));
}

void Pipeline::check_frame(AnyFrameView frame, std::int64_t index) const {
  if (frame.shape() != shape_ || frame.type() != pixel_type_) {
    throw Error("frame " + std::to_string(index) + " is " + std::to_string(frame.shape().width) + "x" +
                std::to_string(frame.shape().height) + " " + std::string(pixel_type_name(frame.type())) +
                ", the session is " + std::to_string(shape_.width) + "x" + std::to_string(shape_.height) + " " +
                std::string(pixel_type_name(pixel_type_)));
  }
}

const FrameResult& Pipeline::push(AnyFrameView frame) {
  push_projections(frame);
  return push_traces(frame);
}

void Pipeline::push_projections(AnyFrameView frame) {
  if (finished_) throw Error("frame pushed after the end of the stream");
  check_frame(frame, projections_.frames_seen());
  projections_.push(frame);
  if (correlation_) correlation_->push(frame);
}

const FrameResult& Pipeline::push_traces(AnyFrameView frame) {
  if (finished_) throw Error("frame pushed after the end of the stream");
  check_frame(frame, frames_);
  result_.frame = frames_;
  result_.roi_set_version = current_.version;
  if (needs_global_) {
    result_.global = settings_.motion ? global_stats_of_valid(frame) : global_stats_(frame);
  } else {
    result_.global.reset();
  }
  frame.visit([&](auto view) { extract(view); });
  ++frames_;
  return result_;
}

void Pipeline::finish() {
  if (finished_) return;
  finished_ = true;
  finish_roi_set(current_, scratch_);
}

bool Pipeline::pop_settled(SettledRow& row) {
  while (!replaced_.empty()) {
    if (pop_settled_from(replaced_.front(), row)) return true;
    if (replaced_.front().next_settled < replaced_.front().end) return false;  // still settling
    replaced_.pop_front();
  }
  return pop_settled_from(current_, row);
}

bool Pipeline::pop_settled_from(RoiSet& set, SettledRow& row) {
  const std::int64_t end = set.end >= 0 ? set.end : frames_;
  if (set.next_settled >= end) return false;
  for (const RoiState& roi : set.rois) {
    if (roi.settled.empty()) return false;
  }
  const std::size_t n = set.rois.size();
  row.frame = set.next_settled++;
  row.roi_set_version = set.version;
  row.f0.resize(n);
  row.dff.resize(n);
  row.flags.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const SettledSample sample = set.rois[i].settled.front();
    set.rois[i].settled.pop_front();
    row.f0[i] = sample.f0;
    row.dff[i] = delta_f_over_f(sample.f, sample.f0);
    row.flags[i] = baseline_usable(sample.f0) ? 0 : kFlagBaselineNotPositive;
  }
  return true;
}

std::uint64_t Pipeline::max_baseline_state_bytes(const std::vector<BaselineSettings>& baselines) {
  std::int64_t slowest = 0;
  for (const BaselineSettings& baseline : baselines) slowest = std::max(slowest, baseline.settled_lag());
  // A std::deque keeps its values in blocks (of 512 bytes in libstdc++) and a map of
  // them: a partly used block at each end and the map, within 1 KiB + 2 bytes a value.
  constexpr std::uint64_t kQueueBlocks = 1024;
  std::uint64_t bytes = 0;
  for (const BaselineSettings& baseline : baselines) {
    bytes = saturating_add(bytes, baseline.max_state_bytes());
    const std::int64_t lag = baseline.settled_lag();
    if (lag < 0) continue;  // nothing of it waits: it settles at the end
    const auto waiting = static_cast<std::uint64_t>(slowest - lag + 1);
    bytes = saturating_add(bytes, waiting * (sizeof(SettledSample) + 2) + kQueueBlocks);
  }
  return bytes;
}

std::int64_t Pipeline::settled_lag() const { return settled_lag_of(current_); }

std::int64_t Pipeline::settled_lag_of(const RoiSet& set) {
  std::int64_t lag = 0;
  for (const RoiState& roi : set.rois) {
    const std::int64_t roi_lag = roi.baseline->settled_lag();
    if (roi_lag < 0) return -1;
    lag = std::max(lag, roi_lag);
  }
  return lag;
}

}  // namespace calmon
