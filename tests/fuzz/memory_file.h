// memory_file.h — a fuzz input as a file: its bytes in an anonymous in-memory file.
//
// Readers that take a path (libtiff, the .npy reader) run on the input exactly as on
// disk — open, fstat, pread — through the memfd's /proc/self/fd path, without touching
// the disk. A failure to make it is the harness's own, so it traps.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace calmon::fuzz {

class MemoryFile {
 public:
  MemoryFile(const std::uint8_t* data, std::size_t size) : fd_(::memfd_create("fuzz_input", MFD_CLOEXEC)) {
    if (fd_ < 0) __builtin_trap();
    for (std::size_t written = 0; written < size;) {
      const ssize_t n = ::write(fd_, data + written, size - written);
      if (n <= 0) __builtin_trap();
      written += static_cast<std::size_t>(n);
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace calmon::fuzz
