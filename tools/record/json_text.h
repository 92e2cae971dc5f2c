// json_text.h — the pieces of JSON text the recorder writes by hand.
//
// metadata.json is a small document with a fixed layout, assembled as text (its
// nanosecond times must stay JSON numbers and its unknowns null, which protobuf's JSON
// mapping would write as strings or leave out); these helpers make every value in it
// valid JSON: strings escaped, lists of numbers, times in ISO 8601 UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::record_tool {

// "text" with quotes, backslashes and control characters escaped.
std::string json_string(std::string_view text);

// [1, 2, 3]
std::string json_array(const std::vector<std::uint32_t>& values);

// 2024-05-01T12:34:56.789Z, from nanoseconds since the Unix epoch.
std::string iso_utc(std::int64_t time_ns);

}  // namespace calmon::record_tool
