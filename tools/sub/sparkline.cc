// sparkline.cc — values to block characters; see the header.
#include "sparkline.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace calmon::sub_tool {
namespace {

constexpr std::array<const char*, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

}  // namespace

void Sparkline::add(double value) {
  values_.push_back(value);
  if (values_.size() > width_) values_.pop_front();
}

std::string Sparkline::render() const {
  double low = INFINITY;
  double high = -INFINITY;
  for (const double v : values_) {
    if (!std::isfinite(v)) continue;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  std::string line;
  for (const double v : values_) {
    if (!std::isfinite(v)) {
      line += ' ';
    } else if (high <= low) {
      line += kBlocks[3];
    } else {
      const double level = (v - low) / (high - low) * static_cast<double>(kBlocks.size() - 1);
      line += kBlocks[static_cast<std::size_t>(std::lround(level))];
    }
  }
  return line;
}

}  // namespace calmon::sub_tool
