// plain_lines.h — calmon-sub's output when stdout is not a terminal: one line per update.
//
//   # ROI set 1: cell1, cell2, np          when a set of names arrives or changes
//   frame=12 seq=112 cell1=0.1234 cell2=-0.05
//   frame=12 seq=112 dy=-1.2 dx=0.4 cell1=0.1234 cell2=-0.05      (motion correction on)
//   frame=13 seq=113 dy=0 dx=0 motion_failed=low_peak cell1=...   (its registration failed)
//   settled frame=10 seq=110 cell1=0.1 cell2=-0.02      (with --settled)
//   # end of stream after 2000 frames
// Values are live ΔF/F₀ (settled ΔF/F₀ on settled lines) in the shortest text that reads
// back to the same double ("nan" where ΔF/F₀ is undefined), so a script gets the exact
// numbers; so are dy and dx, the frame's shift (TraceUpdate.motion, motion_text.h).
// Each update's lines are flushed at once.
#pragma once

#include <cstdio>
#include <map>
#include <string>

#include "display.h"
#include "roi_columns.h"

namespace calmon::sub_tool {

class PlainLines final : public Display {
 public:
  PlainLines(const RoiColumns& columns, bool show_settled, std::FILE* out)
      : columns_(columns), show_settled_(show_settled), out_(out) {}

  void on_roi_set(const pb::RoiSetInfo& info) override;
  void on_status(const pb::Status&) override {}
  void on_update(const pb::TraceUpdate& update) override;
  Clock::duration refresh(Clock::time_point) override { return Clock::duration::max(); }
  void finish() override { std::fflush(out_); }

 private:
  const RoiColumns& columns_;
  bool show_settled_;
  std::FILE* out_;
  std::map<std::uint32_t, std::string> announced_;  // names line per ROI-set version
};

}  // namespace calmon::sub_tool
