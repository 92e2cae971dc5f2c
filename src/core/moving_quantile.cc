// moving_quantile.cc — the two-heap moving quantile; see the header for the invariants.
#include "core/moving_quantile.h"

#include <string>
#include <utility>

#include "core/error.h"
#include "core/ordered_key.h"

namespace calmon {

namespace {
constexpr std::int64_t kMaxWindow = std::int64_t{1} << 30;
}

MovingQuantile::MovingQuantile(std::int64_t window, QuantileSpec spec)
    : window_(window), spec_(spec) {
  if (window < 1 || window > kMaxWindow) {
    throw Error("window " + std::to_string(window) + " is outside [1, " +
                std::to_string(kMaxWindow) + "]");
  }
  full_position_ = spec_.position(window_);
  const std::int64_t rank = spec_.scipy_rank(window_);
  if (rank != full_position_.lower && rank != full_position_.lower + 1) {
    throw Error("internal: scipy rank " + std::to_string(rank) + " of window " +
                std::to_string(window) + " is not next to numpy's rank " +
                std::to_string(full_position_.lower));
  }
  value_from_hi_ = rank == full_position_.lower + 1;
  const auto capacity = static_cast<std::size_t>(window_);
  lo_.entries.resize(capacity);
  hi_.entries.resize(capacity);
  lo_.tag = 0;
  hi_.tag = 1;
  where_.resize(capacity);
}

void MovingQuantile::clear() {
  size_ = 0;
  next_slot_ = 0;
  lo_.size = 0;
  hi_.size = 0;
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
}

void MovingQuantile::insert(std::uint32_t slot, std::int64_t key) {
  if (lo_.size == 0 || key <= lo_.entries[0].key) {
    place(lo_, lo_.size, {key, slot});
    sift_up(lo_, lo_.size++);
  } else {
    place(hi_, hi_.size, {~key, slot});
    sift_up(hi_, hi_.size++);
  }
  rebalance(static_cast<std::uint32_t>(spec_.position(size_).lower + 1));
}

void MovingQuantile::replace(std::uint32_t slot, std::int64_t key) {
  const std::uint32_t location = where_[slot];
  Heap& heap = (location & 1) ? hi_ : lo_;
  const std::uint32_t index = location >> 1;
  const std::int64_t stored = (location & 1) ? ~key : key;
  const std::int64_t old = heap.entries[index].key;
  heap.entries[index].key = stored;
  if (stored > old) {
    sift_up(heap, index);
  } else {
    sift_down(heap, index);
  }
  // Only the replaced sample can now be on the wrong side, and only at a top.
  if (hi_.size > 0 && lo_.entries[0].key > ~hi_.entries[0].key) exchange_tops();
}

void MovingQuantile::rebalance(std::uint32_t lo_size) {
  while (lo_.size > lo_size) move_top(lo_, hi_);
  while (lo_.size < lo_size && hi_.size > 0) move_top(hi_, lo_);
}

void MovingQuantile::exchange_tops() {
  const Entry a = lo_.entries[0];
  const Entry b = hi_.entries[0];
  place(lo_, 0, {~b.key, b.slot});
  place(hi_, 0, {~a.key, a.slot});
  sift_down(lo_, 0);
  sift_down(hi_, 0);
}

void MovingQuantile::move_top(Heap& from, Heap& to) {
  const Entry top = from.entries[0];
  --from.size;
  if (from.size > 0) {
    place(from, 0, from.entries[from.size]);
    sift_down(from, 0);
  }
  place(to, to.size, {~top.key, top.slot});
  sift_up(to, to.size++);
}

void MovingQuantile::sift_up(Heap& heap, std::uint32_t index) {
  const Entry moving = heap.entries[index];
  while (index > 0) {
    const std::uint32_t parent = (index - 1) / 2;
    if (heap.entries[parent].key >= moving.key) break;
    place(heap, index, heap.entries[parent]);
    index = parent;
  }
  place(heap, index, moving);
}

void MovingQuantile::sift_down(Heap& heap, std::uint32_t index) {
  const Entry moving = heap.entries[index];
  const std::uint32_t size = heap.size;
  for (;;) {
    std::uint32_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && heap.entries[child + 1].key > heap.entries[child].key) ++child;
    if (heap.entries[child].key <= moving.key) break;
    place(heap, index, heap.entries[child]);
    index = child;
  }
  place(heap, index, moving);
}

double MovingQuantile::lo_top() const { return from_ordered_key(lo_.entries[0].key); }
double MovingQuantile::hi_top() const { return from_ordered_key(~hi_.entries[0].key); }

double MovingQuantile::quantile() const {
  const QuantileSpec::Position position = full() ? full_position_ : spec_.position(size_);
  return spec_.interpolate(lo_top(), position.needs_upper ? hi_top() : 0.0, position);
}

double MovingQuantile::value() const { return value_from_hi_ ? hi_top() : lo_top(); }

double MovingQuantile::value_of(std::uint32_t slot) const {
  const std::uint32_t location = where_[slot];
  const std::int64_t key = (location & 1) ? ~hi_.entries[location >> 1].key
                                          : lo_.entries[location >> 1].key;
  return from_ordered_key(key);
}

double MovingQuantile::recent(std::int64_t age) const {
  std::int64_t slot = static_cast<std::int64_t>(next_slot_) - 1 - age;
  if (slot < 0) slot += window_;
  return value_of(static_cast<std::uint32_t>(slot));
}

}  // namespace calmon
