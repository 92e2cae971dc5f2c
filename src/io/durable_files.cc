// durable_files.cc — POSIX writes, renames and fsyncs; see the header.
#include "io/durable_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace calmon::io {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(path + ": " + what + ": " + std::strerror(errno));
}

void sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) fail(path, "cannot open to sync");
  const int synced = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  errno = sync_errno;
  if (synced != 0) fail(path, "cannot sync to disk");
}

// Writes `text` to `path`.partial, fsync()ed first if `durable`, and renames it to `path`.
void replace_file(const std::string& path, const std::string& text, bool durable) {
  const std::string temporary = path + ".partial";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(temporary, "cannot create");
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int write_errno = errno;
      ::close(fd);
      errno = write_errno;
      fail(temporary, "cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) {
    const int sync_errno = errno;
    ::close(fd);
    errno = sync_errno;
    fail(temporary, "cannot sync to disk");
  }
  if (::close(fd) != 0) fail(temporary, "cannot write");
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail(path, "cannot replace");
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) { replace_file(path, text, false); }

void write_file_durably(const std::string& path, const std::string& text) {
  replace_file(path, text, true);
  const std::string folder = std::filesystem::path(path).parent_path().string();
  sync_path(folder.empty() ? "." : folder, true);
}

void sync_tree(const std::string& folder) {
  namespace fs = std::filesystem;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() || entry.is_directory()) sync_path(entry.path().string(), entry.is_directory());
  }
  sync_path(folder, true);
}

}  // namespace calmon::io
