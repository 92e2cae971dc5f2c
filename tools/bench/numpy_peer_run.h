// numpy_peer_run.h — runs tools/bench/numpy_peer.py on the benchmark's frames and ROIs.
//
// The peer is the same pipeline written as a scientist would in numpy, run in-process
// in Python (no sockets) with /usr/bin/python3. It reads the frames from a raw file and
// the ROIs from the same analysis config calmond got, and prints "numpy_fps X". The
// script is looked for beside calmon-bench, in ../share/calmon/bench/numpy_peer.py: the
// build tree links it there from tools/bench, `cmake --install` copies it there.
#pragma once

#include <string>

namespace calmon::bench {

struct NumpyPeerRequest {
  std::string frames_file;  // FrameSet::write_raw
  std::string config_file;  // AnalysisConfigFile
  int width = 0, height = 0, distinct_frames = 0, window = 0;
  bool global_traces = true;
  double seconds = 5.0;
};

// Where the peer script is: ../share/calmon/bench/numpy_peer.py from this executable.
std::string numpy_peer_script();

// The peer's frames per second; throws if it fails or prints no figure.
double run_numpy_peer(const NumpyPeerRequest& request);

}  // namespace calmon::bench
