// libtiff_handle.h — an owned libtiff handle whose error messages are collected, never
// printed.
//
// libtiff reports problems through callbacks that print to stderr by default. calmon
// opens every TIFF with per-handle callbacks (TIFFOpenExt) that append the handle's
// error messages to a LibtiffMessages, so the reader and the writer can put libtiff's
// own words into the calmon::Error they throw. Callbacks for the whole process,
// installed once, catch anything libtiff reports without a handle into a per-thread
// buffer that LibtiffMessages::take() drains too. Warnings (unknown tags and the like)
// never make an operation fail and are dropped.
//
// Internal to src/io: the public headers do not expose libtiff.
#pragma once

#include <tiffio.h>

#include <memory>
#include <string>

namespace calmon::io::detail {

// The error messages libtiff has reported for one handle since the last take().
class LibtiffMessages {
 public:
  void add(std::string message);
  // The collected messages joined by "; " on one line ("" if none), then forgets them.
  std::string take();

 private:
  std::string text_;
};

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};
using TiffHandle = std::unique_ptr<TIFF, TiffCloser>;

// Opens `path` with libtiff in `mode` ("r", "w", "w8", ...). libtiff's errors for this
// handle go to `messages`, which must outlive the handle. Returns null on failure, with
// the reason in `messages`.
TiffHandle open_tiff(const std::string& path, const char* mode, LibtiffMessages& messages);

}  // namespace calmon::io::detail
