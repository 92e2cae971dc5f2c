// roi_summary.cc — streaming per-ROI summary and its table, whose columns are as wide
// as their widest cell.
#include "roi_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

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

namespace {

constexpr std::size_t kTextColumns = 4;  // ROI, region, neuropil, baseline: left-aligned; the numbers right

// Characters on the terminal: UTF-8 continuation bytes take no column.
std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (const char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

std::string number(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// Each column as wide as its widest cell, so no long name or value shifts the ones after it.
void print_aligned(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                   const std::vector<std::string>& notes) {
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string padding(widths[c] - display_width(rows[r][c]), ' ');
      if (c > 0) out << "  ";
      out << (c < kTextColumns ? rows[r][c] + padding : padding + rows[r][c]);
    }
    out << notes[r] << '\n';
  }
}

}  // namespace

void RoiSummary::print(std::ostream& out, const PipelineSettings& settings) const {
  std::vector<std::vector<std::string>> rows{
      {"ROI", "region", "neuropil", "baseline", "mean F", "mean Fc", "mean F0", "peak dF/F0", "at frame"}};
  std::vector<std::string> notes{""};
  const auto mean = [](double sum, std::int64_t n) { return n > 0 ? sum / static_cast<double>(n) : std::nan(""); };
  for (std::size_t i = 0; i < rois_.size(); ++i) {
    const PerRoi& roi = rois_[i];
    const RoiSettings& s = settings.rois[i];
    const bool has_peak = roi.peak_frame >= 0;
    rows.push_back({s.name, s.region.describe(), s.neuropil.describe(), s.baseline.describe(),
                    number("%.2f", mean(roi.f_sum, roi.live)), number("%.2f", mean(roi.fcorr_sum, roi.live)),
                    number("%.2f", mean(roi.f0_sum, roi.settled)),
                    has_peak ? number("%.3f", roi.peak_dff) : std::string("undefined"),
                    has_peak ? std::to_string(roi.peak_frame) : std::string("-")});
    notes.push_back(roi.undefined > 0 ? "  (" + std::to_string(roi.undefined) + " frames with F0 <= 0: dF/F0 undefined)"
                                      : std::string());
  }
  print_aligned(out, rows, notes);
}

}  // namespace calmon::analyze
