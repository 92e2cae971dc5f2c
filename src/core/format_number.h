// format_number.h — a double as people write it, for messages and summaries.
//
// std::to_chars gives the shortest text that reads back to the same double: 0.7, 120,
// -2, 33.3 — never 0.700000 or 0.69999999999999996.
#pragma once

#include <charconv>
#include <string>

namespace calmon {

inline std::string format_number(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

}  // namespace calmon
