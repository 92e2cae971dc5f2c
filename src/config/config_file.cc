// config_file.cc — protobuf JSON → pb::Config → PipelineSettings, with defaults and checks.
#include "config/config_file.h"

#include <cmath>

#include "config/json_message.h"
#include "config/motion_message.h"
#include "config/region_message.h"
#include "core/error.h"
#include "core/format_number.h"
#include "io/file_name_rule.h"

namespace calmon::config {

namespace {

Region to_region(const pb::Region& region, const std::string& what) {
  std::optional<Region> core = to_core_region(region);
  if (!core) throw Error(what + ": no region (give a pixel, rect or mask)");
  return std::move(*core);
}

NeuropilSettings to_neuropil(const pb::Neuropil& neuropil, const std::string& what) {
  NeuropilSettings settings;
  if (neuropil.has_r()) settings.r = neuropil.r();
  switch (neuropil.source_case()) {
    case pb::Neuropil::kRegion:
      settings.source = NeuropilSettings::Source::kRegion;
      settings.region = to_region(neuropil.region(), "neuropil of " + what);
      break;
    case pb::Neuropil::kRing:
      settings.source = NeuropilSettings::Source::kRing;
      if (neuropil.ring().has_inner_gap()) settings.ring.inner_gap = neuropil.ring().inner_gap();
      if (neuropil.ring().has_min_pixels()) settings.ring.min_pixels = neuropil.ring().min_pixels();
      break;
    case pb::Neuropil::kGlobal:
      switch (neuropil.global()) {
        case pb::Neuropil::MEAN: settings.source = NeuropilSettings::Source::kGlobalMean; break;
        case pb::Neuropil::MEDIAN: settings.source = NeuropilSettings::Source::kGlobalMedian; break;
        case pb::Neuropil::MIN: settings.source = NeuropilSettings::Source::kGlobalMin; break;
        default: throw Error(what + ": neuropil 'global' must be MEAN, MEDIAN or MIN");
      }
      break;
    case pb::Neuropil::SOURCE_NOT_SET: settings.source = NeuropilSettings::Source::kNone; break;
  }
  return settings;
}

QuantileSpec to_quantile(bool has_percentile, double percentile) {
  return has_percentile ? QuantileSpec::percentile(percentile) : QuantileSpec::median();
}

}  // namespace

BaselineSettings to_baseline_settings(const pb::Baseline& baseline, const std::string& what) {
  BaselineSettings settings;
  try {
    switch (baseline.kind_case()) {
      case pb::Baseline::kCumulative: {
        const pb::CumulativeBaseline& c = baseline.cumulative();
        if (c.mean() && c.has_percentile()) throw Error("a cumulative baseline is either the mean or a percentile");
        settings.kind =
            c.mean() ? BaselineSettings::Kind::kCumulativeMean : BaselineSettings::Kind::kCumulativeQuantile;
        settings.quantile = to_quantile(c.has_percentile(), c.percentile());
        break;
      }
      case pb::Baseline::kMoving:
        settings.kind = BaselineSettings::Kind::kMovingQuantile;
        settings.window = baseline.moving().window();
        settings.quantile = to_quantile(baseline.moving().has_percentile(), baseline.moving().percentile());
        break;
      case pb::Baseline::kMaximin:
        settings.kind = BaselineSettings::Kind::kMaximin;
        settings.window = baseline.maximin().window();
        settings.sigma = baseline.maximin().sigma();
        break;
      case pb::Baseline::KIND_NOT_SET: throw Error("baseline has no kind (give cumulative, moving or maximin)");
    }
    settings.validate();
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
  return settings;
}

namespace {

ProjectionSpec to_projection(const pb::Projection& projection, std::size_t index) {
  ProjectionSpec spec;
  for (int stat : projection.stats()) {
    switch (stat) {
      case pb::Projection::MEAN: spec.stats.push_back(ProjectionStat::kMean); break;
      case pb::Projection::MAX: spec.stats.push_back(ProjectionStat::kMax); break;
      case pb::Projection::MIN: spec.stats.push_back(ProjectionStat::kMin); break;
      case pb::Projection::STD: spec.stats.push_back(ProjectionStat::kStd); break;
      default: throw Error("projection " + std::to_string(index) + ": stats must be MEAN, MAX, MIN or STD");
    }
  }
  std::string name;
  switch (projection.frames_case()) {
    case pb::Projection::kRange:
      spec.frames = ProjectionSpec::Frames::kRange;
      spec.begin = projection.range().begin();
      if (projection.range().has_end()) spec.end = projection.range().end();
      name = "frames_" + std::to_string(spec.begin) + "_" + (spec.end ? std::to_string(*spec.end) : "end");
      break;
    case pb::Projection::kLast:
      spec.frames = ProjectionSpec::Frames::kLast;
      spec.last = projection.last();
      name = "last_" + std::to_string(spec.last);
      break;
    case pb::Projection::FRAMES_NOT_SET: name = "all"; break;
  }
  if (projection.has_crop()) {
    const pb::Rect& r = projection.crop();
    spec.crop = Rect{r.xmin(), r.xmax(), r.ymin(), r.ymax()};
    name += "_crop_x" + std::to_string(r.xmin()) + "-" + std::to_string(r.xmax()) + "_y" + std::to_string(r.ymin()) +
            "-" + std::to_string(r.ymax());
  }
  spec.name = projection.name().empty() ? name : projection.name();
  if (!io::is_valid_file_name(spec.name)) {  // it names the projection's files
    throw Error("projection " + std::to_string(index) + ": name " + io::quoted_name(spec.name) +
                " cannot name a file: names must be " + std::string(io::kFileNameRule));
  }
  return spec;
}

}  // namespace

pb::Config parse_config(std::string_view json, std::string_view source) {
  return parse_json_as<pb::Config>(json, source, "config");
}

pb::RoiSet parse_roi_set(std::string_view json, std::string_view source) {
  return parse_json_as<pb::RoiSet>(json, source, "ROI set");
}

pb::Config load_config(const std::string& path) { return parse_config(read_text_file(path), path); }

std::string roi_name(const pb::Roi& roi, std::size_t index) {
  return roi.name().empty() ? "roi" + std::to_string(index) : roi.name();
}

RoiSettings to_roi_settings(const pb::Roi& roi, std::size_t index, const pb::Config& defaults) {
  const std::string name = roi_name(roi, index);
  const std::string what = "ROI '" + name + "'";
  if (!roi.has_region()) throw Error(what + ": no region (give a pixel, rect or mask)");
  RoiSettings settings{name, to_region(roi.region(), what), {}, {}, roi.id()};
  if (roi.has_neuropil()) {
    settings.neuropil = to_neuropil(roi.neuropil(), what);
  } else if (defaults.has_neuropil()) {
    settings.neuropil = to_neuropil(defaults.neuropil(), what);
  }
  if (roi.has_baseline()) {
    settings.baseline = to_baseline_settings(roi.baseline(), what);
  } else if (defaults.has_baseline()) {
    settings.baseline = to_baseline_settings(defaults.baseline(), what);
  }
  return settings;
}

PipelineSettings to_pipeline_settings(const pb::Config& config) {
  PipelineSettings settings;
  for (int i = 0; i < config.rois_size(); ++i) {
    settings.rois.push_back(to_roi_settings(config.rois(i), static_cast<std::size_t>(i), config));
  }
  for (int i = 0; i < config.projections_size(); ++i) {
    settings.projections.push_back(to_projection(config.projections(i), static_cast<std::size_t>(i)));
  }
  if (settings.projections.empty()) settings.projections.push_back(to_projection(pb::Projection(), 0));
  settings.keep_frames.assign(config.keep_frames().begin(), config.keep_frames().end());
  settings.global_traces = !config.has_global_traces() || config.global_traces();
  settings.correlation_image = config.correlation_image();
  if (config.has_motion()) settings.motion = to_motion_settings(config.motion());
  if (config.has_frame_rate_hz()) {
    const double rate = config.frame_rate_hz();
    if (!(rate > 0.0) || !std::isfinite(rate)) {
      throw Error("frame_rate_hz must be a positive number of frames per second, not " + format_number(rate));
    }
    settings.frame_rate_hz = rate;
  }
  return settings;
}

std::string to_json(const pb::Config& config) {
  return print_json_message(config, {.indented = true, .defaults = false});
}

}  // namespace calmon::config
