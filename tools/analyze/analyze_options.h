// analyze_options.h — calmon-analyze's command line: the flags, their checks, the usage.
//
// Boost.Program_options splits the command line, as in calmon's other programs; the
// value checks and every message are calmon-analyze's own, so a mistake is reported
// as it always was: one line naming it, the usage, and exit status 2.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/roi_limits.h"
#include "core/frame_size_limit.h"

namespace calmon::analyze {

extern const char* const kAnalyzeUsage;

struct Options {
  std::string movie;
  std::string out;
  std::optional<std::string> config;
  std::vector<std::string> rois;  // ROI files whose ROIs replace the config's

  int channel = 0;
  int slice = 0;
  std::size_t max_frame_bytes = calmon::kDefaultMaxFrameBytes;
  bool quiet = false;
  calmon::config::BaselineLimits baseline_limits;
};

// The options of argv; prints the usage and exits 0 for --help, prints the problem and
// the usage on stderr and exits 2 for a bad command line.
Options parse_options(int argc, char** argv);

}  // namespace calmon::analyze
