// roi_summary.h — a few numbers per ROI that tell at a glance whether a cell responded.
//
// Accumulated frame by frame in O(1) memory per ROI: the mean F, Fcorr and settled F0,
// the peak settled ΔF/F₀ with its frame, and how many frames had no defined ΔF/F₀
// (F0 <= 0).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/pipeline.h"

namespace calmon::analyze {

class RoiSummary {
 public:
  explicit RoiSummary(std::size_t roi_count);

  void add_live(const FrameResult& result);
  void add_settled(const SettledRow& row);

  // A table, one line per ROI, for the terminal.
  void print(std::ostream& out, const PipelineSettings& settings) const;

 private:
  struct PerRoi {
    double f_sum = 0.0;
    double fcorr_sum = 0.0;
    double f0_sum = 0.0;
    std::int64_t live = 0;
    std::int64_t settled = 0;
    std::int64_t undefined = 0;
    double peak_dff = -1.0 / 0.0;
    std::int64_t peak_frame = -1;
  };
  std::vector<PerRoi> rois_;
};

}  // namespace calmon::analyze
