// tiff_patch.h — a valid TIFF corrupted on purpose, one tag at a time, for the tests of
// what calmon does with corrupt movies.
//
// Works on the bytes of a little-endian classic TIFF or BigTIFF (what libtiff and calmon's
// writer produce on this machine): finds page `page`'s IFD by following the chain, then
// the entry of `tag`, and rewrites its value count or one of its values in place, as a
// buggy writer or a flipped bit would have left them.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace calmon::test {

class TiffPatcher {
 public:
  explicit TiffPatcher(std::vector<std::byte>& bytes) : bytes_(bytes) {
    EXPECT_TRUE(get(0, 2) == 0x4949) << "not a little-endian TIFF";
    bigtiff_ = get(2, 2) == 43;
  }

  // Sets value `index` of the tag (SHORT, LONG or LONG8, inline or in its array).
  void set_value(int page, std::uint16_t tag, std::uint64_t value, std::size_t index = 0) {
    const std::size_t entry = find(page, tag);
    const std::size_t width = type_width(get(entry + 2, 2));
    const std::size_t field = entry + (bigtiff_ ? 12 : 8);
    const std::size_t field_bytes = bigtiff_ ? 8 : 4;
    const std::uint64_t count = get(entry + 4, field_bytes);
    const std::size_t values = count * width <= field_bytes ? field : static_cast<std::size_t>(get(field, field_bytes));
    put(values + index * width, value, width);
  }

  // Sets the tag's value count, leaving its values where they are.
  void set_count(int page, std::uint16_t tag, std::uint64_t count) {
    put(find(page, tag) + 4, count, bigtiff_ ? 8 : 4);
  }

  std::uint64_t value(int page, std::uint16_t tag) {
    const std::size_t entry = find(page, tag);
    return get(entry + (bigtiff_ ? 12 : 8), type_width(get(entry + 2, 2)));
  }

 private:
  std::uint64_t get(std::size_t at, std::size_t size) const {
    std::uint64_t value = 0;
    for (std::size_t i = size; i-- > 0;) value = (value << 8) | static_cast<std::uint8_t>(bytes_.at(at + i));
    return value;
  }
  void put(std::size_t at, std::uint64_t value, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) bytes_.at(at + i) = static_cast<std::byte>((value >> (8 * i)) & 0xff);
  }
  static std::size_t type_width(std::uint64_t type) {
    return type == 3 ? 2 : type == 16 ? 8 : 4;  // SHORT, LONG8, LONG
  }
  std::size_t find(int page, std::uint16_t tag) const {
    const std::size_t count_bytes = bigtiff_ ? 8 : 2;
    const std::size_t entry_bytes = bigtiff_ ? 20 : 12;
    std::size_t ifd = static_cast<std::size_t>(bigtiff_ ? get(8, 8) : get(4, 4));
    for (int p = 0; p < page; ++p) {
      const std::size_t entries = static_cast<std::size_t>(get(ifd, count_bytes));
      ifd = static_cast<std::size_t>(get(ifd + count_bytes + entries * entry_bytes, bigtiff_ ? 8 : 4));
    }
    const std::size_t entries = static_cast<std::size_t>(get(ifd, count_bytes));
    for (std::size_t i = 0; i < entries; ++i) {
      const std::size_t entry = ifd + count_bytes + i * entry_bytes;
      if (get(entry, 2) == tag) return entry;
    }
    ADD_FAILURE() << "page " << page << " has no tag " << tag;
    return 0;
  }

  std::vector<std::byte>& bytes_;
  bool bigtiff_ = false;
};

}  // namespace calmon::test
