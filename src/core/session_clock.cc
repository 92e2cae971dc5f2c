// session_clock.cc — see the header.
#include "core/session_clock.h"

namespace calmon {

std::string_view time_source_name(TimeSource source) {
  switch (source) {
    case TimeSource::kAcquisitionClock: return "acquisition clock";
    case TimeSource::kConfigRate: return "config frame rate";
    case TimeSource::kSourceRate: return "declared frame rate";
    case TimeSource::kNone: break;
  }
  return "";
}

std::optional<double> SessionClock::time_s(std::uint64_t sequence, std::optional<double> frame_time_s,
                                           double source_rate_hz) {
  if (!started_) {
    started_ = true;
    first_sequence_ = sequence;
    if (frame_time_s) {
      source_ = TimeSource::kAcquisitionClock;
      first_time_s_ = *frame_time_s;
      rate_hz_ = config_rate_hz_.value_or(source_rate_hz > 0 ? source_rate_hz : 0.0);
    } else if (config_rate_hz_) {
      source_ = TimeSource::kConfigRate;
      rate_hz_ = *config_rate_hz_;
    } else if (source_rate_hz > 0) {
      source_ = TimeSource::kSourceRate;
      rate_hz_ = source_rate_hz;
    }
  }
  switch (source_) {
    case TimeSource::kAcquisitionClock:
      if (!frame_time_s) return std::nullopt;
      return *frame_time_s - first_time_s_;
    case TimeSource::kConfigRate:
    case TimeSource::kSourceRate: {
      // Signed: a frame that arrives late (an older sequence) lies before the first.
      const auto frames = static_cast<std::int64_t>(sequence - first_sequence_);
      return static_cast<double>(frames) / rate_hz_;
    }
    case TimeSource::kNone: break;
  }
  return std::nullopt;
}

}  // namespace calmon
