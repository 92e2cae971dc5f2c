// local_correlation.h — the local-correlation image: how much each pixel's trace moves
// with its neighbours' over the frames so far.
//
// Inside a cell neighbouring pixels brighten together, in the background they only share
// noise, so the image of each pixel's mean Pearson correlation with its 8 neighbours
// shows cells that a mean image hides. It is kept running: per pixel the sums of x and
// x², and per neighbour pair (right, down, down-right, down-left — each pair once) the
// sum of x·y, all in double, 7 numbers per pixel updated per frame in contiguous row
// loops — about 0.5 ms a frame at 512x512, which is why it is opt-in (calmon-microbench
// LocalCorrelation). image() turns them into correlations: O(pixels). A pixel whose trace or whose
// neighbour's is constant has no correlation with it; a pixel with none at all is 0.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/frame_view.h"
#include "core/image.h"

namespace calmon {

class LocalCorrelation {
 public:
  explicit LocalCorrelation(FrameShape shape);

  void push(AnyFrameView frame);  // shape must be the image's
  std::int64_t frames() const { return frames_; }
  // The mean correlation with the neighbours; needs at least two frames to be non-zero.
  Image image() const;
  void reset();

 private:
  template <class T> void accumulate(FrameView<T> frame);

  // The four neighbour directions whose pairs are summed: (dx, dy).
  static constexpr std::array<std::array<int, 2>, 4> kDirections{{{1, 0}, {0, 1}, {1, 1}, {-1, 1}}};

  FrameShape shape_;
  std::int64_t frames_ = 0;
  std::vector<double> sum_;
  std::vector<double> sum_of_squares_;
  std::array<std::vector<double>, 4> sum_of_products_;  // pixel i with its neighbour in kDirections[d]
};

}  // namespace calmon
