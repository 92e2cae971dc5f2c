// imagej_roi_fuzzer.cc — libFuzzer harness: an ImageJ ROI file, one `.roi` or a RoiSet.zip.
//
// calmon-rois imports ROI files anyone may have handed over (io/imagej_roi_set.h). An
// input that starts like a zip ("PK\3\4") is written to an anonymous in-memory file
// (memfd) and read by its /proc/self/fd path as a RoiSet.zip, as libzip reads one on disk;
// any other input is decoded as one `.roi`. Each ROI read is then turned into the pixels
// ImageJ measures (core/imagej_mask.h) and, for a mask of up to 4096 pixels, written back
// as the outline calmon-rois exports (core/imagej_outline.h), which must give the same
// pixels again. A bad file must end in a one-line calmon::Error; anything else (a crash,
// another exception, a sanitizer report, different pixels) is a finding.
//
// Seeds (tests/fuzz/corpus/imagej_roi, made by make_corpus.py): a rectangle (square and
// rounded corners, subpixel), ovals, polygons with integer and subpixel vertices, a traced
// outline, an ellipse, a composite, a line (refused), and a RoiSet.zip of several; and the
// harness's first finding, huge_segment_code.roi (a composite's segment code of 7.7e28,
// cast to int: undefined; tested since by imagej_roi_test's
// ACompositeSegmentCodeFarOutOfRangeIsDamage).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "core/error.h"
#include "core/imagej_mask.h"
#include "core/imagej_outline.h"
#include "io/imagej_roi_set.h"
#include "memory_file.h"

namespace {

std::set<std::pair<int, int>> pixels_of(const calmon::Region& region) {
  std::set<std::pair<int, int>> pixels;
  for (const calmon::WeightedPixel& p : region.pixels()) pixels.insert({p.x, p.y});
  return pixels;
}

void rasterize(const calmon::io::ImageJRoi& roi) {
  try {
    const calmon::Region region = calmon::imagej_region(roi.shape, "fuzz");
    if (region.pixel_count() > 4096) return;
    const calmon::Region again = calmon::imagej_region(calmon::imagej_shape_of(region), "fuzz again");
    if (pixels_of(again) != pixels_of(region)) __builtin_trap();  // the export would lose pixels
  } catch (const calmon::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    if (size >= 4 && std::memcmp(data, "PK\3\4", 4) == 0) {
      const calmon::fuzz::MemoryFile file(data, size);
      for (const calmon::io::ImageJRoi& roi : calmon::io::read_imagej_roi_set(file.path())) rasterize(roi);
    } else {
      rasterize(calmon::io::decode_imagej_roi(std::span<const std::uint8_t>(data, size), "fuzz.roi", "fuzz"));
    }
  } catch (const calmon::Error& e) {
    if (std::strchr(e.what(), '\n') != nullptr) __builtin_trap();  // errors are one line
  }
  return 0;
}
