// numpy_peer_run.cc — popen the peer and read its one figure.
#include "numpy_peer_run.h"

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace calmon::bench {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

std::string numpy_peer_script() {
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path bin = error ? std::filesystem::path("bin") : executable.parent_path();
  return (bin.parent_path() / "share" / "calmon" / "bench" / "numpy_peer.py").lexically_normal().string();
}

double run_numpy_peer(const NumpyPeerRequest& request) {
  std::ostringstream command;
  command << kPython << " '" << numpy_peer_script() << "' --frames-file '" << request.frames_file << "' --config '"
          << request.config_file << "' --width " << request.width << " --height " << request.height
          << " --distinct-frames " << request.distinct_frames << " --window " << request.window << " --global-traces "
          << (request.global_traces ? "on" : "off") << " --seconds " << request.seconds;
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
