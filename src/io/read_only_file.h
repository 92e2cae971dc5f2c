// read_only_file.h — a file opened read-only by POSIX descriptor, read at offsets.
//
// The TIFF reader checks a file's header and its pages' tags against the file's bytes
// itself, and reads ImageJ's raw frames, without going through libtiff: pread() at an
// offset, so nothing depends on a file position shared with anyone.
//
// Internal to src/io. read_at() also serves descriptors opened otherwise (npy_header.h is
// read from a file npy_writer.cc opened for writing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace calmon::io::detail {

// Reads exactly `size` bytes of `fd` at `offset`; false if the file ends first or on error
// (errno then says which: 0 for the end of the file). Retries when interrupted.
bool read_at(int fd, std::uint64_t offset, std::byte* out, std::size_t size);

// A read-only POSIX file descriptor, closed on destruction.
class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(const std::string& path);
  ~ReadOnlyFile();
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  bool is_open() const { return fd_ >= 0; }
  int open_errno() const { return open_errno_; }
  int fd() const { return fd_; }

  // Reads exactly `size` bytes at `offset`; false if the file ends first or on error
  // (errno then says which: 0 for the end of the file).
  bool read_at(std::uint64_t offset, std::byte* out, std::size_t size) const {
    return detail::read_at(fd_, offset, out, size);
  }

 private:
  int fd_;
  int open_errno_;
};

}  // namespace calmon::io::detail
