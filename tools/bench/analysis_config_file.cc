// analysis_config_file.cc — writes the benchmark's analysis config JSON to a temp file.
#include "analysis_config_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "calmon/config.pb.h"
#include "config/json_message.h"

namespace calmon::bench {

namespace {

// The config as calmond reads it (config.proto's Config), printed through the JSON mapping.
std::string config_json(const std::vector<RoiRect>& rois, int window, bool global_traces, bool motion) {
  pb::Config analysis;
  if (motion) analysis.mutable_motion()->set_reference_frames(100);
  analysis.mutable_neuropil()->mutable_ring();
  analysis.mutable_neuropil()->set_r(0.7);
  analysis.mutable_baseline()->mutable_moving()->set_window(window);
  analysis.set_global_traces(global_traces);
  for (const RoiRect& roi : rois) {
    pb::Rect& rect = *analysis.add_rois()->mutable_region()->mutable_rect();
    rect.set_xmin(roi.xmin);
    rect.set_xmax(roi.xmin + kRoiSide);
    rect.set_ymin(roi.ymin);
    rect.set_ymax(roi.ymin + kRoiSide);
  }
  return config::print_json_message(analysis, {.indented = true, .defaults = false});
}

}  // namespace

AnalysisConfigFile::AnalysisConfigFile(const std::vector<RoiRect>& rois, int window, bool global_traces, bool motion) {
  char name[] = "/tmp/calmon-bench-XXXXXX.json";
  const int fd = mkstemps(name, 5);
  if (fd < 0) throw std::runtime_error("cannot create a temp file for the analysis config");
  const std::string text = config_json(rois, window, global_traces, motion);
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  path_ = name;
  if (!written) {
    std::remove(name);
    throw std::runtime_error("cannot write " + path_);
  }
}

AnalysisConfigFile::~AnalysisConfigFile() { std::remove(path_.c_str()); }

}  // namespace calmon::bench
