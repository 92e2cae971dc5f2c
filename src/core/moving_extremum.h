// moving_extremum.h — the minimum or maximum of the last w samples in O(1) amortized.
//
// The classic monotonic queue: it keeps only the samples that can still become the
// extremum — each one better than every sample after it — so the front is the answer,
// a new sample pops the worse ones from the back, and the front leaves when it ages out
// of the window. Every sample enters and leaves once: O(1) amortized per push, O(w)
// worst case for one push. Values are compared as ordered keys (ordered_key.h), so a NaN
// counts as the largest value.
//
// Memory: 16 bytes per entry, in a circular buffer that grows (doubling, at most to w
// entries) only when the queue outgrows it, never before: a noisy trace keeps a few
// dozen entries whatever the window, a trace that only rises keeps all w in a minimum's
// queue. So a window of millions of frames costs nothing until the trace needs it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/ordered_key.h"

namespace calmon {

enum class Extremum { kMin, kMax };

template <Extremum kind> class MovingExtremum {
 public:
  static constexpr std::int64_t kEntryBytes = 16;

  explicit MovingExtremum(std::int64_t window) : window_(window) {
    if (window < 1) throw Error("window " + std::to_string(window) + " is below 1");
  }

  void push(double x) {
    const std::int64_t key = ordered_key(x);
    while (count_ > 0 && !better(back().key, key)) --count_;
    if (count_ > 0 && front().index <= pushed_ - window_) pop_front();
    if (count_ == capacity()) grow();  // never beyond w: the entries are of the last w samples
    ++count_;
    back() = {key, pushed_++};
  }
  void clear() { pushed_ = head_ = count_ = 0; }

  std::int64_t window() const { return window_; }
  bool full() const { return pushed_ >= window_; }
  // The extremum of the last min(pushed, window) samples; at least one pushed.
  double value() const { return from_ordered_key(front().key); }
  // Entries the buffer has room for: at most window().
  std::int64_t capacity() const { return static_cast<std::int64_t>(queue_.size()); }

 private:
  struct Entry {
    std::int64_t key;
    std::int64_t index;  // push count of the sample
  };
  static_assert(sizeof(Entry) == kEntryBytes);
  // Keeps `kept` in front of a newcomer: strictly better, so equal samples give way
  // to the newer one, which stays in the window longer.
  static bool better(std::int64_t kept, std::int64_t newcomer) {
    return kind == Extremum::kMin ? kept < newcomer : kept > newcomer;
  }
  Entry& at(std::int64_t i) { return queue_[static_cast<std::size_t>((head_ + i) % capacity())]; }
  const Entry& front() const { return queue_[static_cast<std::size_t>(head_)]; }
  Entry& front() { return at(0); }
  Entry& back() { return at(count_ - 1); }
  void pop_front() {
    head_ = head_ + 1 == capacity() ? 0 : head_ + 1;
    --count_;
  }
  // Room for more entries: twice as much, at most the window's; the entries in order from 0.
  void grow() {
    std::vector<Entry> larger(static_cast<std::size_t>(std::min(std::max<std::int64_t>(2 * capacity(), 16), window_)));
    for (std::int64_t i = 0; i < count_; ++i) larger[static_cast<std::size_t>(i)] = at(i);
    queue_ = std::move(larger);
    head_ = 0;
  }

  std::int64_t window_;
  std::vector<Entry> queue_;  // circular, `count_` entries from `head_`; grown by grow()
  std::int64_t pushed_ = 0;
  std::int64_t head_ = 0;
  std::int64_t count_ = 0;
};

using MovingMin = MovingExtremum<Extremum::kMin>;
using MovingMax = MovingExtremum<Extremum::kMax>;

}  // namespace calmon
