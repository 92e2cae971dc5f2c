// session_clock.h — a session's time base: each frame's time in seconds from its first frame.
//
// Users think in seconds; calmon counts frames. The clock turns one into the other with
// the best source the first frame of a session offers, and keeps that source for the
// whole session so that the times of one session are all of one kind:
//   1. the acquisition's own clock (a time per frame, as ScanImage and PrairieView write
//      it): time = frame_time − the first frame's frame_time;
//   2. a frame rate — the config's if it sets one, else the one the source declares:
//      time = (sequence − the first frame's sequence) / rate;
//   3. neither: no time (nullopt).
// Missing frames keep their place: a skipped sequence number or a later timestamp is a
// jump in time, never closed up. calmond (per received frame) and calmon-analyze (per
// frame of the file) feed the same values, so their times are equal bit for bit.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace calmon {

enum class TimeSource { kNone, kAcquisitionClock, kConfigRate, kSourceRate };

// "acquisition clock", "config frame rate", "declared frame rate" (the rate the source
// declares: a sender's FrameHeader.frame_rate_hz, a file's own rate), "" for none.
std::string_view time_source_name(TimeSource source);

class SessionClock {
 public:
  // config_rate_hz: the analysis config's frame_rate_hz, if it sets one (> 0).
  explicit SessionClock(std::optional<double> config_rate_hz = std::nullopt) : config_rate_hz_(config_rate_hz) {}

  // The time of a frame of this session, in seconds from its first frame. frame_time_s:
  // the frame's time on the acquisition's clock, if known; source_rate_hz: the rate its
  // source declares, 0 if none. The first call fixes the session's source.
  std::optional<double> time_s(std::uint64_t sequence, std::optional<double> frame_time_s, double source_rate_hz);

  TimeSource source() const { return source_; }
  // The frame rate the times use (config or source), else the source's declared rate; 0 if none.
  double rate_hz() const { return rate_hz_; }
  bool started() const { return started_; }

 private:
  std::optional<double> config_rate_hz_;
  bool started_ = false;
  TimeSource source_ = TimeSource::kNone;
  double rate_hz_ = 0.0;
  double first_time_s_ = 0.0;
  std::uint64_t first_sequence_ = 0;
};

}  // namespace calmon
