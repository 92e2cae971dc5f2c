// tiff_codec_expansion.h — how many bytes one byte of a TIFF strip or tile can decode to
// at most, for the codecs where the format itself bounds it.
//
// A page's tags claim its size; its strips' byte counts say how much data there is. A
// strip that cannot possibly decode to the rows it must hold is reported when the movie
// is opened, before a frame buffer is allocated for a size that only the tags claim (a
// few hundred bytes claiming 50000x50000 pixels). Each strip or tile is a stream of its
// own, so the bound applies to each. The facts, for the codecs calmon's users meet:
//
// - None: one byte is one byte.
// - PackBits (TIFF 6.0, section 9): a header byte n from -127 to -1 repeats the byte after
//   it 1 - n times, at most 128 bytes from 2; a literal run (n from 0 to 127) copies n + 1
//   bytes from n + 2; -128 does nothing. So at most 64 bytes per byte.
// - Deflate (Adobe's code 8 and the older 32946; zlib or libdeflate decode them): the
//   densest instruction deflate has copies 258 bytes (the longest match) with a length code
//   and a distance code of at least 1 bit each: 258 bytes per 2 bits, 1032 per byte — the
//   limit zlib's technical details page gives (zlib.net/zlib_tech.html). Block headers and
//   the zlib wrapper only lower it.
// - LZW (TIFF 6.0, section 13): codes are 9 to 12 bits long and name entries of a table of
//   4096; 258 onwards are added one per code, each an earlier entry's string plus one byte,
//   so entry c stands for at most c - 256 bytes and the longest, 4095, for 3839. libtiff's
//   decoder refuses a code whose entry is not in the table yet (since the last ClearCode),
//   so 9 bits never give more than 3839 bytes: at most 3839 * 8 / 9 < 3413 per byte.
//
// Other codecs (JPEG, ZSTD, LZMA, WebP, LERC, ...) are left to the frame size limit
// (core/frame_size_limit.h) alone: their bounds are either very loose or depend on details
// of each format that are not worth restating here.
//
// Internal to src/io.
#pragma once

#include <cstdint>
#include <optional>

namespace calmon::io::detail {

// The most bytes one byte of data compressed with TIFF `compression` decodes to;
// nullopt when calmon does not bound it.
constexpr std::optional<std::uint64_t> max_decoded_bytes_per_byte(std::uint16_t compression) {
  switch (compression) {
    case 1: return 1;         // COMPRESSION_NONE
    case 32773: return 64;    // COMPRESSION_PACKBITS
    case 8: return 1032;      // COMPRESSION_ADOBE_DEFLATE
    case 32946: return 1032;  // COMPRESSION_DEFLATE
    case 5: return 3413;      // COMPRESSION_LZW
    default: return std::nullopt;
  }
}

}  // namespace calmon::io::detail
