// sample_ring.h — the last w samples pushed, in memory taken as they arrive, up to w.
//
// A ring of w slots, sample i in slot i % w, as centered filters and the gaussian keep
// their recent samples; but the slots are allocated as samples arrive, doubling up to w,
// instead of all w at once. So a window costs what the samples pushed so far need: a
// baseline window of a million frames takes nothing before the frames come, and a short
// trace never pays for its whole window. Once w samples are in, the ring is full and each
// push overwrites the oldest. At most 8 bytes per window sample (while it grows, one push
// briefly holds the old slots beside the new ones); samples come back exactly as pushed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace calmon {

class SampleRing {
 public:
  explicit SampleRing(std::int64_t window) : window_(window) {}

  // x becomes sample pushed() (counted from 0); once window() are held it replaces the oldest.
  void push(double x) {
    const auto slot = static_cast<std::size_t>(pushed_ % window_);
    if (slot < slots_.size()) {
      slots_[slot] = x;
    } else {  // filling for the first time: slot == size
      if (slots_.size() == slots_.capacity()) {
        slots_.reserve(std::min(std::max<std::size_t>(2 * slots_.size(), 16), static_cast<std::size_t>(window_)));
      }
      slots_.push_back(x);
    }
    ++pushed_;
  }
  // Forgets the samples and keeps the slots for the next ones.
  void clear() { pushed_ = 0; }

  std::int64_t window() const { return window_; }
  std::int64_t pushed() const { return pushed_; }
  // Sample i (its push count), one of the last min(pushed(), window()).
  double at(std::int64_t i) const { return slots_[static_cast<std::size_t>(i % window_)]; }
  // The sample pushed `age` pushes ago (0 = the newest); age < min(pushed(), window()).
  double recent(std::int64_t age) const { return at(pushed_ - 1 - age); }
  // Slots allocated: at most window(), and at most about twice the most samples ever held.
  std::size_t capacity() const { return slots_.capacity(); }

 private:
  std::int64_t window_;
  std::int64_t pushed_ = 0;
  std::vector<double> slots_;  // sample i in slots_[i % window_]; fewer than window_ until as many came
};

}  // namespace calmon
