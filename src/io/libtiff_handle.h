// libtiff_handle.h — an owned libtiff handle whose errors and warnings are collected, never
// printed.
//
// libtiff reports problems through callbacks that print to stderr by default. calmon
// opens every TIFF with per-handle callbacks (TIFFOpenExt) that append the handle's
// errors and warnings to a LibtiffMessages, so the reader and the writer can put
// libtiff's own words into the calmon::Error they throw, and the programs can show the
// warnings (libtiff warns when it repairs or ignores part of a file: a StripOffsets count
// that does not match the page, a tag it does not know). Callbacks for the whole
// process, installed once, catch anything libtiff reports without a handle into a
// per-thread buffer that LibtiffMessages::take() drains too. ImageJ's two private tags
// (50838, 50839: its metadata) are registered with libtiff once, so that every file
// ImageJ saved does not warn about them.
//
// Internal to src/io: the public headers do not expose libtiff.
#pragma once

#include <tiffio.h>

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace calmon::io::detail {

// What libtiff has reported for one handle.
class LibtiffMessages {
 public:
  // At most this many distinct warnings are handed out by take_new_warnings().
  static constexpr std::size_t kMaxShownWarnings = 10;

  void add(std::string message);          // an error (or a warning reported without a handle)
  void add_warning(std::string message);  // a warning: recent, and shown once

  // The messages added since the last take() joined by "; " on one line ("" if none),
  // then forgets them: what libtiff said about the operation that just failed.
  std::string take();
  // The warnings not handed out before, each distinct text once per LibtiffMessages; after
  // kMaxShownWarnings of them, one last line saying that further ones are not shown.
  std::vector<std::string> take_new_warnings();

 private:
  std::string recent_;
  std::set<std::string> shown_;
  std::vector<std::string> new_warnings_;
  bool more_not_shown_ = false;  // a warning beyond the limit arrived
  bool said_more_ = false;       // ... and the line saying so was handed out
};

struct TiffCloser {
  void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};
using TiffHandle = std::unique_ptr<TIFF, TiffCloser>;

// Opens `path` with libtiff in `mode` ("r", "w", "w8", ...). libtiff's errors and warnings
// for this handle go to `messages`, which must outlive the handle. Returns null on
// failure, with the reason in `messages`.
TiffHandle open_tiff(const std::string& path, const char* mode, LibtiffMessages& messages);

}  // namespace calmon::io::detail
