// temporary_folder.h — a private folder that lives as long as its owner.
//
// Some readers and writers work on files by path (libzip, HDF5, Suite2p's folder of
// .npy files); bytes that arrive in a request reach them through a folder made for the
// purpose: mkdtemp() under $TMPDIR (or /tmp), readable by this user only, removed with
// everything in it when the object goes.
#pragma once

#include <string>
#include <string_view>

namespace calmon::io {

class TemporaryFolder {
 public:
  // Throws calmon::Error if the folder cannot be made. `prefix`: the name's start.
  explicit TemporaryFolder(std::string_view prefix);
  ~TemporaryFolder();
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;

  const std::string& path() const { return path_; }
  // path()/name.
  std::string file(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace calmon::io
