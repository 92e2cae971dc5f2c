// tiff_strile_table.h — where one TIFF page's strips or tiles are, as the file itself says.
//
// libtiff repairs what it reads, with at most a warning: a StripOffsets array shorter than
// the page needs is padded with zeros (so the file's own header is read as pixels),
// extra entries are dropped, and byte counts that look wrong are replaced by estimates
// from ImageLength (so the next page's bytes are read as this one's). To check a page
// against its own tags, calmon reads the two tags that locate its pixel data
// (StripOffsets and StripByteCounts, or TileOffsets and TileByteCounts) straight from the
// page's IFD: a handful of bytes per page, never any pixel data.
//
// Internal to src/io.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace calmon::io::detail {

// Reads exactly `size` bytes at `offset`; false if the file ends first.
using ReadAt = std::function<bool(std::uint64_t offset, std::byte* out, std::size_t size)>;

struct TiffLayout {
  bool bigtiff = false;
  bool byte_swapped = false;  // the file's byte order is not the host's
};

struct StrileTable {
  std::optional<std::vector<std::uint64_t>> offsets;      // absent: the tag is missing
  std::optional<std::vector<std::uint64_t>> byte_counts;  // absent: the tag is missing
};

// `size` (at most 8) bytes of a TIFF file as an unsigned integer in the file's byte order.
std::uint64_t decode_unsigned(const std::byte* bytes, std::size_t size, const TiffLayout& layout);

// The strip table (`tiled` false) or tile table of the IFD at `ifd_offset`. Throws
// calmon::Error with the problem (without the file's or the page's name) if the IFD or
// the arrays cannot be read or a tag has a type that cannot hold offsets.
StrileTable read_strile_table(const ReadAt& read_at, const TiffLayout& layout, std::uint64_t ifd_offset, bool tiled);

}  // namespace calmon::io::detail
