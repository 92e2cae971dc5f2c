// roi_set_keeper.cc — the writing thread and the file; see the header.
#include "daemon/roi_set_keeper.h"

#include <utility>

#include "config/kept_roi_set.h"

namespace calmon::daemon {

RoiSetKeeper::RoiSetKeeper(std::string folder, Log log) : folder_(std::move(folder)), log_(std::move(log)) {
  config::make_state_folder(folder_);
  thread_ = std::thread([this] { run(); });
}

RoiSetKeeper::~RoiSetKeeper() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RoiSetKeeper::keep(std::vector<RoiSettings> rois) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(rois);
  }
  wake_.notify_all();
}

void RoiSetKeeper::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || pending_; });
    if (!pending_) return;  // stopping, everything written
    const std::vector<RoiSettings> rois = std::move(*pending_);
    pending_.reset();
    lock.unlock();
    try {
      config::write_kept_roi_set(folder_, rois);
    } catch (const std::exception& e) {
      log_(std::string("cannot keep the ROI set in the state folder: ") + e.what());
    }
    lock.lock();
  }
}

}  // namespace calmon::daemon
