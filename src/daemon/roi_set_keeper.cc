// roi_set_keeper.cc — the writing thread and the file; see the header.
#include "daemon/roi_set_keeper.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "config/config_file.h"
#include "config/json_message.h"
#include "config/roi_files.h"
#include "core/error.h"
#include "io/durable_files.h"

namespace calmon::daemon {

RoiSetKeeper::RoiSetKeeper(std::string folder, Log log) : file_(file_in(folder)), log_(std::move(log)) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error || !std::filesystem::is_directory(folder)) {
    throw Error("state folder " + folder + ": cannot create it" + (error ? ": " + error.message() : std::string()));
  }
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

std::string RoiSetKeeper::file_in(const std::string& folder) { return (std::filesystem::path(folder) / "rois.json").string(); }

std::optional<pb::RoiSet> RoiSetKeeper::read(const std::string& folder) {
  const std::string file = file_in(folder);
  if (!std::filesystem::exists(file)) return std::nullopt;
  return config::parse_roi_set(config::read_text_file(file), file);
}

void RoiSetKeeper::keep(std::vector<RoiSettings> rois) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(rois);
  }
  wake_.notify_all();
}

void RoiSetKeeper::flush() {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return !pending_ && !writing_; });
}

void RoiSetKeeper::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || pending_; });
    if (!pending_) return;  // stopping, everything written
    const std::vector<RoiSettings> rois = std::move(*pending_);
    pending_.reset();
    writing_ = true;
    lock.unlock();
    try {
      io::write_file_durably(file_, config::write_roi_file(rois, "json").data());
    } catch (const std::exception& e) {
      log_(std::string("cannot keep the ROI set in the state folder: ") + e.what());
    }
    lock.lock();
    writing_ = false;
    wake_.notify_all();
  }
}

}  // namespace calmon::daemon
