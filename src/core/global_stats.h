// global_stats.h — per-frame whole-frame statistics: the notebook's global neuropil traces
// np.mean, np.median and np.min(data, axis=(1, 2)), one frame at a time.
//
// Exactly numpy's numbers:
//   - mean: integer pixels are summed exactly in 64 bits and divided once (numpy sums them
//     in float64, exact below 2^53); float pixels are summed in numpy's own order and type
//     (numpy_sum.h), the float32 quotient rounded to float32 as numpy does.
//   - median: the middle value for an odd count; for an even count the mean of the two
//     middle values as np.median computes it — (a + b) / 2 in double for integers and
//     float64, in float32 for float32. Any NaN makes median, mean and min NaN, like numpy.
//   - min: the smallest pixel.
// Median by counting: 8- and 16-bit pixels go into a histogram over [min, max] (two passes
// over the pixels plus a scan of max - min + 1 bins); 32-bit and float pixels are copied
// and partially sorted with nth_element (expected O(n)). Memory: the histogram (at most
// 65536 counts) or one frame's copy, kept between calls.
#pragma once

#include <cstdint>
#include <vector>

#include "core/frame_view.h"

namespace calmon {

struct GlobalStats {
  double mean = 0.0;
  double median = 0.0;
  double min = 0.0;
};

class GlobalFrameStats {
 public:
  // Throws calmon::Error for a frame without pixels.
  GlobalStats operator()(AnyFrameView frame);

  template <class T> GlobalStats operator()(FrameView<T> frame);

 private:
  std::vector<std::uint32_t> histogram_;
  // A frame's copy for nth_element, by pixel type.
  std::vector<std::uint32_t> scratch_u32_;
  std::vector<float> scratch_f32_;
  std::vector<double> scratch_f64_;
};

}  // namespace calmon
