// trace_segment.cc — wire rows into io::TraceFiles, aligned to frame indices.
#include "trace_segment.h"

#include <algorithm>
#include <limits>

#include "core/error.h"

namespace calmon::record_tool {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class Repeated> void copy_values(const Repeated& from, std::vector<double>& to) {
  to.assign(from.begin(), from.end());
}

// The wire's flags are uint32; the files keep calmon's 8 bits (docs/output.md).
template <class Repeated> void copy_flags(const Repeated& from, std::vector<std::uint8_t>& to) {
  to.clear();
  for (const std::uint32_t flag : from) to.push_back(static_cast<std::uint8_t>(flag & 0xffu));
}

void check_size(int size, std::size_t roi_count, const char* field, std::int64_t frame) {
  if (static_cast<std::size_t>(size) != roi_count) {
    throw Error("frame " + std::to_string(frame) + ": " + field + " has " + std::to_string(size) +
                " values, the ROI set has " + std::to_string(roi_count) + " ROIs");
  }
}

}  // namespace

TraceSegment::TraceSegment(const std::string& directory, std::int64_t first_frame, std::size_t roi_count,
                           bool global_traces, const pb::FrameMotion* motion, bool timed)
    : first_frame_(first_frame),
      roi_count_(roi_count),
      global_traces_(global_traces),
      files_(directory, roi_count, global_traces) {
  if (motion) {
    motion_.emplace(directory, static_cast<int>(motion->block_rows()), static_cast<int>(motion->block_cols()));
  }
  if (timed) time_.emplace(directory + "/time.npy");
}

void TraceSegment::flush() {
  files_.flush();
  if (motion_) motion_->flush();
  if (time_) time_->flush();
}

std::int64_t TraceSegment::append_live(const pb::TraceUpdate& update) {
  const std::int64_t frame = update.frame_index();
  if (frame < live_end()) {
    throw Error("frame " + std::to_string(frame) + " arrived after frame " + std::to_string(live_end() - 1));
  }
  check_size(update.f_size(), roi_count_, "f", frame);
  check_size(update.fneu_size(), roi_count_, "fneu", frame);
  check_size(update.fcorr_size(), roi_count_, "fcorr", frame);
  check_size(update.f0_size(), roi_count_, "f0", frame);
  check_size(update.dff_size(), roi_count_, "dff", frame);
  check_size(update.flags_size(), roi_count_, "flags", frame);
  const std::int64_t skipped = pad_live_to(frame);
  live_.frame = frame;
  live_.roi_set_version = update.roi_set_version();
  copy_values(update.f(), live_.f);
  copy_values(update.fneu(), live_.fneu);
  copy_values(update.fcorr(), live_.fcorr);
  copy_values(update.f0(), live_.f0);
  copy_values(update.dff(), live_.dff);
  copy_flags(update.flags(), live_.flags);
  if (update.has_global()) {
    live_.global = GlobalStats{update.global().mean(), update.global().median(), update.global().min()};
  } else {
    live_.global = global_traces_ ? std::optional(GlobalStats{kNaN, kNaN, kNaN}) : std::nullopt;
  }
  files_.append_live(live_);
  if (motion_) {
    if (update.has_motion()) {
      const pb::FrameMotion& motion = update.motion();
      // The wire's code is uint32; calmond's fit a byte, anything larger is "not received".
      const std::uint32_t failed = std::min<std::uint32_t>(motion.failed(), kMotionNotReceived);
      motion_->append(motion.dy(), motion.dx(), motion.peak(), static_cast<std::uint8_t>(failed),
                      std::span<const double>(motion.block_dy().data(), motion.block_dy().size()),
                      std::span<const double>(motion.block_dx().data(), motion.block_dx().size()));
    } else {
      motion_->append(kNaN, kNaN, kNaN, kMotionNotReceived);
    }
  }
  if (time_) append_time(update.has_time_s() ? update.time_s() : kNaN);
  return skipped;
}

bool TraceSegment::append_settled(const pb::SettledValues& values) {
  const std::int64_t frame = values.frame_index();
  if (frame < settled_end()) return false;
  check_size(values.f0_size(), roi_count_, "settled f0", frame);
  check_size(values.dff_size(), roi_count_, "settled dff", frame);
  check_size(values.flags_size(), roi_count_, "settled flags", frame);
  pad_settled_to(frame);
  settled_.frame = frame;
  copy_values(values.f0(), settled_.f0);
  copy_values(values.dff(), settled_.dff);
  copy_flags(values.flags(), settled_.flags);
  files_.append_settled(settled_);
  return true;
}

std::int64_t TraceSegment::pad_live_to(std::int64_t end) {
  const std::int64_t padded = std::max<std::int64_t>(0, end - live_end());
  while (live_end() < end) append_missing_live(live_end());
  return padded;
}

std::int64_t TraceSegment::pad_settled_to(std::int64_t end) {
  const std::int64_t padded = std::max<std::int64_t>(0, end - settled_end());
  while (settled_end() < end) append_missing_settled(settled_end());
  return padded;
}

void TraceSegment::append_missing_live(std::int64_t frame) {
  live_.frame = frame;
  for (std::vector<double>* values : {&live_.f, &live_.fneu, &live_.fcorr, &live_.f0, &live_.dff}) {
    values->assign(roi_count_, kNaN);
  }
  live_.flags.assign(roi_count_, kFlagNotReceived);
  live_.global = GlobalStats{kNaN, kNaN, kNaN};
  files_.append_live(live_);
  if (motion_) motion_->append(kNaN, kNaN, kNaN, kMotionNotReceived);
  if (time_) append_time(kNaN);
}

void TraceSegment::append_time(double seconds) { time_->append(std::span<const double>(&seconds, 1)); }

void TraceSegment::append_missing_settled(std::int64_t frame) {
  settled_.frame = frame;
  settled_.f0.assign(roi_count_, kNaN);
  settled_.dff.assign(roi_count_, kNaN);
  settled_.flags.assign(roi_count_, kFlagNotReceived);
  files_.append_settled(settled_);
}

}  // namespace calmon::record_tool
