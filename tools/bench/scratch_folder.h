// scratch_folder.h — a fresh temporary folder, in memory (tmpfs) when the machine has one.
//
// /dev/shm if it is a tmpfs, else the system's temp folder (which may be a disk: writes
// there take the disk's time). Created with mkdtemp, removed with everything in it when
// the object goes.
#pragma once

#include <string>

namespace calmon::bench {

class ScratchFolder {
 public:
  // Throws std::runtime_error if no folder can be made.
  explicit ScratchFolder(const std::string& prefix);
  ~ScratchFolder();
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::string& path() const { return path_; }
  bool on_tmpfs() const { return on_tmpfs_; }

 private:
  std::string path_;
  bool on_tmpfs_ = false;
};

}  // namespace calmon::bench
