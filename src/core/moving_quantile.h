// moving_quantile.h — the quantile of the last w samples, updated in O(log w) per sample.
//
// The idea: a quantile only needs the two adjacent ranks `lower` and `lower + 1`
// (quantile.h). So the window is split into two heaps: `lo`, a max-heap of the
// lower + 1 smallest samples, and `hi`, a min-heap of the rest. The answer sits on the
// two heap tops. Every sample also has a slot (its arrival order modulo w): where[slot]
// is the heap position that holds it, so the oldest sample is found in O(1) and
// overwritten in place by the newest, and recent() finds any sample held.
// If the newest belongs to the other heap (beyond its top), the other top comes over in
// its place and rises to the root there, while the newest sinks from the other root.
//
// Layout, for many windows pushed in turn (calmond: one per ROI per frame), where a push
// costs the cache lines it misses more than its comparisons. The heaps are 4-ary (half
// the depth of binary ones; a node's four 16-byte children are one cache line) and share
// one 64-byte-aligned block per window: hi's nodes grow downwards from the middle, lo's
// upwards, both roots on one line, every group of children on a line of its own. where[]
// follows; a push walks it sequentially, and so does recent((w - 1) / 2), the sample a
// centered filter settles. Each sample's ordered key is held once, in its heap node (a
// ring of the samples beside the heaps would add 8 bytes a sample for no line fewer: a
// push reads the oldest's where[] line anyway). prefetch() starts the lines the next
// push will touch (the object, the roots, the replaced entry, its ancestors and
// children, the top levels of the other heap, where[]) so that, pushed in turn, many
// windows overlap their misses instead of queueing them.
//
// Invariants, after every push:
//   1. every value in lo <= every value in hi (lo.top <= hi.top);
//   2. |lo| == position(size).lower + 1 (numpy's lower rank for the samples held);
//   3. where[s] is the position in the block of the sample in slot s, for every held slot;
//   4. the slots hold the last min(pushed, w) samples, oldest at `next_slot_` once full;
//   5. next_at_ is where[next_slot_] or kUnknown.
// Complexity: push is O(log w) worst case (one sift in one heap, or, crossing over, one
// sift in each), O(1) expected when the newest stays on the side of the sample it
// replaces; queries and recent() are O(1). Memory: 20 bytes per window sample (16 in the
// heaps, 4 in where[]) plus under 4 cache lines of padding, in one allocation; the object
// itself is 104 bytes. The window is never re-sorted.
//
// Ordering is IEEE total order on the sample's bits (every NaN is made positive first),
// so comparisons are integer comparisons and a NaN sample sorts above +inf, as in
// numpy's sort, instead of corrupting the heaps. recent() returns the sample as ordered,
// so every NaN comes back as the one positive quiet NaN.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/quantile.h"

namespace calmon {

class MovingQuantile {
 public:
  static constexpr std::int64_t kMaxWindow = std::int64_t{1} << 30;

  // 1 <= window <= kMaxWindow. Throws calmon::Error otherwise.
  MovingQuantile(std::int64_t window, QuantileSpec spec);
  MovingQuantile(const MovingQuantile& other);
  MovingQuantile& operator=(const MovingQuantile& other);
  MovingQuantile(MovingQuantile&&) noexcept = default;
  MovingQuantile& operator=(MovingQuantile&&) noexcept = default;
  ~MovingQuantile() = default;

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

  // The bytes of the block a MovingQuantile of this window allocates (at construction,
  // whole): 20 per window sample plus padding. 0 for a window it refuses.
  static std::size_t block_bytes(std::int64_t window, QuantileSpec spec);

  // Hints only, with no effect on any result: start fetching the cache lines the next
  // push will touch, reading nothing but this object's first 64 bytes; and the lines
  // recent(age) will read once that push is done, in two steps: its where[] line, then,
  // reading that line (call it once the line is in), its heap node.
  void prefetch() const;
  void prefetch_recent_after_push(std::int64_t age) const;
  void prefetch_recent_node_after_push(std::int64_t age) const;

 private:
  struct Entry {
    std::int64_t key;    // ordered key of the sample (hi stores its bitwise complement)
    std::uint32_t slot;  // ring slot of the sample
  };
  static_assert(sizeof(Entry) == 16, "four entries to a cache line");
  // Both heaps are max-heaps over the stored key (hi stores ~key, which reverses the
  // order), with kArity children a node: node i's are kArity * i + 1 ... kArity * i +
  // kArity, one cache line of 16-byte entries. lo's node i sits at top_[i], hi's at
  // top_[-3 - i]; top_ is entry 3 of a line, so both roots share that line (hi's at
  // entry 0) and every group of children fills a line. where[] holds these signed
  // positions, so a sign names the heap.
  static constexpr std::uint32_t kArity = 4;
  static constexpr std::int32_t kUnknown = INT32_MIN;  // no position
  static constexpr std::int32_t position(bool hi, std::uint32_t index) {
    return hi ? -3 - static_cast<std::int32_t>(index) : static_cast<std::int32_t>(index);
  }
  template <bool kHi> Entry& node(std::uint32_t index) const { return top_[position(kHi, index)]; }
  template <bool kHi> void place(std::uint32_t index, const Entry& entry) {
    node<kHi>(index) = entry;
    where_[entry.slot] = position(kHi, index);
  }
  template <bool kHi> void sift_up(std::uint32_t index);
  template <bool kHi> void sift_down(std::uint32_t index, std::uint32_t size);
  template <bool kHi> void replace_in(std::uint32_t index, std::int64_t stored);
  template <bool kHi> void cross(std::uint32_t index, const Entry& incoming);
  template <bool kFromHi> void move_top();

  // Where the block's parts start: hi's root is entry top_offset - 3, where[] at byte
  // heap_bytes.
  struct Layout {
    std::size_t top_offset;
    std::size_t heap_bytes;
    std::size_t where_bytes;
  };
  static Layout layout(std::uint32_t window, QuantileSpec::Position full_position);
  void allocate();
  void insert(std::uint32_t slot, std::int64_t key);
  void replace(std::uint32_t slot, std::int64_t key);
  void rebalance(std::uint32_t lo_size);
  double lo_top() const;
  double hi_top() const;
  std::uint32_t slot_of(std::int64_t age) const;  // of the sample pushed `age` pushes ago

  struct FreeAligned {
    void operator()(std::byte* p) const;
  };

  // What a push reads, first: 48 bytes, so that they share one cache line with a vptr.
  Entry* top_ = nullptr;           // lo's node 0; hi's node 0 is top_[-3]
  std::int32_t* where_ = nullptr;  // per slot: position of its sample (see node())
  std::uint32_t window_;
  std::uint32_t size_ = 0;
  std::uint32_t next_slot_ = 0;  // where the next sample goes: the oldest once full
  std::uint32_t lo_size_ = 0;
  std::uint32_t hi_size_ = 0;
  // where[next_slot_], copied at the end of a push when its line was just read (for
  // prefetch(), which then needs nothing but this object); kUnknown otherwise.
  std::int32_t next_at_ = kUnknown;
  // Then what queries read, then the cold rest.
  bool value_from_hi_ = false;            // scipy's rank is lower + 1 rather than lower
  QuantileSpec::Position full_position_;  // position(window), computed once
  QuantileSpec spec_;
  std::size_t block_bytes_ = 0;
  std::unique_ptr<std::byte, FreeAligned> block_;
};

}  // namespace calmon
