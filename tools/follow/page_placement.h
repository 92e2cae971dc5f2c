// page_placement.h — where a page of a followed series belongs: channel, plane, time point, time.
//
// The seam for the acquisition's own metadata. A plain TIFF says nothing about its pages,
// so every page is the next time point of channel 0, plane 0, and its time is when it was
// read (plain_pages()). ScanImage interleaves channels and planes page by page and gives
// each frame a timestamp in its description; a placer built from its metadata
// (io/scanimage_metadata.h, once merged) answers with the page's channel and plane and
// the acquisition's clock, and with `send` false for the pages of other channels and
// planes than the one followed. The follower calls it once per page, in series order.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "io/growing_tiff.h"

namespace calmon::follow {

struct PagePlacement {
  bool send = true;  // false: a page of a channel or plane not followed
  std::uint32_t channel = 0;
  std::uint32_t plane = 0;
  std::int64_t time_point = 0;
  std::optional<std::int64_t> acquisition_time_ns;  // nullopt: the time it was read
};

// page_in_series: the page's number in the whole series (across files), from 0.
using PagePlacer = std::function<PagePlacement(std::int64_t page_in_series, const io::GrowingTiffPage& page)>;

// Every page the next time point of channel 0, plane 0.
inline PagePlacer plain_pages() {
  return [](std::int64_t page_in_series, const io::GrowingTiffPage&) {
    PagePlacement placement;
    placement.time_point = page_in_series;
    return placement;
  };
}

}  // namespace calmon::follow
