// tiff_message_words.h — the words the TIFF reader's messages are made of.
//
// Every problem with a movie is one line naming the file, the page and the numbers
// involved ("page 5 (the 6th of 10) is 512x256, the first page is 512x512"); these
// helpers spell the numbers the same way in every message.
//
// Internal to src/io: the public headers do not expose libtiff.
#pragma once

#include <cstdint>
#include <string>

namespace calmon::io::detail {

// "512x256".
std::string describe_size(std::uint32_t width, std::uint32_t height);

// "1 channel", "3 channels".
std::string count_of(std::uint64_t count, const std::string& noun);

// "1st", "2nd", "3rd", "4th", "11th", "21st".
std::string ordinal(std::uint64_t n);

// a / b rounded up.
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b);

// "2385 MiB": rounded up, so that it is enough for --max-frame-mib.
std::string whole_mib(std::uint64_t bytes);

// "compression 5 (LZW)", or "compression 34925" for a codec libtiff does not know.
std::string codec_name(std::uint16_t compression);

}  // namespace calmon::io::detail
