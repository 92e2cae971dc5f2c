// roi_set_keeper.h — calmond's current ROI set kept in a state folder, so that a
// restarted calmond starts with the ROIs it had.
//
// With a state folder (--state-dir), every change of the ROI set — set_rois, an import,
// an edit from the dashboard — is written to the folder (config/kept_roi_set.h), and
// calmond reads it at start instead of the analysis config's ROIs (daemon_settings.h).
// Writing it (to JSON, then to disk with fsync) happens on a thread of its own, so a
// large set never holds up the frames; a newer set replaces one not written yet. A file
// that cannot be written is one log line; calmond keeps serving.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/pipeline_settings.h"

namespace calmon::daemon {

class RoiSetKeeper {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Creates `folder` if it is missing; throws calmon::Error if it cannot.
  RoiSetKeeper(std::string folder, Log log);
  ~RoiSetKeeper();  // writes the newest set first
  RoiSetKeeper(const RoiSetKeeper&) = delete;
  RoiSetKeeper& operator=(const RoiSetKeeper&) = delete;

  // Keeps `rois` (a copy, taken now), written soon.
  void keep(std::vector<RoiSettings> rois);

 private:
  void run();

  const std::string folder_;
  const Log log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<std::vector<RoiSettings>> pending_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace calmon::daemon
