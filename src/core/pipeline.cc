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

void validate_roi(const RoiSettings& roi, FrameShape shape) {
  if (roi.name.empty()) throw Error("an ROI has an empty name");
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

// Every ROI is checked but those an edit continues (checked when they began); names
// are unique across all of them.
void validate_rois(const std::vector<RoiSettings>& rois, const std::vector<std::optional<std::size_t>>& kept_from,
                   FrameShape shape) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < rois.size(); ++i) {
    const RoiSettings& roi = rois[i];
    if (roi.name.empty()) throw Error("an ROI has an empty name");
    note_roi_name(names, roi.name);
    if (kept_from.empty() || !kept_from[i]) validate_roi(roi, shape);
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
  auto layout = std::make_shared<RoiLayout>();
  current_ = compile_roi_set(settings_.rois, {}, nullptr, shape_, pixel_type_, layout->neuropil);
  current_.version = roi_set_version;
  layout->version = roi_set_version;
  layout->rois = settings_.rois;
  layout_ = std::move(layout);
  resize_result();
}

Pipeline::RoiSet Pipeline::compile_roi_set(const std::vector<RoiSettings>& rois,
                                           const std::vector<std::optional<std::size_t>>& kept_from,
                                           const RoiLayout* base, FrameShape shape, PixelType pixel_type,
                                           std::vector<std::optional<Region>>& neuropil) {
  validate_rois(rois, kept_from, shape);
  const auto kept = [&](std::size_t i) -> std::optional<std::size_t> {
    return kept_from.empty() ? std::nullopt : kept_from[i];
  };
  // The regions each ROI takes F from: a kept ROI's are the edited set's.
  std::vector<const Region*> regions;
  for (std::size_t i = 0; i < rois.size(); ++i)
    regions.push_back(kept(i) ? &base->rois[*kept(i)].region : &rois[i].region);
  std::optional<RoiOccupancy> occupancy;

  RoiSet set;
  neuropil.assign(rois.size(), std::nullopt);
  set.rois.resize(rois.size());
  set.slots.resize(rois.size());
  for (std::size_t i = 0; i < rois.size(); ++i) {
    if (kept(i)) {
      neuropil[i] = base->neuropil[*kept(i)];
      continue;
    }
    const RoiSettings& roi = rois[i];
    auto track = std::make_shared<RoiTrack>();
    const NeuropilSettings& settings = roi.neuropil;
    if (settings.source == NeuropilSettings::Source::kRegion) {
      neuropil[i] = *settings.region;
    } else if (settings.source == NeuropilSettings::Source::kRing) {
      if (!occupancy) {
        std::vector<Region> all_regions;
        all_regions.reserve(regions.size());
        for (const Region* region : regions) all_regions.push_back(*region);
        occupancy.emplace(all_regions, shape);
      }
      try {
        neuropil[i] = neuropil_ring(roi.region, *occupancy, shape, settings.ring);
      } catch (const Error& e) {
        throw Error(roi_label(roi) + ": " + e.what());
      }
    }
    track->baseline = make_baseline(roi.baseline);
    set.rois[i] = std::move(track);
  }

  // Each region is compiled once: into the set's RegionSums when it can take it (unit
  // weights, integer frames), else into a RegionMean of its own — which a kept ROI has
  // already, as the choice depends on the region and the geometry alone.
  const bool sums_supported = RegionSums::supports(pixel_type, shape);
  std::vector<const Region*> summed;
  const auto compile = [&](const Region& region, RoiTrack* fresh, std::optional<std::size_t>& slot,
                           std::optional<RegionMean> RoiTrack::*mean) {
    if (sums_supported && region.unit_weights()) {
      slot = summed.size();
      summed.push_back(&region);
    } else if (fresh != nullptr) {
      (fresh->*mean).emplace(region, shape);
    }
  };
  for (std::size_t i = 0; i < rois.size(); ++i) {
    RoiTrack* fresh = set.rois[i].get();
    compile(*regions[i], fresh, set.slots[i].region, &RoiTrack::mean);
    if (neuropil[i]) compile(*neuropil[i], fresh, set.slots[i].neuropil, &RoiTrack::neuropil_mean);
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

Pipeline::PreparedRois::PreparedRois(std::vector<RoiSettings> rois, FrameShape shape, PixelType pixel_type, RoiSet set,
                                     std::shared_ptr<RoiLayout> layout)
    : rois_(std::move(rois)),
      shape_(shape),
      pixel_type_(pixel_type),
      set_(std::move(set)),
      layout_(std::move(layout)) {}
Pipeline::PreparedRois::PreparedRois(PreparedRois&&) noexcept = default;
Pipeline::PreparedRois& Pipeline::PreparedRois::operator=(PreparedRois&&) noexcept = default;
Pipeline::PreparedRois::~PreparedRois() = default;

Pipeline::PreparedEdit::PreparedEdit(PreparedEdit&&) noexcept = default;
Pipeline::PreparedEdit& Pipeline::PreparedEdit::operator=(PreparedEdit&&) noexcept = default;
Pipeline::PreparedEdit::~PreparedEdit() = default;

Pipeline::PreparedRois Pipeline::prepare_rois(std::vector<RoiSettings> rois, FrameShape shape, PixelType pixel_type) {
  auto layout = std::make_shared<RoiLayout>();
  RoiSet set = compile_roi_set(rois, {}, nullptr, shape, pixel_type, layout->neuropil);
  layout->rois = rois;
  return PreparedRois(std::move(rois), shape, pixel_type, std::move(set), std::move(layout));
}

void Pipeline::replace_rois(std::vector<RoiSettings> rois) {
  if (finished_) throw Error("the ROI set cannot change after the end of the stream");
  install_rois(prepare_rois(std::move(rois), shape_, pixel_type_));
}

void Pipeline::check_geometry(FrameShape shape, PixelType pixel_type) const {
  if (finished_) throw Error("the ROI set cannot change after the end of the stream");
  if (shape != shape_ || pixel_type != pixel_type_) {
    throw Error("the ROI set was prepared for " + std::to_string(shape.width) + "x" + std::to_string(shape.height) +
                " " + std::string(pixel_type_name(pixel_type)) + " frames, the session's are " +
                std::to_string(shape_.width) + "x" + std::to_string(shape_.height) + " " +
                std::string(pixel_type_name(pixel_type_)));
  }
}

void Pipeline::install_rois(PreparedRois prepared) {
  check_geometry(prepared.shape_, prepared.pixel_type_);
  install_set(std::move(prepared.set_), std::vector<bool>(current_.rois.size(), false), std::move(prepared.rois_),
              std::move(prepared.layout_));
}

Pipeline::PreparedEdit Pipeline::prepare_edit(std::shared_ptr<const RoiLayout> base, RoiSetEdit edit, FrameShape shape,
                                              PixelType pixel_type) {
  PreparedEdit prepared;
  prepared.shape_ = shape;
  prepared.pixel_type_ = pixel_type;
  prepared.base_version_ = base->version;
  std::vector<bool> taken(base->rois.size(), false);
  for (RoiEditEntry& entry : edit) {
    if (entry.kept_from) {
      const std::size_t from = *entry.kept_from;
      if (from >= base->rois.size()) {
        throw Error("an edit continues ROI " + std::to_string(from) + " of a set of " +
                    std::to_string(base->rois.size()));
      }
      if (taken[from]) throw Error("an edit continues " + roi_label(base->rois[from]) + " twice");
      taken[from] = true;
      // Only the label is the edit's: region, neuropil and baseline go on as they were.
      RoiSettings roi = base->rois[from];
      roi.name = std::move(entry.roi.name);
      roi.id = entry.roi.id;
      entry.roi = std::move(roi);
    }
    prepared.kept_from_.push_back(entry.kept_from);
    prepared.rois_.push_back(std::move(entry.roi));
  }
  auto layout = std::make_shared<RoiLayout>();
  prepared.set_ = compile_roi_set(prepared.rois_, prepared.kept_from_, base.get(), shape, pixel_type, layout->neuropil);
  layout->rois = prepared.rois_;
  prepared.layout_ = std::move(layout);
  return prepared;
}

void Pipeline::edit_rois(RoiSetEdit edit) {
  if (finished_) throw Error("the ROI set cannot change after the end of the stream");
  install_edit(prepare_edit(layout_, std::move(edit), shape_, pixel_type_));
}

void Pipeline::install_edit(PreparedEdit prepared) {
  check_geometry(prepared.shape_, prepared.pixel_type_);
  if (prepared.base_version_ != current_.version) {
    throw Error("the edit was prepared for version " + std::to_string(prepared.base_version_) +
                " of the ROI set, which is now version " + std::to_string(current_.version));
  }
  std::vector<bool> going_on(current_.rois.size(), false);
  RoiSet& next = prepared.set_;
  for (std::size_t i = 0; i < next.rois.size(); ++i) {
    if (const std::optional<std::size_t> from = prepared.kept_from_[i]) {
      next.rois[i] = current_.rois[*from];
      going_on[*from] = true;
    }
  }
  install_set(std::move(next), going_on, std::move(prepared.rois_), std::move(prepared.layout_));
}

void Pipeline::install_set(RoiSet next, const std::vector<bool>& going_on, std::vector<RoiSettings> rois,
                           std::shared_ptr<RoiLayout> layout) {
  next.version = current_.version + 1;
  next.next_settled = frames_;
  for (std::size_t i = 0; i < current_.rois.size(); ++i) {
    if (!going_on[i]) finish_track(*current_.rois[i], scratch_);
  }
  current_.end = frames_;
  current_.sums.reset();  // its rows need only the tracks now
  replaced_.push_back(std::move(current_));
  current_ = std::move(next);
  layout->version = current_.version;
  layout_ = std::move(layout);
  settings_.rois = std::move(rois);
  resize_result();
}

void Pipeline::finish_track(RoiTrack& track, std::vector<SettledSample>& scratch) {
  scratch.clear();
  track.baseline->finish(scratch);
  track.settled.append(scratch.begin(), scratch.end());
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
  const std::size_t n = current_.rois.size();
  RegionSums* sums = nullptr;
  if constexpr (std::is_integral_v<T>) {
    if (current_.sums) sums = &*current_.sums;
  }
  const std::vector<double>* region_means = sums ? &sums->means() : nullptr;
  if (sharing_ == nullptr || n < kMinRoisToShare) {
    if constexpr (std::is_integral_v<T>) {
      if (sums) sums->means(frame);
    }
    extract_rois(frame, region_means, 0, n, scratch_);
    return;
  }
  // Shared, in steps that each end when all their parts have: every part sums its rows,
  // then its regions (which read any rows), then its ROIs (whose neuropil may be another
  // part's region).
  const std::size_t parts = sharing_->parts();
  if constexpr (std::is_integral_v<T>) {
    if (sums) {
      sums->begin(frame);
      if (sums->strategy() == RegionSums::Strategy::kRowPrefixSums) {
        sharing_->run([&](std::size_t part) { sums->sum_rows(frame, part, parts); });
      }
      sharing_->run([&](std::size_t part) { sums->sum_regions(frame, part, parts); });
    }
  }
  sharing_->run([&](std::size_t part) {
    const PartRange rois = part_range(n, part, parts);
    extract_rois(frame, region_means, rois.begin, rois.end, part_scratch_[part]);
  });
}

// Once the ROIs' state has left the caches (between the frames of a paced session),
// each ROI waits on memory: its track, then its baseline object, then the baseline's
// window, each found through the one before. So the loop runs four stages of fetches
// ahead of itself, each stage reading only what the stage before fetched: the track of
// ROI i + kTrackAhead, the baseline object of i + kObjectAhead, through it (now cached)
// the window lines of i + kStateAhead, and through those the deeper ones of i +
// kDeeperAhead (the node of the sample a moving median settles). The misses of several
// ROIs are then in flight at once instead of one after another.
void Pipeline::prefetch_ahead(const std::vector<std::shared_ptr<RoiTrack>>& tracks, std::size_t i, std::size_t last) {
  constexpr std::size_t kObjectAhead = 8;
  constexpr std::size_t kStateAhead = 4;
  constexpr std::size_t kDeeperAhead = 2;
  if (i + kTrackAhead < last) __builtin_prefetch(tracks[i + kTrackAhead].get());
  if (i + kObjectAhead < last) {
    const auto* object = reinterpret_cast<const char*>(tracks[i + kObjectAhead]->baseline.get());
    for (std::size_t line = 0; line < Baseline::kHotBytes; line += 64) __builtin_prefetch(object + line);
  }
  if (i + kStateAhead < last) tracks[i + kStateAhead]->baseline->prefetch();
  if (i + kDeeperAhead < last) tracks[i + kDeeperAhead]->baseline->prefetch_deeper();
}

template <class T>
void Pipeline::extract_rois(FrameView<T> frame, const std::vector<double>* region_means, std::size_t first,
                            std::size_t last, std::vector<SettledSample>& scratch) {
  const std::vector<std::shared_ptr<RoiTrack>>& tracks = current_.rois;
  for (std::size_t i = first; i < last; ++i) {
    prefetch_ahead(tracks, i, last);
    RoiTrack& roi = *tracks[i];
    const SumsSlots& slots = current_.slots[i];
    const NeuropilSettings& neuropil = settings_.rois[i].neuropil;
    // Registered frames: a NaN mean means pixels from outside the frame, left out.
    bool outside = false;
    const auto mean_of = [&](const RegionMean& mean) {
      const double value = mean(frame);
      if (!settings_.motion || !std::isnan(value)) return value;
      outside = true;
      return mean.valid_mean(frame);
    };
    const double f = slots.region ? (*region_means)[*slots.region] : mean_of(*roi.mean);
    double fneu = 0.0;
    double fcorr = f;
    if (slots.neuropil) {
      fneu = (*region_means)[*slots.neuropil];
    } else if (roi.neuropil_mean) {
      fneu = mean_of(*roi.neuropil_mean);
    } else if (is_global(neuropil.source)) {
      fneu = global_neuropil(neuropil.source);
    }
    if (neuropil.source != NeuropilSettings::Source::kNone) fcorr = f - neuropil.r * fneu;

    scratch.clear();
    const double f0 = roi.baseline->push(fcorr, scratch);
    roi.settled.append(scratch.begin(), scratch.end());

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

void Pipeline::share_work(WorkSharing* sharing) {
  sharing_ = sharing != nullptr && sharing->parts() > 1 ? sharing : nullptr;
  part_scratch_.resize(sharing_ ? sharing_->parts() : 1);
}

void Pipeline::finish() {
  if (finished_) return;
  finished_ = true;
  for (const std::shared_ptr<RoiTrack>& track : current_.rois) finish_track(*track, scratch_);
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
  for (std::size_t i = 0; i < set.rois.size(); ++i) {
    if (i + kTrackAhead < set.rois.size()) __builtin_prefetch(set.rois[i + kTrackAhead].get());
    if (set.rois[i]->settled.empty()) return false;
  }
  const std::size_t n = set.rois.size();
  row.frame = set.next_settled++;
  row.roi_set_version = set.version;
  row.f0.resize(n);
  row.dff.resize(n);
  row.flags.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kTrackAhead < n) __builtin_prefetch(set.rois[i + kTrackAhead].get());
    SettledQueue& settled = set.rois[i]->settled;
    const SettledSample sample = settled.front();
    settled.pop_front();
    row.f0[i] = sample.f0;
    row.dff[i] = delta_f_over_f(sample.f, sample.f0);
    row.flags[i] = baseline_usable(sample.f0) ? 0 : kFlagBaselineNotPositive;
  }
  return true;
}

std::uint64_t Pipeline::max_baseline_state_bytes(const std::vector<BaselineSettings>& baselines) {
  std::int64_t slowest = 0;
  for (const BaselineSettings& baseline : baselines) slowest = std::max(slowest, baseline.settled_lag());
  std::uint64_t bytes = 0;
  std::uint64_t growing = 0;
  for (const BaselineSettings& baseline : baselines) {
    bytes = saturating_add(bytes, baseline.max_state_bytes());
    const std::int64_t lag = baseline.settled_lag();
    if (lag < 0) continue;  // nothing of it waits: it settles at the end
    const auto waiting = static_cast<std::uint64_t>(slowest - lag + 1);
    const std::uint64_t ring = SettledQueue::ring_bytes(waiting);
    bytes = saturating_add(bytes, ring);
    growing = std::max(growing, ring / 2);
  }
  bytes = saturating_add(bytes, growing);  // one queue at a time grows
  return bytes;
}

std::int64_t Pipeline::settled_lag() const { return settled_lag_of(settings_.rois); }

std::int64_t Pipeline::settled_lag_of(const std::vector<RoiSettings>& rois) {
  std::int64_t lag = 0;
  for (const RoiSettings& roi : rois) {
    const std::int64_t roi_lag = roi.baseline.settled_lag();
    if (roi_lag < 0) return -1;
    lag = std::max(lag, roi_lag);
  }
  return lag;
}

}  // namespace calmon
