// suite2p_masks.cc — shared pixels counted in a hash map, the median as numpy takes it.
#include "core/suite2p_masks.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace calmon {
namespace {

std::uint64_t key(int x, int y) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(y)) << 32) | static_cast<std::uint32_t>(x);
}

// np.median: the middle value, or the mean of the two middle values.
double median(std::span<const int> values) {
  std::vector<int> v(values.begin(), values.end());
  const std::size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2), v.end());
  const double upper = v[n / 2];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2));
  return (lower + upper) / 2.0;
}

}  // namespace

std::vector<std::vector<bool>> shared_pixel_flags(std::span<const Suite2pPixels> rois) {
  std::unordered_map<std::uint64_t, int> count;
  for (const Suite2pPixels& roi : rois) {
    const std::size_t n = std::min(roi.xs.size(), roi.ys.size());
    for (std::size_t i = 0; i < n; ++i) ++count[key(roi.xs[i], roi.ys[i])];
  }
  std::vector<std::vector<bool>> flags;
  flags.reserve(rois.size());
  for (const Suite2pPixels& roi : rois) {
    const std::size_t n = std::min(roi.xs.size(), roi.ys.size());
    std::vector<bool> f(n);
    for (std::size_t i = 0; i < n; ++i) f[i] = count[key(roi.xs[i], roi.ys[i])] > 1;
    flags.push_back(std::move(f));
  }
  return flags;
}

std::vector<WeightedPixel> suite2p_cell_mask(const Suite2pPixels& roi, const std::vector<bool>& overlap,
                                             bool allow_overlap) {
  const std::size_t n = std::min({roi.xs.size(), roi.ys.size(), roi.lam.size()});
  std::vector<WeightedPixel> kept;
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!allow_overlap && i < overlap.size() && overlap[i]) continue;
    kept.push_back(WeightedPixel{roi.xs[i], roi.ys[i], roi.lam[i]});
    sum += roi.lam[i];
  }
  for (WeightedPixel& p : kept) p.weight = p.weight / sum;
  return kept;
}

std::pair<int, int> suite2p_median_pixel(std::span<const int> xs, std::span<const int> ys) {
  const std::size_t n = std::min(xs.size(), ys.size());
  if (n == 0) return {0, 0};
  const double ymed = median(ys.first(n));
  const double xmed = median(xs.first(n));
  std::size_t best = 0;
  double best_distance = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = xs[i] - xmed;
    const double dy = ys[i] - ymed;
    const double d = dx * dx + dy * dy;
    if (i == 0 || d < best_distance) {
      best = i;
      best_distance = d;
    }
  }
  return {ys[best], xs[best]};
}

}  // namespace calmon
