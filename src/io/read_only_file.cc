// read_only_file.cc — open(O_RDONLY) and pread() until every byte asked for has come.
#include "io/read_only_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace calmon::io::detail {

ReadOnlyFile::ReadOnlyFile(const std::string& path)
    : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), open_errno_(fd_ < 0 ? errno : 0) {}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool read_at(int fd, std::uint64_t offset, std::byte* out, std::size_t size) {
  errno = 0;
  while (size > 0) {
    const ssize_t got = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    offset += static_cast<std::uint64_t>(got);
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace calmon::io::detail
