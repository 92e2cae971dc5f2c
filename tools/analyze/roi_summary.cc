// roi_summary.cc — streaming per-ROI summary and its table.
#include "roi_summary.h"

#include <cmath>
#include <cstdio>

namespace calmon::analyze {

RoiSummary::RoiSummary(std::size_t roi_count) : rois_(roi_count) {}

void RoiSummary::add_live(const FrameResult& result) {
  for (std::size_t i = 0; i < rois_.size(); ++i) {
    rois_[i].f_sum += result.f[i];
    rois_[i].fcorr_sum += result.fcorr[i];
    ++rois_[i].live;
  }
}

void RoiSummary::add_settled(const SettledRow& row) {
  for (std::size_t i = 0; i < rois_.size(); ++i) {
    PerRoi& roi = rois_[i];
    ++roi.settled;
    roi.f0_sum += row.f0[i];
    if (std::isnan(row.dff[i])) {
      ++roi.undefined;
    } else if (row.dff[i] > roi.peak_dff) {
      roi.peak_dff = row.dff[i];
      roi.peak_frame = row.frame;
    }
  }
}

void RoiSummary::print(std::ostream& out, const PipelineSettings& settings) const {
  char line[512];
  std::snprintf(line, sizeof line, "%-12s %-28s %-30s %-28s %9s %9s %9s %12s\n", "ROI", "region",
                "neuropil", "baseline", "mean F", "mean Fc", "mean F0", "peak dF/F0");
  out << line;
  for (std::size_t i = 0; i < rois_.size(); ++i) {
    const PerRoi& roi = rois_[i];
    const RoiSettings& s = settings.rois[i];
    const auto mean = [](double sum, std::int64_t n) { return n > 0 ? sum / static_cast<double>(n) : std::nan(""); };
    char peak[64];
    if (roi.peak_frame >= 0) {
      std::snprintf(peak, sizeof peak, "%.3f @%lld", roi.peak_dff, static_cast<long long>(roi.peak_frame));
    } else {
      std::snprintf(peak, sizeof peak, "undefined");
    }
    std::snprintf(line, sizeof line, "%-12s %-28s %-30s %-28s %9.2f %9.2f %9.2f %12s", s.name.c_str(),
                  s.region.describe().c_str(), s.neuropil.describe().c_str(), s.baseline.describe().c_str(),
                  mean(roi.f_sum, roi.live), mean(roi.fcorr_sum, roi.live), mean(roi.f0_sum, roi.settled), peak);
    out << line;
    if (roi.undefined > 0) out << "  (" << roi.undefined << " frames with F0 <= 0: dF/F0 undefined)";
    out << '\n';
  }
}

}  // namespace calmon::analyze
