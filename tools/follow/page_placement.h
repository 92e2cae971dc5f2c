// page_placement.h — where a page of a followed series belongs: channel, plane, time.
//
// The seam for the acquisition's own metadata. A plain TIFF says nothing about its pages,
// so every page is the next time point of channel 0, plane 0, and its time is when it was
// read (PlainPages). ScanImage interleaves channels and planes page by page and gives each
// frame a timestamp in its description; its placer (follow/scanimage_placement.h) answers
// with the page's channel and plane and the acquisition's clock, and with `send` false for
// the pages of other channels and planes than the one followed. The follower calls
// place() once per page, in series order, every page included.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "io/growing_tiff.h"

namespace calmon::follow {

struct PagePlacement {
  bool send = true;  // false: a page of a channel or plane not followed
  std::uint32_t channel = 0;
  std::uint32_t plane = 0;
  std::optional<std::int64_t> acquisition_time_ns;  // nullopt: the time it was read
  std::optional<double> frame_time_s;               // the acquisition's clock, seconds from its start, if known
  double frame_rate_hz = 0;                         // time points of one plane per second, 0 if unknown
};

class PagePlacer {
 public:
  virtual ~PagePlacer() = default;
  // `path` is the page's file, for messages. Throws calmon::Error (one line naming the file
  // and page) for metadata that rules the page out: the following then ends cleanly.
  virtual PagePlacement place(const std::string& path, const io::GrowingTiffPage& page) = 0;
  // --from-now: whether following may start at this page, i.e. it is the channel and plane
  // followed. Looks at the page alone and changes nothing.
  virtual bool is_followed(const std::string& path, const io::GrowingTiffPage& page) const = 0;
};

// Every page the next time point of one channel and plane: a folder's frames, whose source
// picked the files of the --channel and --plane followed (so the header says them, as
// calmond's --channel and --plane expect).
class PlainPages : public PagePlacer {
 public:
  explicit PlainPages(std::uint32_t channel = 0, std::uint32_t plane = 0) : channel_(channel), plane_(plane) {}
  PagePlacement place(const std::string&, const io::GrowingTiffPage&) override {
    PagePlacement placement;
    placement.channel = channel_;
    placement.plane = plane_;
    return placement;
  }
  bool is_followed(const std::string&, const io::GrowingTiffPage&) const override { return true; }

 private:
  std::uint32_t channel_;
  std::uint32_t plane_;
};

}  // namespace calmon::follow
