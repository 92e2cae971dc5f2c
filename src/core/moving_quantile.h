// moving_quantile.h — the quantile of the last w samples, updated in O(log w) per sample.
//
// The idea: a quantile only needs the two adjacent ranks `lower` and `lower + 1`
// (quantile.h). So the window is split into two binary heaps: `lo`, a max-heap of the
// lower + 1 smallest samples, and `hi`, a min-heap of the rest. The answer sits on the
// two heap tops. Every sample also has a slot in a ring (its arrival order modulo w),
// and `where[slot]` records which heap holds it and at which index, so the oldest
// sample can be found in O(1) and overwritten in place by the newest.
//
// Invariants, after every push:
//   1. every value in lo <= every value in hi (lo.top <= hi.top);
//   2. |lo| == position(size).lower + 1 (numpy's lower rank for the samples held);
//   3. where[s] names the heap and index of the sample in slot s, for every held slot;
//   4. the ring holds the last min(pushed, w) samples, oldest at `next_slot_` once full.
// Complexity: push is O(log w) worst case (one sift in one heap, at most one exchange of
// the tops and two more sifts), O(1) expected on noisy data, where a replaced sample
// rarely travels far; queries are O(1); memory is 20 bytes per window sample. The
// window is never re-sorted.
//
// Ordering is IEEE total order on the sample's bits (every NaN is made positive first),
// so comparisons are integer comparisons and a NaN sample sorts above +inf, as in
// numpy's sort, instead of corrupting the heaps.
#pragma once

#include <cstdint>
#include <vector>

#include "core/quantile.h"

namespace calmon {

class MovingQuantile {
 public:
  // window >= 1. Throws calmon::Error otherwise.
  MovingQuantile(std::int64_t window, QuantileSpec spec);

  // Adds x; once `window` samples are held, x replaces the oldest.
  void push(double x);
  void clear();

  std::int64_t window() const { return window_; }
  std::int64_t size() const { return size_; }
  bool full() const { return size_ == window_; }
  const QuantileSpec& spec() const { return spec_; }

  // numpy's quantile (np.median or np.percentile) of the samples held; size() >= 1.
  double quantile() const;
  // scipy.ndimage's rank-filter value of a full window (median_filter / percentile_filter).
  double value() const;
  // The sample pushed `age` pushes ago (0 = the newest); age < size().
  double recent(std::int64_t age) const;

 private:
  struct Entry {
    std::int64_t key;    // ordered key of the sample (hi stores its bitwise complement)
    std::uint32_t slot;  // ring slot of the sample
  };
  // Both heaps are max-heaps over the stored key; hi stores ~key, which reverses the order.
  struct Heap {
    std::vector<Entry> entries;
    std::uint32_t size = 0;
    std::uint32_t tag = 0;  // 0 for lo, 1 for hi: the low bit of where[]
  };

  void insert(std::uint32_t slot, std::int64_t key);
  void replace(std::uint32_t slot, std::int64_t key);
  void rebalance(std::uint32_t lo_size);
  void exchange_tops();
  void move_top(Heap& from, Heap& to);
  void sift_up(Heap& heap, std::uint32_t index);
  void sift_down(Heap& heap, std::uint32_t index);
  void place(Heap& heap, std::uint32_t index, const Entry& entry) {
    heap.entries[index] = entry;
    where_[entry.slot] = (index << 1) | heap.tag;
  }
  double value_of(std::uint32_t slot) const;
  double lo_top() const;
  double hi_top() const;

  std::int64_t window_;
  QuantileSpec spec_;
  QuantileSpec::Position full_position_;  // position(window), computed once
  bool value_from_hi_;                    // scipy's rank is lower + 1 rather than lower
  std::int64_t size_ = 0;
  std::uint32_t next_slot_ = 0;           // where the next sample goes: the oldest once full
  Heap lo_;
  Heap hi_;
  std::vector<std::uint32_t> where_;      // per slot: (index << 1) | heap tag
};

}  // namespace calmon
