// work_sharing.h — how one frame's ROI work may be shared between threads.
//
// The pipeline's per-frame ROI work divides into parts that touch disjoint state (each
// ROI's baseline and queue, its slots of the result), so any split gives the same bits
// as one thread. A WorkSharing runs work(part) for every part in [0, parts()) — part 0
// on the calling thread, the others on threads of its own — and returns once every part
// has returned. The pipeline only describes the parts; who runs them (and how they are
// woken) is the caller's, so this header holds no threads. The work never throws.
#pragma once

#include <cstddef>
#include <functional>

namespace calmon {

class WorkSharing {
 public:
  virtual ~WorkSharing() = default;
  virtual std::size_t parts() const = 0;
  virtual void run(const std::function<void(std::size_t part)>& work) = 0;
};

// Part `part` of `parts` equal shares of [0, n): its first and one past its last index.
struct PartRange {
  std::size_t begin;
  std::size_t end;
};
inline PartRange part_range(std::size_t n, std::size_t part, std::size_t parts) {
  return {n * part / parts, n * (part + 1) / parts};
}

}  // namespace calmon
