// settled_queue.h — an ROI's settled samples waiting for their row: a FIFO that lives in
// its owner's cache line.
//
// The pipeline hands out a settled row once every ROI has settled that frame, so an ROI
// whose baseline settles as late as the slowest one's holds one sample at a time: pushed
// while its frame is extracted, popped when the row goes out. The queue keeps two
// samples in place, in the object itself, so that this common case touches no memory of
// its own. More (ROIs that settle sooner than the slowest, a finished baseline's tail, a
// cumulative baseline's whole session) go to a ring on the heap that doubles when full
// and is kept once grown: a steady session never allocates, unlike std::deque, which
// frees and allocates a block every 32 samples that pass through it.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>

#include "core/baseline.h"

namespace calmon {

class SettledQueue {
 public:
  SettledQueue() = default;
  SettledQueue(const SettledQueue&) = delete;
  SettledQueue& operator=(const SettledQueue&) = delete;

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const SettledSample& front() const { return data()[head_]; }
  void pop_front() {
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
  }
  void push_back(const SettledSample& sample) {
    if (size_ == capacity_) grow();
    data()[(head_ + size_) & (capacity_ - 1)] = sample;
    ++size_;
  }
  template <class Iterator> void append(Iterator first, Iterator last) {
    for (; first != last; ++first) push_back(*first);
  }

  // The heap bytes of a queue that has held at most `samples` at once: its ring. (While
  // a ring grows, the one it grows from, half its size, is held too.)
  // Saturates at UINT64_MAX for counts no machine holds.
  static constexpr std::uint64_t ring_bytes(std::uint64_t samples) {
    if (samples <= kInPlace) return 0;
    if (samples > std::numeric_limits<std::uint64_t>::max() / 2 / sizeof(SettledSample)) {
      return std::numeric_limits<std::uint64_t>::max();
    }
    return std::bit_ceil(samples) * sizeof(SettledSample);
  }

 private:
  static constexpr std::uint32_t kInPlace = 2;  // a power of two, as every capacity
  const SettledSample* data() const { return heap_ ? heap_.get() : in_place_.data(); }
  SettledSample* data() { return heap_ ? heap_.get() : in_place_.data(); }
  // Twice the room, the samples moved to its start in order.
  void grow() {
    const std::uint32_t capacity = capacity_ * 2;
    auto heap = std::make_unique<SettledSample[]>(capacity);
    for (std::uint32_t i = 0; i < size_; ++i) heap[i] = data()[(head_ + i) & (capacity_ - 1)];
    heap_ = std::move(heap);
    capacity_ = capacity;
    head_ = 0;
  }

  std::array<SettledSample, kInPlace> in_place_{};
  std::unique_ptr<SettledSample[]> heap_;  // null while the samples fit in place
  std::uint32_t capacity_ = kInPlace;
  std::uint32_t head_ = 0;
  std::uint32_t size_ = 0;
};

}  // namespace calmon
