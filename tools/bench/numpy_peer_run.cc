// numpy_peer_run.cc — popen the peer and read its one figure.
#include "numpy_peer_run.h"

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace calmon::bench {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

double run_numpy_peer(const NumpyPeerRequest& request) {
  std::ostringstream command;
  command << kPython << " '" << CALMON_NUMPY_PEER_SCRIPT << "' --frames-file '" << request.frames_file
          << "' --config '" << request.config_file << "' --width " << request.width << " --height "
          << request.height << " --distinct-frames " << request.distinct_frames << " --window "
          << request.window << " --global-traces " << (request.global_traces ? "on" : "off")
          << " --seconds " << request.seconds;
  FILE* output = popen(command.str().c_str(), "r");
  if (!output) throw std::runtime_error("cannot run " + command.str());
  double fps = -1.0;
  char line[512];
  while (std::fgets(line, sizeof line, output)) std::sscanf(line, "numpy_fps %lf", &fps);
  const int status = pclose(output);
  if (status != 0 || fps <= 0.0) throw std::runtime_error("the numpy peer failed: " + command.str());
  return fps;
}

}  // namespace calmon::bench
