// roi_limits.cc — counting ROIs, region pixels and baseline bytes in the messages; see the header.
#include "config/roi_limits.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config_file.h"
#include "core/error.h"
#include "core/format_number.h"
#include "core/gaussian_window.h"
#include "core/pipeline.h"

namespace calmon::config {

namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

// The pixels a region message names; 0 for nonsense (a negative size), left to validation.
std::uint64_t pixel_count(const pb::Region& region) {
  switch (region.shape_case()) {
    case pb::Region::kPixel: return 1;
    case pb::Region::kRect: {
      const pb::Rect& r = region.rect();
      const std::int64_t width = std::int64_t{r.xmax()} - r.xmin();
      const std::int64_t height = std::int64_t{r.ymax()} - r.ymin();
      return width > 0 && height > 0 ? static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) : 0;
    }
    case pb::Region::kMask: return static_cast<std::uint64_t>(std::max(region.mask().x_size(), region.mask().y_size()));
    case pb::Region::SHAPE_NOT_SET: break;
  }
  return 0;
}

std::string limit_text(const RoiLimits& limits) {
  return "the limit is " + std::to_string(limits.max_roi_pixels) + " per region (--max-roi-pixels)";
}

void check_neuropil(const pb::Neuropil& neuropil, const std::string& owner, const RoiLimits& limits) {
  if (!neuropil.has_region()) return;
  const std::uint64_t pixels = pixel_count(neuropil.region());
  if (pixels > limits.max_roi_pixels) {
    throw Error(owner + ": neuropil region of " + std::to_string(pixels) + " pixels; " + limit_text(limits));
  }
}

std::string window_limit_text(const BaselineLimits& limits) {
  return "the limit is " + std::to_string(limits.max_window) + " per window (--max-baseline-window)";
}

// The windows of one baseline against max_window, naming the field that sets each.
void check_windows(const BaselineSettings& baseline, const std::string& owner, const BaselineLimits& limits) {
  using Kind = BaselineSettings::Kind;
  if ((baseline.kind == Kind::kMovingQuantile || baseline.kind == Kind::kMaximin) &&
      baseline.window > limits.max_window) {
    const char* field = baseline.kind == Kind::kMaximin ? "maximin.window" : "moving.window";
    throw Error(owner + ": baseline window of " + std::to_string(baseline.window) + " frames (" + field + "); " +
                window_limit_text(limits));
  }
  if (baseline.kind == Kind::kMaximin) {
    const std::int64_t span = 2 * GaussianWindow::radius_for(baseline.sigma) + 1;
    if (span > limits.max_window) {
      throw Error(owner + ": maximin sigma " + format_number(baseline.sigma) + " smooths over " + std::to_string(span) +
                  " frames (maximin.sigma); " + window_limit_text(limits));
    }
  }
}

std::uint64_t ceil_mib(std::uint64_t bytes) { return bytes / kMiB + (bytes % kMiB != 0); }

// The baselines of a whole set, at full windows (the longest of them `longest` frames).
void check_bytes(const std::vector<BaselineSettings>& baselines, std::int64_t longest, const BaselineLimits& limits) {
  const std::uint64_t bytes = Pipeline::max_baseline_state_bytes(baselines);
  if (bytes > limits.max_bytes) {
    throw Error("ROI set needs " + std::to_string(ceil_mib(bytes)) + " MiB of baseline state (" +
                std::to_string(baselines.size()) + " ROIs × windows of up to " + std::to_string(longest) +
                " frames); the limit is " + std::to_string(limits.max_bytes / kMiB) + " MiB (--max-baseline-mib)");
  }
}

std::int64_t window_of(const BaselineSettings& baseline) {
  const bool windowed =
      baseline.kind == BaselineSettings::Kind::kMovingQuantile || baseline.kind == BaselineSettings::Kind::kMaximin;
  return windowed ? baseline.window : 0;
}

// Every ROI's baseline, its own or `defaults`'s: own windows, then the set's bytes.
void check_baselines(const google::protobuf::RepeatedPtrField<pb::Roi>& rois, const pb::Config& defaults,
                     const BaselineLimits& limits) {
  BaselineSettings default_baseline;  // the schema's default when the config has none
  if (defaults.has_baseline()) {
    default_baseline = to_baseline_settings(defaults.baseline(), "default baseline");
    check_windows(default_baseline, "default baseline", limits);
  }
  std::vector<BaselineSettings> baselines;
  baselines.reserve(static_cast<std::size_t>(rois.size()));
  std::int64_t longest = 0;
  for (int i = 0; i < rois.size(); ++i) {
    const pb::Roi& roi = rois.Get(i);
    BaselineSettings baseline = default_baseline;
    if (roi.has_baseline()) {
      const std::string owner = "ROI '" + roi_name(roi, static_cast<std::size_t>(i)) + "'";
      baseline = to_baseline_settings(roi.baseline(), owner);
      check_windows(baseline, owner, limits);
    }
    baselines.push_back(baseline);
    if (baseline.kind == BaselineSettings::Kind::kMovingQuantile || baseline.kind == BaselineSettings::Kind::kMaximin) {
      longest = std::max(longest, baseline.window);
    }
  }
  check_bytes(baselines, longest, limits);
}

// The ROI count, and the pixels of the ROIs' regions.
void check_rois_and_regions(const google::protobuf::RepeatedPtrField<pb::Roi>& rois, const RoiLimits& limits) {
  check_roi_count(static_cast<std::size_t>(rois.size()), limits);
  for (int i = 0; i < rois.size(); ++i) {
    const pb::Roi& roi = rois.Get(i);
    const std::string owner = "ROI '" + roi_name(roi, static_cast<std::size_t>(i)) + "'";
    const std::uint64_t pixels = pixel_count(roi.region());
    if (pixels > limits.max_roi_pixels) {
      throw Error(owner + ": region of " + std::to_string(pixels) + " pixels; " + limit_text(limits));
    }
    check_neuropil(roi.neuropil(), owner, limits);
  }
}

}  // namespace

void check_roi_count(std::size_t count, const RoiLimits& limits) {
  if (count > limits.max_rois) {
    throw Error(std::to_string(count) + " ROIs; the limit is " + std::to_string(limits.max_rois) +
                " per set (--max-rois)");
  }
}

void check_baseline_bytes(const std::vector<RoiSettings>& rois, const BaselineLimits& limits) {
  std::vector<BaselineSettings> baselines;
  baselines.reserve(rois.size());
  std::int64_t longest = 0;
  for (const RoiSettings& roi : rois) {
    baselines.push_back(roi.baseline);
    longest = std::max(longest, window_of(roi.baseline));
  }
  check_bytes(baselines, longest, limits);
}

void check_roi_limits(const google::protobuf::RepeatedPtrField<pb::Roi>& rois, const pb::Config& defaults,
                      const RoiLimits& limits) {
  check_rois_and_regions(rois, limits);
  check_baselines(rois, defaults, limits.baselines);
}

void check_roi_limits(const pb::Config& config, const RoiLimits& limits) {
  check_rois_and_regions(config.rois(), limits);
  check_neuropil(config.neuropil(), "default neuropil", limits);
  check_baselines(config.rois(), config, limits.baselines);
}

void check_baseline_limits(const pb::Config& config, const BaselineLimits& limits) {
  check_baselines(config.rois(), config, limits);
}

void check_ring_limits(const std::vector<RoiSettings>& rois, FrameShape shape, const RoiLimits& limits) {
  const std::uint64_t frame_pixels = std::uint64_t(std::max(shape.width, 0)) * std::uint64_t(std::max(shape.height, 0));
  for (const RoiSettings& roi : rois) {
    if (roi.neuropil.source != NeuropilSettings::Source::kRing) continue;
    const std::uint64_t pixels =
        std::min<std::uint64_t>(frame_pixels, static_cast<std::uint64_t>(std::max(roi.neuropil.ring.min_pixels, 0)));
    if (pixels > limits.max_roi_pixels) {
      throw Error("ROI '" + roi.name + "': neuropil ring of up to " + std::to_string(pixels) + " pixels in " +
                  std::to_string(shape.width) + "x" + std::to_string(shape.height) + " frames; " + limit_text(limits));
    }
  }
}

}  // namespace calmon::config
