// recording_lock.h — one calmon-record at a time per recording folder.
//
// The recorder holds an exclusive lock (flock) on its OUT_DIR while it records;
// `calmon-record --repair` takes the same lock, so it never rewrites files a running
// recorder is writing. The kernel drops the lock when the process ends, however it ends,
// so a folder whose recorder was killed can be repaired at once.
#pragma once

#include <string>

namespace calmon::record_tool {

class RecordingLock {
 public:
  // Throws calmon::Error if `folder` cannot be opened or another process holds the lock.
  explicit RecordingLock(const std::string& folder);
  ~RecordingLock();
  RecordingLock(const RecordingLock&) = delete;
  RecordingLock& operator=(const RecordingLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace calmon::record_tool
