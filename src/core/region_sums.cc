// region_sums.cc — regions compiled to flat spans, and the strategy's cost model.
#include "core/region_sums.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

namespace calmon {

namespace {

// The cost model, ns per unit: a least-squares fit (relative error) to both strategies
// timed on 21 region sets over 512x512 uint16 frames (8 frames in turn, so mostly out of
// L2), AMD EPYC Zen 4 at 2.6 GHz: full frames, 20,000 and 100,000 single pixels, 100 to
// 10,000 random rectangles of 3x3, 12x12 and 40x40, 100 to 10,000 12x12 ROIs with rings,
// 30 30x30 ROIs with 30 to 300 rings. It is within 20% of most timings; it underestimates
// spans that miss the cache (100,000 scattered pixels, 1000 40x40 rectangles, 3000
// rings), where prefix sums win anyway, and picks the faster strategy in all but the
// closest case (1000 ROIs with rings). Other integer types are taken to cost the same.
constexpr double kSpanNs = 2.6;    // spans: per span (short spans cost their loop set-up)
constexpr double kPixelNs = 0.11;  // spans: per pixel
constexpr double kScanNs = 0.42;   // prefix sums: per scanned pixel
constexpr double kLookupNs = 1.4;  // prefix sums: per span

// Rows wider than this could overflow a 32-bit running sum of 16-bit pixels.
constexpr int kMaxPrefixWidth = 65536;

// Span offsets are 32-bit: into the frame, or into running sums one wider per row.
bool offsets_fit(FrameShape shape) {
  const std::size_t running_size = (static_cast<std::size_t>(shape.width) + 1) * static_cast<std::size_t>(shape.height);
  return running_size <= std::numeric_limits<std::uint32_t>::max();
}

struct RowRun {
  int y;
  int x0;
  int x1;
};

// The region's pixels as runs of consecutive x, row-major.
void append_runs(const Region& region, std::vector<RowRun>& runs) {
  if (region.kind() != Region::Kind::kMask) {
    const Rect& box = region.rect();
    for (int y = box.ymin; y < box.ymax; ++y) runs.push_back({y, box.xmin, box.xmax});
    return;
  }
  std::vector<std::pair<int, int>> pixels;  // (y, x)
  pixels.reserve(region.mask_pixels().size());
  for (const WeightedPixel& p : region.mask_pixels()) pixels.emplace_back(p.y, p.x);
  std::sort(pixels.begin(), pixels.end());
  const std::size_t first = runs.size();
  for (const auto& [y, x] : pixels) {
    if (runs.size() == first || runs.back().y != y || runs.back().x1 != x) runs.push_back({y, x, x});
    runs.back().x1 = x + 1;
  }
}

}  // namespace

bool RegionSums::supports(PixelType type, FrameShape shape) {
  const bool integer =
      type == PixelType::kU8 || type == PixelType::kU16 || type == PixelType::kI16 || type == PixelType::kU32;
  return integer && offsets_fit(shape);
}

RegionSums::RegionSums(std::span<const Region* const> regions, FrameShape shape, Strategy strategy) : shape_(shape) {
  if (!offsets_fit(shape)) {
    throw Error("region sums: a " + std::to_string(shape.width) + "x" + std::to_string(shape.height) +
                " frame is too large for 32-bit offsets");
  }
  std::vector<RowRun> runs;
  first_span_.push_back(0);
  for (const Region* region : regions) {
    if (!region->unit_weights()) throw Error("region sums: " + region->describe() + " has weights");
    append_runs(*region, runs);
    first_span_.push_back(runs.size());
    counts_.push_back(static_cast<double>(region->pixel_count()));
    pixel_count_ += region->pixel_count();
  }
  means_.assign(counts_.size(), 0.0);

  std::vector<bool> touched(static_cast<std::size_t>(shape.height), false);
  for (const RowRun& run : runs) touched[static_cast<std::size_t>(run.y)] = true;
  for (int y = 0; y < shape.height; ++y) {
    if (touched[static_cast<std::size_t>(y)]) rows_.push_back(y);
  }

  const bool prefix_possible = shape.width <= kMaxPrefixWidth;
  if (strategy == Strategy::kAuto) {
    const double spans = static_cast<double>(runs.size());
    const double span_cost = kSpanNs * spans + kPixelNs * static_cast<double>(pixel_count_);
    const double scanned = static_cast<double>(rows_.size()) * shape.width;
    const double prefix_cost = kScanNs * scanned + kLookupNs * spans;
    strategy = prefix_possible && prefix_cost < span_cost ? Strategy::kRowPrefixSums : Strategy::kSpans;
  } else if (strategy == Strategy::kRowPrefixSums && !prefix_possible) {
    throw Error("region sums: rows of " + std::to_string(shape.width) + " pixels are too wide for prefix sums");
  }
  strategy_ = strategy;
  if (strategy_ == Strategy::kSpans) rows_.clear();

  const std::size_t stride = static_cast<std::size_t>(shape.width) + (strategy_ == Strategy::kSpans ? 0 : 1);
  spans_.reserve(runs.size());
  for (const RowRun& run : runs) {
    const std::size_t row = static_cast<std::size_t>(run.y) * stride;
    spans_.push_back({static_cast<std::uint32_t>(row + static_cast<std::size_t>(run.x0)),
                      static_cast<std::uint32_t>(row + static_cast<std::size_t>(run.x1))});
  }
}

void RegionSums::check_shape(FrameShape frame_shape) const {
  if (frame_shape != shape_) {
    throw Error("region sums: frame is " + std::to_string(frame_shape.width) + "x" +
                std::to_string(frame_shape.height) + " but the regions were compiled for " +
                std::to_string(shape_.width) + "x" + std::to_string(shape_.height));
  }
}

}  // namespace calmon
