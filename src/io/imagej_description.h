// imagej_description.h — the hyperstack counts in an ImageJ image description.
//
// ImageJ writes its metadata as "key=value" lines in the first page's description
// ("ImageJ=1.53t\nimages=24\nchannels=2\nslices=3\nframes=4\n..."). The reader needs
// only the four counts that say how the pages form channels, slices and time points;
// every other line is ignored, and a count that is not a positive whole number is an error.
//
// Internal to src/io.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace calmon::io::detail {

// The counts an ImageJ description ("ImageJ=1.53t\nimages=24\nchannels=2\n...") gives.
struct ImageJCounts {
  std::optional<std::int64_t> images;
  std::optional<std::int64_t> channels;
  std::optional<std::int64_t> slices;
  std::optional<std::int64_t> frames;
};

inline bool is_imagej_description(std::string_view description) { return description.starts_with("ImageJ="); }

// Parses the counts; `fail` is called with a message for a count that is not a
// positive whole number.
template <class Fail> ImageJCounts parse_imagej_counts(std::string_view description, Fail&& fail) {
  ImageJCounts counts;
  while (!description.empty()) {
    const std::size_t end = description.find('\n');
    std::string_view line = description.substr(0, end);
    description = end == std::string_view::npos ? std::string_view() : description.substr(end + 1);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, equals);
    std::optional<std::int64_t>* slot = key == "images"     ? &counts.images
                                        : key == "channels" ? &counts.channels
                                        : key == "slices"   ? &counts.slices
                                        : key == "frames"   ? &counts.frames
                                                            : nullptr;
    if (slot == nullptr) continue;
    std::string_view value = line.substr(equals + 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.remove_suffix(1);
    std::int64_t number = 0;
    const auto [rest, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || rest != value.data() + value.size() || number <= 0) {
      fail("ImageJ description has " + std::string(line) + ", not a positive whole number");
    }
    *slot = number;
  }
  return counts;
}

}  // namespace calmon::io::detail
