// trace_segment.h — one folder of trace files: one ROI set of one session.
//
// The files are calmon-analyze's (io::TraceFiles, docs/output.md), written from the
// wire's TraceUpdates instead of a local Pipeline, so a replayed movie records the same
// bytes calmon-analyze writes. Row r of every file is frame `first_frame + r`, live and
// settled alike: a frame whose update the publish socket dropped still gets its row —
// NaN values, flag kFlagNotReceived — so rows never slide against frame indices.
// When the folder's first update carries a FrameMotion (motion correction on), the live
// rows also go to motion.npy, motion_peak.npy, motion_failed.npy and, piecewise-rigid,
// motion_blocks.npy (io::MotionFiles):
// a frame not received is NaN, NaN and kMotionNotReceived, as is a live update that
// lacks the motion its folder's first one had.
// When the folder's first update carries a time (TraceUpdate.time_s), the live rows also
// go to time.npy (frames,) float64, seconds from the session's first frame; a frame not
// received, or an update without a time, is NaN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "calmon/wire.pb.h"
#include "core/pipeline.h"
#include "io/motion_files.h"
#include "io/npy_writer.h"
#include "io/trace_files.h"

namespace calmon::record_tool {

// flags_live / flags_settled bit 3: the recorder never received this frame's numbers.
inline constexpr std::uint8_t kFlagNotReceived = 1 << 3;
// motion_failed.npy: the recorder never received this frame's motion (calmond's codes
// end at 5, FrameMotion.failed).
inline constexpr std::uint8_t kMotionNotReceived = 255;

class TraceSegment {
 public:
  // Creates the trace files in `directory` (which must exist).
  // With `motion` (the folder's first update's; null without motion correction) the
  // motion files too, motion_blocks.npy with its block grid when piecewise-rigid; `timed`:
  // time.npy too.
  TraceSegment(const std::string& directory, std::int64_t first_frame, std::size_t roi_count, bool global_traces,
               const pb::FrameMotion* motion = nullptr, bool timed = false);

  // Appends the update's live row, after NaN rows for any frames skipped since the last
  // one; returns how many were skipped. Throws calmon::Error if the update's arrays do
  // not hold one value per ROI or its frame is not after the last one.
  std::int64_t append_live(const pb::TraceUpdate& update);
  // Appends a settled row the same way. Rows of frames before `first_frame` or already
  // written are not this folder's: false, nothing written.
  bool append_settled(const pb::SettledValues& values);
  // NaN rows up to frame `end` (exclusive); returns how many.
  std::int64_t pad_live_to(std::int64_t end);
  std::int64_t pad_settled_to(std::int64_t end);

  void flush();

  std::int64_t first_frame() const { return first_frame_; }
  std::int64_t live_end() const { return first_frame_ + static_cast<std::int64_t>(files_.live_rows()); }
  std::int64_t settled_end() const { return first_frame_ + static_cast<std::int64_t>(files_.settled_rows()); }
  std::size_t roi_count() const { return roi_count_; }
  bool has_motion() const { return motion_.has_value(); }
  bool has_time() const { return time_.has_value(); }

 private:
  void append_missing_live(std::int64_t frame);
  void append_missing_settled(std::int64_t frame);
  void append_time(double seconds);

  std::int64_t first_frame_;
  std::size_t roi_count_;
  bool global_traces_;
  io::TraceFiles files_;
  std::optional<io::MotionFiles> motion_;
  std::optional<io::NpyAppender<double>> time_;
  FrameResult live_;  // reused row buffers
  SettledRow settled_;
};

}  // namespace calmon::record_tool
