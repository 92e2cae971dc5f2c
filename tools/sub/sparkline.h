// sparkline.h — the recent values of one trace as a row of unicode blocks (▁▂▃▄▅▆▇█).
//
// Keeps the last `width` values; renders them scaled between their own minimum and
// maximum, so the shape of the recent ΔF/F₀ shows whatever its range. A value that is
// not finite (ΔF/F₀ undefined) is a blank; a flat trace is a row of middle blocks.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

namespace calmon::sub_tool {

class Sparkline {
 public:
  explicit Sparkline(std::size_t width) : width_(width) {}

  void add(double value);
  std::string render() const;  // UTF-8, one character per value

 private:
  std::size_t width_;
  std::deque<double> values_;
};

}  // namespace calmon::sub_tool
