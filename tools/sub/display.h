// display.h — where calmon-sub shows what arrives: a live table or plain lines.
//
// main.cc decodes the messages and hands them to one Display: LiveTable on a terminal
// (redrawn in place, at most --rate times a second), PlainLines otherwise (one line per
// update, for pipes, files and scripts).
#pragma once

#include <chrono>

#include "calmon/wire.pb.h"

namespace calmon::sub_tool {

class Display {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~Display() = default;
  virtual void on_roi_set(const pb::RoiSetInfo& info) = 0;
  virtual void on_status(const pb::Status& status) = 0;
  // Any TraceUpdate: a frame's own, a settled-only continuation, the end of stream.
  virtual void on_update(const pb::TraceUpdate& update) = 0;
  // Shows what changed, if the display is due; returns how long until it may be due again.
  virtual Clock::duration refresh(Clock::time_point now) = 0;
  // Shows the last state and leaves the terminal as it was found.
  virtual void finish() = 0;
};

// True for a frame's own update: per-ROI values or global traces, and not the end.
inline bool carries_live_values(const pb::TraceUpdate& update) {
  return !update.end_of_stream() && (update.f_size() > 0 || update.has_global());
}

}  // namespace calmon::sub_tool
