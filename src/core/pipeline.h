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
// The ROI set can change between frames, in two ways, each counting the set's version
// up by one (every result and row carries the version of the set it came from):
//   - replace_rois: the whole set is replaced. The old set's baselines settle at once,
//     as at the end of a stream, and the new set starts with fresh baselines at the
//     next frame.
//   - edit_rois (roi_set_edit.h): ROIs are added, removed, renamed or restarted, and
//     every other ROI goes on as if nothing happened, bit for bit. An added ROI starts
//     its baseline at the next frame; a removed one settles at once, as at the end of a
//     stream; a renamed one keeps its whole state; a restarted one (a new region,
//     neuropil or baseline) settles at once and starts afresh in its place. An added or
//     restarted ROI's ring avoids every region of the set after the edit; the rings of
//     the ROIs that go on are not recomputed.
// Each ROI's state (baseline, settled queue, compiled means) lives in a track that the
// versions share for as long as the ROI goes on; each version only holds its list of
// tracks and its own RegionSums, compiled again for its regions (a region's sum does
// not depend on the others, so the numbers do not change).
// Settled rows: the row of frame t is that of the version in effect at frame t and
// lists that version's ROIs in its order — a removed ROI up to its last frame, an added
// one from its first. Rows come out in frame order (the versions' rows one after the
// other), each once every ROI of its version has settled that frame; a removed or
// restarted ROI's settled tail thus reaches the rows of the frames it covered.
// Changing is two steps, so that the costly one need not hold up the frames:
// prepare_rois / prepare_edit validate and compile the new set for a frame geometry
// (regions, rings, fresh baselines, the RegionSums) and touch no pipeline, so they may
// run on another thread while frames are pushed (an edit reads the edited set from
// layout(), an immutable snapshot); install_rois / install_edit swap it in between two
// frames, which costs no more than settling what ends. Projections are not affected.
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
#include "core/roi_set_edit.h"
#include "core/settled_queue.h"
#include "core/trace_flags.h"
#include "core/work_sharing.h"

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
  class PreparedEdit;
  // What an edit is prepared against: a set's ROIs (ids included) and the pixels each
  // one's neuropil averages (rings resolved; nullopt without a region). Immutable once
  // a pipeline hands it out, so another thread may read it while frames are pushed.
  struct RoiLayout {
    std::uint32_t version = 0;
    std::vector<RoiSettings> rois;
    std::vector<std::optional<Region>> neuropil;
  };

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
  // From the next frame on, a frame's ROI work (region sums, means, baselines) is shared
  // between sharing->parts() threads whenever the set has at least kMinRoisToShare ROIs
  // (below that, waking a thread costs more than it saves); null: one thread. Any split
  // gives the same bits. `sharing` must outlive its use.
  static constexpr std::size_t kMinRoisToShare = 64;
  void share_work(WorkSharing* sharing);
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

  // Edits the ROIs from the next frame on, keeping the state of every ROI the edit
  // continues (see above and roi_set_edit.h): install_edit(prepare_edit(layout(), ...)).
  // Throws calmon::Error, and keeps the current set, if the edit makes no sense.
  void edit_rois(RoiSetEdit edit);
  // Validates and compiles `edit` of the set `base` for frames of `shape` and
  // `pixel_type`; throws calmon::Error naming the first problem. Pure: safe on any thread.
  static PreparedEdit prepare_edit(std::shared_ptr<const RoiLayout> base, RoiSetEdit edit, FrameShape shape,
                                   PixelType pixel_type);
  // Makes the prepared edit the ROI set from the next frame on. Throws calmon::Error,
  // keeping the current set, if it was prepared for another geometry or another version
  // of the set (prepare it again), or the stream has ended.
  void install_edit(PreparedEdit prepared);
  // The current set, as an edit is prepared against it.
  std::shared_ptr<const RoiLayout> layout() const { return layout_; }

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
  const std::optional<Region>& neuropil_region(std::size_t roi) const { return layout_->neuropil[roi]; }
  // The most bytes the baselines of an ROI set hold in a pipeline: each one's
  // BaselineSettings::max_state_bytes, and the settled values queued for ROIs that
  // settle sooner than the slowest until it settles the same frame (two in place, more
  // in a ring of 16 bytes a value, its size a power of two). A baseline that settles
  // only at the end (cumulative) makes every other ROI queue its whole session: that
  // grows with the session and is not counted here, as the cumulative baselines' own
  // traces are not.
  static std::uint64_t max_baseline_state_bytes(const std::vector<BaselineSettings>& baselines);

  // Frames between a frame and its settled row; -1 when some baseline settles only at
  // the end of the stream.
  std::int64_t settled_lag() const;

 private:
  // One ROI from its first frame until it is removed, restarted or the stream ends; the
  // versions it belongs to share it. F comes from the version's RegionSums or from
  // `mean`, Fneu likewise (or from neuropil_mean); `mean` is set exactly when the region
  // is not summed, `neuropil_mean` when the neuropil region is not.
  // What every frame reads comes first and fills one cache line: the baseline and the
  // settled samples (two in place); the means are read only for regions not summed.
  struct alignas(64) RoiTrack {
    std::unique_ptr<Baseline> baseline;
    SettledQueue settled;  // settled but not yet handed out, frame order
    std::optional<RegionMean> mean;
    std::optional<RegionMean> neuropil_mean;
  };
  // Where a version's RegionSums holds an ROI's region and neuropil means.
  struct SumsSlots {
    std::optional<std::size_t> region;
    std::optional<std::size_t> neuropil;
  };
  // One version of the ROI set and the frames it covers.
  struct RoiSet {
    std::uint32_t version = 0;
    std::vector<std::shared_ptr<RoiTrack>> rois;
    std::vector<SumsSlots> slots;
    std::optional<RegionSums> sums;  // integer pixels: every unit-weight region at once
    std::int64_t next_settled = 0;   // the frame of its next settled row
    std::int64_t end = -1;           // one past its last frame once replaced, else -1
  };

  // Compiles the set `rois` (the set after an edit, or a whole new set when `kept_from`
  // is empty): fresh tracks for the ROIs not kept (their neuropil resolved into
  // `neuropil`), kept ones' places left null with their neuropil copied from `base`.
  static RoiSet compile_roi_set(const std::vector<RoiSettings>& rois,
                                const std::vector<std::optional<std::size_t>>& kept_from, const RoiLayout* base,
                                FrameShape shape, PixelType pixel_type, std::vector<std::optional<Region>>& neuropil);
  static void finish_track(RoiTrack& track, std::vector<SettledSample>& scratch);
  static std::int64_t settled_lag_of(const std::vector<RoiSettings>& rois);
  // Swaps `next` in as the current set from the next frame on; the current set's tracks
  // not marked in `going_on` end here, settled at once.
  void install_set(RoiSet next, const std::vector<bool>& going_on, std::vector<RoiSettings> rois,
                   std::shared_ptr<RoiLayout> layout);
  void check_geometry(FrameShape shape, PixelType pixel_type) const;
  void resize_result();
  bool pop_settled_from(RoiSet& set, SettledRow& row);

  void check_frame(AnyFrameView frame, std::int64_t index) const;
  template <class T> void extract(FrameView<T> frame);
  // How many ROIs ahead a loop over the ROIs starts fetching their records (prefetch
  // hints only), and what the ROIs a few after ROI i will read in extraction.
  static constexpr std::size_t kTrackAhead = 12;
  static void prefetch_ahead(const std::vector<std::shared_ptr<RoiTrack>>& tracks, std::size_t i, std::size_t last);
  // ROIs [first, last) of the current set: their F, Fneu, baselines and result slots.
  template <class T>
  void extract_rois(FrameView<T> frame, const std::vector<double>* region_means, std::size_t first, std::size_t last,
                    std::vector<SettledSample>& scratch);
  double global_neuropil(NeuropilSettings::Source source) const;
  // The frame's global statistics over its valid pixels (motion correction).
  GlobalStats global_stats_of_valid(AnyFrameView frame);

  PipelineSettings settings_;
  FrameShape shape_;
  PixelType pixel_type_;
  ProjectionSet projections_;
  std::optional<LocalCorrelation> correlation_;
  RoiSet current_;
  std::shared_ptr<const RoiLayout> layout_;  // current_'s ROIs and resolved neuropil regions
  std::deque<RoiSet> replaced_;              // older sets whose rows are still being handed out
  bool needs_global_ = false;
  GlobalFrameStats global_stats_;
  std::vector<float> valid_pixels_;  // global_stats_of_valid's scratch
  FrameResult result_;
  std::vector<SettledSample> scratch_;
  WorkSharing* sharing_ = nullptr;
  std::vector<std::vector<SettledSample>> part_scratch_;  // one per part
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
  const std::optional<Region>& neuropil_region(std::size_t roi) const { return layout_->neuropil[roi]; }
  std::int64_t settled_lag() const { return settled_lag_of(rois_); }

 private:
  friend class Pipeline;
  PreparedRois(std::vector<RoiSettings> rois, FrameShape shape, PixelType pixel_type, RoiSet set,
               std::shared_ptr<RoiLayout> layout);

  std::vector<RoiSettings> rois_;
  FrameShape shape_;
  PixelType pixel_type_;
  RoiSet set_;
  std::shared_ptr<RoiLayout> layout_;
};

// An edit validated and compiled for one version of the set and one frame geometry.
class Pipeline::PreparedEdit {
 public:
  PreparedEdit(PreparedEdit&&) noexcept;
  PreparedEdit& operator=(PreparedEdit&&) noexcept;
  ~PreparedEdit();

  FrameShape shape() const { return shape_; }
  PixelType pixel_type() const { return pixel_type_; }
  std::uint32_t base_version() const { return base_version_; }
  // The set after the edit, and its neuropil regions (rings resolved).
  const std::vector<RoiSettings>& rois() const { return rois_; }
  const std::optional<Region>& neuropil_region(std::size_t roi) const { return layout_->neuropil[roi]; }
  std::int64_t settled_lag() const { return settled_lag_of(rois_); }

 private:
  friend class Pipeline;
  PreparedEdit() = default;

  std::vector<RoiSettings> rois_;
  std::vector<std::optional<std::size_t>> kept_from_;
  FrameShape shape_;
  PixelType pixel_type_ = PixelType::kU16;
  std::uint32_t base_version_ = 0;
  RoiSet set_;
  std::shared_ptr<RoiLayout> layout_;
};

}  // namespace calmon
