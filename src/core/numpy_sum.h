// numpy_sum.h — float sums in numpy's exact order, so a mean of float pixels equals
// numpy's to the last bit.
//
// numpy's add.reduce over float32/float64 elements (np.mean of a frame, of a slice
// data[t, y0:y1, x0:x1], or over axis=(1, 2)) walks the elements row-major in chunks of
// 8192 (its iterator's buffer size) and adds each chunk's pairwise sum, in order, to an
// accumulator. The pairwise sum splits a range in halves (rounded down to a multiple of 8)
// until it holds at most 128 elements; such a block is summed with 8 interleaved
// accumulators combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then a sequential tail;
// fewer than 8 elements are summed one by one. Arithmetic stays in the element type:
// numpy sums float32 pixels in float32. Checked bit for bit against numpy 1.24 on frames
// and slices of many shapes (tests/unit/numpy_sum_test.cc). -ffp-contract=off keeps every
// add separately rounded; the interleaved accumulators vectorize without reordering.
//
// Cost: n adds. NumpyChunkedSum gathers runs that are not contiguous in memory (the rows
// of a rectangle) into one chunk buffer of 8192 elements, a member (so keep it on the
// stack or in the caller, not per pixel).
#pragma once

#include <algorithm>
#include <cstddef>

namespace calmon {

inline constexpr std::size_t kNumpyReduceChunk = 8192;  // numpy's NPY_BUFSIZE in elements

// numpy's pairwise_sum for n contiguous elements.
template <class F> F numpy_pairwise_sum(const F* values, std::size_t n) {
  if (n < 8) {
    F sum = F(-0.0);  // the additive identity that also keeps a lone -0.0
    for (std::size_t i = 0; i < n; ++i) sum += values[i];
    return sum;
  }
  if (n <= 128) {
    F r[8];
    for (int j = 0; j < 8; ++j) r[j] = values[j];
    std::size_t i = 8;
    for (; i < n - n % 8; i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += values[i + j];
    }
    F sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += values[i];
    return sum;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return numpy_pairwise_sum(values, half) + numpy_pairwise_sum(values + half, n - half);
}

// The sum numpy computes for n contiguous elements (a whole frame): chunked pairwise.
template <class F> F numpy_sum(const F* values, std::size_t n) {
  F total = F(-0.0);
  for (std::size_t start = 0; start < n; start += kNumpyReduceChunk) {
    total += numpy_pairwise_sum(values + start, std::min(kNumpyReduceChunk, n - start));
  }
  return total;
}

// The same sum over a sequence given as runs (e.g. the rows of a rectangle, in order).
template <class F> class NumpyChunkedSum {
 public:
  void add(const F* run, std::size_t n) {
    while (n > 0) {
      if (filled_ == 0 && n >= kNumpyReduceChunk) {  // a whole chunk in place: no copy
        total_ += numpy_pairwise_sum(run, kNumpyReduceChunk);
        run += kNumpyReduceChunk;
        n -= kNumpyReduceChunk;
        continue;
      }
      const std::size_t take = std::min(n, kNumpyReduceChunk - filled_);
      std::copy(run, run + take, chunk_ + filled_);
      filled_ += take;
      run += take;
      n -= take;
      if (filled_ == kNumpyReduceChunk) flush();
    }
  }

  F total() {
    flush();
    return total_;
  }

 private:
  void flush() {
    if (filled_ == 0) return;
    total_ += numpy_pairwise_sum(chunk_, filled_);
    filled_ = 0;
  }

  F chunk_[kNumpyReduceChunk];
  std::size_t filled_ = 0;
  F total_ = F(-0.0);
};

}  // namespace calmon
