// moving_quantile.cc — the two-heap moving quantile; see the header for the invariants.
#include "core/moving_quantile.h"

#include <cstring>
#include <new>
#include <string>

#include "core/error.h"
#include "core/ordered_key.h"

namespace calmon {

namespace {
constexpr std::size_t kLine = 64;
constexpr std::size_t kEntriesPerLine = 4;  // sizeof(Entry) == 16, asserted in the header

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

void prefetch_line(const void* p) { __builtin_prefetch(p, 1, 3); }
}  // namespace

void MovingQuantile::FreeAligned::operator()(std::byte* p) const { ::operator delete (p, std::align_val_t{kLine}); }

MovingQuantile::MovingQuantile(std::int64_t window, QuantileSpec spec) : spec_(spec) {
  if (window < 1 || window > kMaxWindow) {
    throw Error("window " + std::to_string(window) + " is outside [1, " + std::to_string(kMaxWindow) + "]");
  }
  window_ = static_cast<std::uint32_t>(window);
  full_position_ = spec_.position(window);
  const std::int64_t rank = spec_.scipy_rank(window);
  if (rank != full_position_.lower && rank != full_position_.lower + 1) {
    throw Error("internal: scipy rank " + std::to_string(rank) + " of window " + std::to_string(window) +
                " is not next to numpy's rank " + std::to_string(full_position_.lower));
  }
  value_from_hi_ = rank == full_position_.lower + 1;
  allocate();
}

// The block: [hi's nodes, reversed | lo's nodes] [where], each part line-aligned.
// While filling, |lo| never exceeds its full size by more than one (an insert, before
// the rebalance) and neither does |hi|; both full sizes grow with the samples held.
// top_ is entry 3 of a line: lo's root there, hi's root (top_[-3]) at entry 0 of the
// same line; the children kArity * i + 1 ... of lo's node i start a line (top_ + 4i + 1
// is entry 0 of a line), and so do, downwards, hi's (top_[-3 - 4i - 4] is entry 0).
MovingQuantile::Layout MovingQuantile::layout(std::uint32_t window, QuantileSpec::Position full_position) {
  const auto lo_full = static_cast<std::uint32_t>(full_position.lower + 1);
  const std::uint32_t hi_capacity = window - lo_full + 1;
  const std::uint32_t lo_capacity = lo_full + 1;
  Layout layout;
  // hi's last node at top_[-3 - (hi_capacity - 1)]: top_ is at least hi_capacity + 2 in.
  layout.top_offset = round_up(std::size_t{hi_capacity} + 3, kEntriesPerLine) - 1;
  layout.heap_bytes = round_up((layout.top_offset + lo_capacity) * sizeof(Entry), kLine);
  layout.where_bytes = round_up(std::size_t{window} * sizeof(std::int32_t), kLine);
  return layout;
}

std::size_t MovingQuantile::block_bytes(std::int64_t window, QuantileSpec spec) {
  if (window < 1 || window > kMaxWindow) return 0;
  const Layout l = layout(static_cast<std::uint32_t>(window), spec.position(window));
  return l.heap_bytes + l.where_bytes;
}

void MovingQuantile::allocate() {
  const Layout l = layout(window_, full_position_);
  block_bytes_ = l.heap_bytes + l.where_bytes;
  block_.reset(static_cast<std::byte*>(::operator new (block_bytes_, std::align_val_t{kLine})));
  std::memset(block_.get(), 0, block_bytes_);
  top_ = reinterpret_cast<Entry*>(block_.get()) + l.top_offset;
  where_ = reinterpret_cast<std::int32_t*>(block_.get() + l.heap_bytes);
}

MovingQuantile::MovingQuantile(const MovingQuantile& other)
    : window_(other.window_),
      size_(other.size_),
      next_slot_(other.next_slot_),
      lo_size_(other.lo_size_),
      hi_size_(other.hi_size_),
      next_at_(other.next_at_),
      value_from_hi_(other.value_from_hi_),
      full_position_(other.full_position_),
      spec_(other.spec_) {
  allocate();
  std::memcpy(block_.get(), other.block_.get(), block_bytes_);
}

MovingQuantile& MovingQuantile::operator=(const MovingQuantile& other) {
  if (this != &other) *this = MovingQuantile(other);
  return *this;
}

void MovingQuantile::clear() {
  size_ = 0;
  next_slot_ = 0;
  lo_size_ = 0;
  hi_size_ = 0;
  next_at_ = kUnknown;
}

void MovingQuantile::push(double x) {
  const std::int64_t key = ordered_key(x);
  const std::uint32_t slot = next_slot_;
  next_slot_ = next_slot_ + 1 == window_ ? 0 : next_slot_ + 1;
  if (size_ < window_) {
    ++size_;
    insert(slot, key);
  } else {
    replace(slot, key);
  }
  // The line of where[slot] was read by this push; where[next_slot_] is on it too unless
  // it starts a new line (or the window is still filling, and nothing is there yet).
  const bool same_line = next_slot_ % (kLine / sizeof(std::int32_t)) != 0;
  next_at_ = size_ == window_ && same_line ? where_[next_slot_] : kUnknown;
}

void MovingQuantile::insert(std::uint32_t slot, std::int64_t key) {
  if (lo_size_ == 0 || key <= node<false>(0).key) {
    place<false>(lo_size_, {key, slot});
    sift_up<false>(lo_size_++);
  } else {
    place<true>(hi_size_, {~key, slot});
    sift_up<true>(hi_size_++);
  }
  rebalance(static_cast<std::uint32_t>(spec_.position(size_).lower + 1));
}

void MovingQuantile::replace(std::uint32_t slot, std::int64_t key) {
  const std::int32_t at = where_[slot];
  if (at >= 0) {
    const auto index = static_cast<std::uint32_t>(at);
    if (hi_size_ > 0 && key > ~node<true>(0).key) {
      cross<false>(index, {~key, slot});
    } else {
      replace_in<false>(index, key);
    }
  } else {
    const auto index = static_cast<std::uint32_t>(-3 - at);
    if (key < node<false>(0).key) {  // lo is never empty once full
      cross<true>(index, {key, slot});
    } else {
      replace_in<true>(index, ~key);
    }
  }
}

// The new sample stays on the side of the old one: it takes its place and sifts, and
// can rise to the top without passing the other heap's top.
template <bool kHi> void MovingQuantile::replace_in(std::uint32_t index, std::int64_t stored) {
  Entry& entry = node<kHi>(index);
  const std::int64_t old = entry.key;
  entry.key = stored;
  if (stored > old) {
    sift_up<kHi>(index);
  } else {
    sift_down<kHi>(index, kHi ? hi_size_ : lo_size_);
  }
}

// The new sample belongs to the other heap (beyond its top): that top comes over to
// fill the old sample's place, where, being beyond every sample of this heap, it rises
// to the root; the new sample takes the other root and sinks. The sizes stay.
template <bool kHi> void MovingQuantile::cross(std::uint32_t index, const Entry& incoming) {
  constexpr bool kOther = !kHi;
  const Entry top = node<kOther>(0);
  place<kOther>(0, incoming);
  sift_down<kOther>(0, kOther ? hi_size_ : lo_size_);
  while (index > 0) {
    const std::uint32_t parent = (index - 1) / kArity;
    place<kHi>(index, node<kHi>(parent));
    index = parent;
  }
  place<kHi>(0, {~top.key, top.slot});
}

void MovingQuantile::rebalance(std::uint32_t lo_size) {
  while (lo_size_ > lo_size) move_top<false>();
  while (lo_size_ < lo_size && hi_size_ > 0) move_top<true>();
}

template <bool kFromHi> void MovingQuantile::move_top() {
  constexpr bool kToHi = !kFromHi;
  std::uint32_t& from_size = kFromHi ? hi_size_ : lo_size_;
  std::uint32_t& to_size = kToHi ? hi_size_ : lo_size_;
  const Entry top = node<kFromHi>(0);
  --from_size;
  if (from_size > 0) {
    place<kFromHi>(0, node<kFromHi>(from_size));
    sift_down<kFromHi>(0, from_size);
  }
  place<kToHi>(to_size, {~top.key, top.slot});
  sift_up<kToHi>(to_size++);
}

template <bool kHi> void MovingQuantile::sift_up(std::uint32_t index) {
  const Entry moving = node<kHi>(index);
  while (index > 0) {
    const std::uint32_t parent = (index - 1) / kArity;
    const Entry& above = node<kHi>(parent);
    if (above.key >= moving.key) break;
    place<kHi>(index, above);
    index = parent;
  }
  place<kHi>(index, moving);
}

template <bool kHi> void MovingQuantile::sift_down(std::uint32_t index, std::uint32_t size) {
  const Entry moving = node<kHi>(index);
  for (;;) {
    const std::uint32_t first = kArity * index + 1;
    if (first >= size) break;
    std::uint32_t child = first;
    if (first + kArity <= size) {
      // A full group, one line: pick its largest without branches.
      std::int64_t best = node<kHi>(first).key;
      for (std::uint32_t c = first + 1; c < first + kArity; ++c) {
        const std::int64_t key = node<kHi>(c).key;
        child = key > best ? c : child;
        best = key > best ? key : best;
      }
    } else {
      for (std::uint32_t c = first + 1; c < size; ++c) {
        if (node<kHi>(c).key > node<kHi>(child).key) child = c;
      }
    }
    const Entry& below = node<kHi>(child);
    if (below.key <= moving.key) break;
    place<kHi>(index, below);
    index = child;
  }
  place<kHi>(index, moving);
}

double MovingQuantile::lo_top() const { return from_ordered_key(node<false>(0).key); }
double MovingQuantile::hi_top() const { return from_ordered_key(~node<true>(0).key); }

double MovingQuantile::quantile() const {
  const QuantileSpec::Position position = full() ? full_position_ : spec_.position(size_);
  return spec_.interpolate(lo_top(), position.needs_upper ? hi_top() : 0.0, position);
}

double MovingQuantile::value() const { return value_from_hi_ ? hi_top() : lo_top(); }

std::uint32_t MovingQuantile::slot_of(std::int64_t age) const {
  std::int64_t slot = static_cast<std::int64_t>(next_slot_) - 1 - age;
  if (slot < 0) slot += window_;
  return static_cast<std::uint32_t>(slot);
}

double MovingQuantile::recent(std::int64_t age) const {
  const std::int32_t at = where_[slot_of(age)];
  return from_ordered_key(at >= 0 ? top_[at].key : ~top_[at].key);
}

void MovingQuantile::prefetch() const {
  const std::uint32_t slot = next_slot_;
  prefetch_line(top_);  // both roots
  prefetch_line(where_ + slot);
  const std::int32_t at = next_at_;
  if (at == kUnknown) return;
  // The entry the push replaces; its children, should it sink; its ancestors, the path
  // it rises along and the one shifted when it leaves for the other heap; and there, the
  // two levels under the root, which a sample crossing the quantile sinks through.
  // (Deeper, the path depends on the keys; where[] writes depend on the slots moved.)
  // Without data-dependent branches: when cached, this costs a few ns, not mispredictions.
  const bool hi = at < 0;
  std::uint32_t index = hi ? static_cast<std::uint32_t>(-3 - at) : static_cast<std::uint32_t>(at);
  const std::uint32_t size = hi ? hi_size_ : lo_size_;
  const std::uint32_t other_size = hi ? lo_size_ : hi_size_;
  const std::uint32_t children = kArity * index + 1;
  prefetch_line(top_ + position(hi, children < size ? children : index));
  for (std::uint32_t group = 1; group < 1 + kArity + kArity * kArity; group += kArity) {
    prefetch_line(top_ + position(!hi, group < other_size ? group : 0));
  }
  // Four levels: all of a path in heaps of up to 341 (w = 501 holds ~250 in each), the
  // bottom four beyond, whose top levels every push reads anyway. At the root, stays.
  for (int level = 0; level < 4; ++level) {
    prefetch_line(top_ + position(hi, index));
    index = index > 0 ? (index - 1) / kArity : 0;
  }
}

void MovingQuantile::prefetch_recent_after_push(std::int64_t age) const {
  if (age >= window_) return;
  prefetch_line(where_ + slot_of(age - 1));
}

void MovingQuantile::prefetch_recent_node_after_push(std::int64_t age) const {
  // Once pushed, the sample of that age is the one now age - 1 old, if held.
  if (age < 1 || age > size_ || age >= window_) return;
  prefetch_line(top_ + where_[slot_of(age - 1)]);
}

}  // namespace calmon
