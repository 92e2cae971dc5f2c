// tiff_strile_table.cc — the IFD's entries decoded by hand; see the header.
//
// An IFD is an entry count (2 bytes, 8 in BigTIFF), then 12-byte entries (20 in BigTIFF):
// tag (2), type (2), value count (4; 8), then the values themselves when they fit in the
// last 4 (8) bytes, otherwise the offset of the array that holds them.
#include "io/tiff_strile_table.h"

#include <bit>
#include <string>

#include "core/error.h"

namespace calmon::io::detail {
namespace {

constexpr std::uint16_t kStripOffsets = 273;
constexpr std::uint16_t kStripByteCounts = 279;
constexpr std::uint16_t kTileOffsets = 324;
constexpr std::uint16_t kTileByteCounts = 325;
// Far more than any page has; guards the size of the array read below.
constexpr std::uint64_t kMaxStriles = std::uint64_t{1} << 24;

}  // namespace

std::uint64_t decode_unsigned(const std::byte* bytes, std::size_t size, const TiffLayout& layout) {
  const bool little_endian_file = (std::endian::native == std::endian::little) != layout.byte_swapped;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t at = little_endian_file ? size - 1 - i : i;
    value = (value << 8) | static_cast<unsigned char>(bytes[at]);
  }
  return value;
}

namespace {

std::uint64_t decode(const std::byte* bytes, std::size_t size, const TiffLayout& layout) {
  return decode_unsigned(bytes, size, layout);
}

// Bytes per value of the integer types libtiff accepts for offsets and byte counts; 0 otherwise.
std::size_t offset_type_width(std::uint16_t type) {
  switch (type) {
    case 3: return 2;   // SHORT
    case 4: return 4;   // LONG
    case 13: return 4;  // IFD
    case 16: return 8;  // LONG8
    case 18: return 8;  // IFD8
    default: return 0;
  }
}

const char* tag_name(std::uint16_t tag) {
  switch (tag) {
    case kStripOffsets: return "StripOffsets";
    case kStripByteCounts: return "StripByteCounts";
    case kTileOffsets: return "TileOffsets";
    default: return "TileByteCounts";
  }
}

// The values of the entry at `entry` (its tag already matched).
std::vector<std::uint64_t> read_values(const ReadAt& read_at, const TiffLayout& layout, const std::byte* entry) {
  const std::uint16_t tag = static_cast<std::uint16_t>(decode(entry, 2, layout));
  const std::uint16_t type = static_cast<std::uint16_t>(decode(entry + 2, 2, layout));
  const std::size_t count_bytes = layout.bigtiff ? 8 : 4;
  const std::uint64_t count = decode(entry + 4, count_bytes, layout);
  const std::byte* value_field = entry + 4 + count_bytes;
  const std::size_t width = offset_type_width(type);
  if (width == 0) {
    throw Error(std::string(tag_name(tag)) + " has TIFF type " + std::to_string(type) + ", not an integer type");
  }
  if (count > kMaxStriles) {
    throw Error(std::string(tag_name(tag)) + " has " + std::to_string(count) + " entries");
  }
  const std::size_t bytes = static_cast<std::size_t>(count) * width;
  std::vector<std::byte> array;
  const std::byte* data = value_field;
  if (bytes > count_bytes) {  // not inline: the value field holds the array's offset
    const std::uint64_t array_offset = decode(value_field, count_bytes, layout);
    array.resize(bytes);
    if (!read_at(array_offset, array.data(), bytes)) {
      throw Error(std::string(tag_name(tag)) + " array at byte " + std::to_string(array_offset) +
                  " runs past the end of the file (truncated?)");
    }
    data = array.data();
  }
  std::vector<std::uint64_t> values(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = decode(data + i * width, width, layout);
  return values;
}

}  // namespace

StrileTable read_strile_table(const ReadAt& read_at, const TiffLayout& layout, std::uint64_t ifd_offset, bool tiled) {
  const std::size_t count_bytes = layout.bigtiff ? 8 : 2;
  const std::size_t entry_bytes = layout.bigtiff ? 20 : 12;
  std::byte count_field[8] = {};
  if (!read_at(ifd_offset, count_field, count_bytes)) {
    throw Error("its IFD at byte " + std::to_string(ifd_offset) + " cannot be read");
  }
  const std::uint64_t entries = decode(count_field, count_bytes, layout);
  if (entries > 0xffff) throw Error("its IFD claims " + std::to_string(entries) + " entries");
  std::vector<std::byte> ifd(static_cast<std::size_t>(entries) * entry_bytes);
  if (!read_at(ifd_offset + count_bytes, ifd.data(), ifd.size())) {
    throw Error("its IFD at byte " + std::to_string(ifd_offset) + " runs past the end of the file");
  }
  const std::uint16_t offsets_tag = tiled ? kTileOffsets : kStripOffsets;
  const std::uint16_t byte_counts_tag = tiled ? kTileByteCounts : kStripByteCounts;
  StrileTable table;
  for (std::size_t at = 0; at < ifd.size(); at += entry_bytes) {
    const std::uint64_t tag = decode(ifd.data() + at, 2, layout);
    if (tag == offsets_tag && !table.offsets) {
      table.offsets = read_values(read_at, layout, ifd.data() + at);
    } else if (tag == byte_counts_tag && !table.byte_counts) {
      table.byte_counts = read_values(read_at, layout, ifd.data() + at);
    }
  }
  return table;
}

}  // namespace calmon::io::detail
