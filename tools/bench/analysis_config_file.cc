// analysis_config_file.cc — writes the benchmark's analysis config JSON to a temp file.
#include "analysis_config_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace calmon::bench {

AnalysisConfigFile::AnalysisConfigFile(const std::vector<RoiRect>& rois, int window, bool global_traces) {
  std::ostringstream json;
  json << "{\n  \"neuropil\": {\"ring\": {}, \"r\": 0.7},\n"
       << "  \"baseline\": {\"moving\": {\"window\": " << window << "}},\n"
       << "  \"global_traces\": " << (global_traces ? "true" : "false") << ",\n"
       << "  \"rois\": [";
  for (std::size_t i = 0; i < rois.size(); ++i) {
    const RoiRect& roi = rois[i];
    json << (i ? ",\n    " : "\n    ") << "{\"region\": {\"rect\": {\"xmin\": " << roi.xmin
         << ", \"xmax\": " << roi.xmin + kRoiSide << ", \"ymin\": " << roi.ymin
         << ", \"ymax\": " << roi.ymin + kRoiSide << "}}}";
  }
  json << "\n  ]\n}\n";

  char name[] = "/tmp/calmon-bench-XXXXXX.json";
  const int fd = mkstemps(name, 5);
  if (fd < 0) throw std::runtime_error("cannot create a temp file for the analysis config");
  const std::string text = json.str();
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
