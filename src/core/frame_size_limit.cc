// frame_size_limit.cc — parsing --max-frame-mib; see the header.
#include "core/frame_size_limit.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/error.h"
#include "core/format_number.h"

namespace calmon {
namespace {

constexpr double kBytesPerMib = 1024.0 * 1024.0;

}  // namespace

std::size_t parse_max_frame_mib(const std::string& text) {
  double mib = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), mib);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(mib) || !(mib > 0.0)) {
    throw Error("--max-frame-mib expects a number > 0, got '" + text + "'");
  }
  if (mib > 1024.0 * 1024.0) throw Error("--max-frame-mib " + text + " is more than 1 TiB");
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(mib * kBytesPerMib)));
}

std::string format_mib(std::uint64_t bytes) {
  return format_number(static_cast<double>(bytes) / kBytesPerMib) + " MiB";
}

}  // namespace calmon
