// cumulative_quantile.cc — two heaps over all samples; see the header.
#include "core/cumulative_quantile.h"

#include <algorithm>

#include "core/ordered_key.h"

namespace calmon {

namespace {
void heap_push(std::vector<std::int64_t>& heap, std::int64_t key) {
  heap.push_back(key);
  std::push_heap(heap.begin(), heap.end());
}
std::int64_t heap_pop(std::vector<std::int64_t>& heap) {
  std::pop_heap(heap.begin(), heap.end());
  const std::int64_t top = heap.back();
  heap.pop_back();
  return top;
}
}  // namespace

void CumulativeQuantile::push(double x) {
  const std::int64_t key = ordered_key(x);
  if (lo_.empty() || key <= lo_.front()) {
    heap_push(lo_, key);
  } else {
    heap_push(hi_, ~key);
  }
  const auto lo_size = static_cast<std::size_t>(spec_.position(size()).lower + 1);
  while (lo_.size() > lo_size) heap_push(hi_, ~heap_pop(lo_));
  while (lo_.size() < lo_size && !hi_.empty()) heap_push(lo_, ~heap_pop(hi_));
}

void CumulativeQuantile::clear() {
  lo_.clear();
  hi_.clear();
}

double CumulativeQuantile::quantile() const {
  const QuantileSpec::Position position = spec_.position(size());
  const double lower = from_ordered_key(lo_.front());
  const double upper = position.needs_upper ? from_ordered_key(~hi_.front()) : 0.0;
  return spec_.interpolate(lower, upper, position);
}

}  // namespace calmon
