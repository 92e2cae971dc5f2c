// tiff_message_words.cc — sizes, counts, ordinals and codec names spelled for messages.
#include "io/tiff_message_words.h"

#include <tiffio.h>

namespace calmon::io::detail {

std::string describe_size(std::uint32_t width, std::uint32_t height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

std::string count_of(std::uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string ordinal(std::uint64_t n) {
  const std::uint64_t last_two = n % 100;
  const char* suffix = last_two >= 11 && last_two <= 13 ? "th"
                       : n % 10 == 1                    ? "st"
                       : n % 10 == 2                    ? "nd"
                       : n % 10 == 3                    ? "rd"
                                                        : "th";
  return std::to_string(n) + suffix;
}

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

std::string whole_mib(std::uint64_t bytes) { return std::to_string(ceil_div(bytes, 1u << 20)) + " MiB"; }

std::string codec_name(std::uint16_t compression) {
  const TIFFCodec* codec = TIFFFindCODEC(compression);
  const std::string number = "compression " + std::to_string(compression);
  return codec != nullptr ? number + " (" + codec->name + ")" : number;
}

}  // namespace calmon::io::detail
