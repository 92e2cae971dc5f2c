// pipeline.h — one frame in, every number of the notebook out: the heart of calmon.
//
// For each frame, in order: projections are updated; each ROI's F is its region's mean;
// its neuropil Fneu comes from an explicit region, an automatic ring or a whole-frame
// statistic; Fcorr = F - r * Fneu; the ROI's baseline turns Fcorr into a live F0 and
// ΔF/F₀, and later a settled F0. Settled values arrive per ROI with different lags, so
// the pipeline queues them and hands out complete rows (every ROI settled for a frame)
// in frame order. calmon-analyze and the daemon drive this same class, which is why
// offline and live numbers agree to the bit.
//
// The ROI set can be replaced between frames (replace_rois): the old set's baselines
// settle at once, as at the end of a stream, and its rows are handed out before the
// new set's, which starts with fresh baselines at the next frame. Each set has a
// version, carried by every result and row. Projections are not affected. Replacing
// is two steps, so that the costly one need not hold up the frames: prepare_rois
// validates and compiles a set for a frame geometry (regions, rings, fresh baselines)
// and touches no pipeline, so it may run on another thread while frames are pushed;
// install_rois swaps the prepared set in between two frames, which costs no more than
// settling the old set.
//
// Cost per frame: O(pixels) for projections and global statistics; O(ROI + neuropil
// pixels) for extraction, at most O(frame pixels + row spans) with integer pixels, whose
// unit-weight regions a RegionSums extracts all at once; O(log w) per ROI for moving
// baselines. No allocation in push() once warmed up, apart from the settled queues' own
// growth.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "core/baseline.h"
#include "core/frame_view.h"
#include "core/global_stats.h"
#include "core/local_correlation.h"
#include "core/pipeline_settings.h"
#include "core/projection_set.h"
#include "core/region_mean.h"
#include "core/region_sums.h"
#include "core/trace_flags.h"

namespace calmon {

// The live numbers of one frame, one entry per ROI in settings order.
struct FrameResult {
  std::int64_t frame = 0;
  std::uint32_t roi_set_version = 0;
  std::vector<double> f;
  std::vector<double> fneu;
  std::vector<double> fcorr;
  std::vector<double> f0;
  std::vector<double> dff;
  std::vector<std::uint8_t> flags;  // TraceFlag bits
  std::optional<GlobalStats> global;
};

// The settled numbers of one frame, once every ROI has them.
struct SettledRow {
  std::int64_t frame = 0;
  std::uint32_t roi_set_version = 0;
  std::vector<double> f0;
  std::vector<double> dff;
  std::vector<std::uint8_t> flags;  // kFlagBaselineNotPositive where ΔF/F₀ is NaN
};

class Pipeline {
 public:
  class PreparedRois;

  // Checks every ROI, neuropil and projection against the frame shape; throws
  // calmon::Error naming the first problem.
  // `roi_set_version` numbers the initial ROI set; replace_rois counts up from it (a
  // daemon keeps numbering across sessions so that a version names one set).
  Pipeline(PipelineSettings settings, FrameShape shape, PixelType pixel_type, std::uint32_t roi_set_version = 0);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Processes the next frame (shape and type must be the pipeline's). The result is
  // valid until the next call. Equivalent to push_projections then push_traces.
  const FrameResult& push(AnyFrameView frame);
  // The two independent halves of push, for running them on two threads: the
  // whole-frame images (projections, local correlation) and everything else (global
  // statistics, ROI traces, baselines, the result). They share no state, so for the
  // same frame they may run at the same time; each half takes frames in order. While
  // push_projections runs, projections(), local_correlation() and the destructor must
  // wait; every other member may be used.
  void push_projections(AnyFrameView frame);
  const FrameResult& push_traces(AnyFrameView frame);
  // End of stream: settles every remaining frame. push() may not follow.
  void finish();
  // Takes the next complete settled row, in frame order; false if none is ready.
  bool pop_settled(SettledRow& row);
  // Replaces the ROIs from the next frame on (see above): install_rois(prepare_rois(...))
  // for this pipeline's geometry. Throws calmon::Error, and keeps the current set, if the
  // new one makes no sense.
  void replace_rois(std::vector<RoiSettings> rois);
  // Validates and compiles `rois` for frames of `shape` and `pixel_type`; throws
  // calmon::Error naming the first problem. Pure: safe on any thread.
  static PreparedRois prepare_rois(std::vector<RoiSettings> rois, FrameShape shape, PixelType pixel_type);
  // Makes `prepared` the ROI set from the next frame on, as replace_rois. Throws
  // calmon::Error, keeping the current set, if it was prepared for another geometry
  // or the stream has ended.
  void install_rois(PreparedRois prepared);

  const PipelineSettings& settings() const { return settings_; }
  FrameShape shape() const { return shape_; }
  PixelType pixel_type() const { return pixel_type_; }
  std::size_t roi_count() const { return settings_.rois.size(); }
  std::uint32_t roi_set_version() const { return current_.version; }
  std::int64_t frames() const { return frames_; }
  const ProjectionSet& projections() const { return projections_; }
  // The local-correlation image's accumulator; null when the settings turn it off.
  const LocalCorrelation* local_correlation() const { return correlation_ ? &*correlation_ : nullptr; }
  // The pixels each ROI's neuropil averages (rings resolved); nullopt without a region.
  const std::optional<Region>& neuropil_region(std::size_t roi) const { return current_.rois[roi].neuropil_region; }
  // The most bytes the baselines of an ROI set hold in a pipeline: each one's
  // BaselineSettings::max_state_bytes, and the settled values queued for ROIs that
  // settle sooner than the slowest until it settles the same frame (16 bytes per frame
  // of difference in lag, and the queue's blocks). A baseline that settles only at the
  // end (cumulative) makes every other ROI queue its whole session: that grows with the
  // session and is not counted here, as the cumulative baselines' own traces are not.
  static std::uint64_t max_baseline_state_bytes(const std::vector<BaselineSettings>& baselines);

  // Frames between a frame and its settled row; -1 when some baseline settles only at
  // the end of the stream.
  std::int64_t settled_lag() const;

 private:
  struct RoiState {
    // F comes from the set's RegionSums (at sums_slot) or from `mean`, Fneu likewise
    // (neuropil_sums_slot or neuropil_mean); exactly one of each pair is set when the
    // ROI has that region.
    std::optional<std::size_t> sums_slot;
    std::optional<RegionMean> mean;
    std::optional<Region> neuropil_region;
    std::optional<std::size_t> neuropil_sums_slot;
    std::optional<RegionMean> neuropil_mean;
    std::unique_ptr<Baseline> baseline;
    std::deque<SettledSample> settled;  // settled but not yet handed out, frame order
  };
  // One version of the ROI set and the frames it covers.
  struct RoiSet {
    std::uint32_t version = 0;
    std::vector<RoiState> rois;
    std::optional<RegionSums> sums;  // integer pixels: every unit-weight region at once
    std::int64_t next_settled = 0;   // the frame of its next settled row
    std::int64_t end = -1;           // one past its last frame once replaced, else -1
  };

  static RoiSet build_roi_set(const std::vector<RoiSettings>& rois, FrameShape shape, PixelType pixel_type);
  static void finish_roi_set(RoiSet& set, std::vector<SettledSample>& scratch);
  static std::int64_t settled_lag_of(const RoiSet& set);
  void resize_result();
  bool pop_settled_from(RoiSet& set, SettledRow& row);

  void check_frame(AnyFrameView frame, std::int64_t index) const;
  template <class T> void extract(FrameView<T> frame);
  double global_neuropil(NeuropilSettings::Source source) const;
  // The frame's global statistics over its valid pixels (motion correction).
  GlobalStats global_stats_of_valid(AnyFrameView frame);

  PipelineSettings settings_;
  FrameShape shape_;
  PixelType pixel_type_;
  ProjectionSet projections_;
  std::optional<LocalCorrelation> correlation_;
  RoiSet current_;
  std::deque<RoiSet> replaced_;  // older sets whose rows are still being handed out
  bool needs_global_ = false;
  GlobalFrameStats global_stats_;
  std::vector<float> valid_pixels_;  // global_stats_of_valid's scratch
  FrameResult result_;
  std::vector<SettledSample> scratch_;
  std::int64_t frames_ = 0;
  bool finished_ = false;
};

// An ROI set validated and compiled for one frame geometry, not yet in any pipeline.
class Pipeline::PreparedRois {
 public:
  PreparedRois(PreparedRois&&) noexcept;
  PreparedRois& operator=(PreparedRois&&) noexcept;
  ~PreparedRois();

  FrameShape shape() const { return shape_; }
  PixelType pixel_type() const { return pixel_type_; }
  const std::vector<RoiSettings>& rois() const { return rois_; }
  // As Pipeline's: the pixels each ROI's neuropil averages, rings resolved.
  const std::optional<Region>& neuropil_region(std::size_t roi) const { return set_.rois[roi].neuropil_region; }
  std::int64_t settled_lag() const { return settled_lag_of(set_); }

 private:
  friend class Pipeline;
  PreparedRois(std::vector<RoiSettings> rois, FrameShape shape, PixelType pixel_type, RoiSet set);

  std::vector<RoiSettings> rois_;
  FrameShape shape_;
  PixelType pixel_type_;
  RoiSet set_;
};

}  // namespace calmon
