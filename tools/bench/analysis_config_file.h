// analysis_config_file.h — the analysis config calmon-bench hands calmond, as a temp file.
//
// The ROIs of a RoiLayout, the config's automatic neuropil ring (defaults, r = 0.7) and a
// moving median baseline of the benchmark's window, and with --motion a "motion" section (rigid
// correction, the reference from the first 100 frames). The file is removed with the object.
#pragma once

#include <string>
#include <vector>

#include "roi_layout.h"

namespace calmon::bench {

class AnalysisConfigFile {
 public:
  AnalysisConfigFile(const std::vector<RoiRect>& rois, int window, bool global_traces, bool motion);
  ~AnalysisConfigFile();
  AnalysisConfigFile(const AnalysisConfigFile&) = delete;
  AnalysisConfigFile& operator=(const AnalysisConfigFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace calmon::bench
