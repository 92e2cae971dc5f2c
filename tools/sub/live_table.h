// live_table.h — calmon-sub's terminal view: a small table redrawn in place.
//
//   calmon-sub ← tcp://127.0.0.1:5571 · streaming · 30.0 frames/s · latency p50 0.12 ms, max 0.90 ms
//   frame 1234 · sequence 1334 · ROI set 1 · settled up to frame 1232
//   (with motion correction: ... · ROI set 1 · shift dy -1.20 dx +0.40 px · settled ...,
//   and "✗ low peak" after the shift when the frame's registration failed)
//   ROI          ΔF/F₀ live   ΔF/F₀ settled  recent ΔF/F₀
//   cell1           +0.1234         +0.0456  ▁▂▃▅▇█▇▅▃▂▁▁▂
// The status line comes from the daemon's Status (every second), the rest from the
// newest TraceUpdate. Redrawn at most `rate_hz` times a second, and only when something
// changed: the cursor goes back up over the previous drawing (ANSI escapes), which is
// then overwritten and cleared below.
#pragma once

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "display.h"
#include "roi_columns.h"
#include "sparkline.h"

namespace calmon::sub_tool {

class LiveTable final : public Display {
 public:
  LiveTable(const RoiColumns& columns, bool show_settled, double rate_hz, std::string endpoint, std::FILE* out);
  ~LiveTable() override;  // shows the cursor again, even when finish() was never reached
  LiveTable(const LiveTable&) = delete;
  LiveTable& operator=(const LiveTable&) = delete;

  void on_roi_set(const pb::RoiSetInfo& info) override;
  void on_status(const pb::Status& status) override;
  void on_update(const pb::TraceUpdate& update) override;
  Clock::duration refresh(Clock::time_point now) override;
  void finish() override;

 private:
  struct Row {
    double live = 0.0;
    std::optional<double> settled;
    Sparkline recent{32};
  };

  void draw();
  std::string status_line() const;

  const RoiColumns& columns_;
  bool show_settled_;
  Clock::duration interval_;
  std::string endpoint_;
  std::FILE* out_;

  std::optional<pb::Status> status_;
  std::optional<pb::TraceUpdate> latest_;  // the newest frame's own update (live values)
  std::optional<std::int64_t> settled_frame_;
  bool ended_ = false;
  std::vector<Column> shown_;        // the newest frame's columns, in order
  std::map<std::string, Row> rows_;  // by label
  bool dirty_ = true;
  Clock::time_point last_draw_{};
  int drawn_lines_ = 0;
  bool cursor_hidden_ = false;
};

}  // namespace calmon::sub_tool
