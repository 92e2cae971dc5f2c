// recording_lock.cc — flock() on the folder itself; see the header.
#include "recording_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace calmon::record_tool {

RecordingLock::RecordingLock(const std::string& folder)
    : fd_(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (fd_ < 0) throw Error(folder + ": cannot open: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int lock_errno = errno;
    ::close(fd_);
    throw Error(folder + (lock_errno == EWOULDBLOCK ? std::string(": a running calmon-record is writing it")
                                                    : ": cannot lock: " + std::string(std::strerror(lock_errno))));
  }
}

RecordingLock::~RecordingLock() {
  ::close(fd_);  // releases the lock
}

}  // namespace calmon::record_tool
