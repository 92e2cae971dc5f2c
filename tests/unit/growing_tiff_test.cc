// growing_tiff_test.cc — a TIFF followed while the test appends to it byte range by byte
// range: a page appears only once its IFD is linked and all its bytes are on disk, never
// half-written; classic and BigTIFF, both byte orders, several strips; a file that is not a
// TIFF, a frame size that changes and a page cut off at the end are one-line errors.
//
// The test writer builds each page as libtiff lays it out (strips, the strip arrays, the
// description, then the IFD) and links it from the previous IFD last, so the test can
// stop at any byte of it.
#include "io/growing_tiff.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "io/tiff_movie_reader.h"
#include "io/tiff_writer.h"
#include "test_support.h"

namespace calmon::io {
namespace {

class AppendingTiff {
 public:
  AppendingTiff(const std::string& path, bool bigtiff, bool big_endian)
      : bigtiff_(bigtiff), big_endian_(big_endian), fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644)) {
    EXPECT_GE(fd_, 0);
    std::vector<std::uint8_t> header;
    header.push_back(big_endian ? 'M' : 'I');
    header.push_back(big_endian ? 'M' : 'I');
    put(header, bigtiff ? 43 : 42, 2);
    if (bigtiff) {
      put(header, 8, 2);
      put(header, 0, 2);
    }
    link_at_ = header.size();
    put(header, 0, word());  // no first IFD yet
    write_at(0, header);
  }
  ~AppendingTiff() { ::close(fd_); }

  // The bytes of a page of 16-bit `pixels` in `strips` strips, to be written at the end.
  // ifd_at: where its IFD is in them.
  struct Page {
    std::uint64_t offset;
    std::vector<std::uint8_t> bytes;
    std::uint64_t ifd_at;
  };
  // ifd_first: the IFD, its arrays and description before the strips (tifffile's order)
  // instead of after them (libtiff's).
  Page make_page(int width, int height, const std::vector<std::uint16_t>& pixels, int strips,
                 const std::string& description = "a frame of the test", bool ifd_first = false) {
    Page page{end_, {}, 0};
    const int rows_per_strip = (height + strips - 1) / strips;
    const std::size_t value_width = bigtiff_ ? 8 : 4;
    constexpr std::size_t kEntries = 11;
    const std::size_t ifd_size = (bigtiff_ ? 8 : 2) + kEntries * (bigtiff_ ? 20 : 12) + word();
    const std::size_t arrays_size = strips > 1 ? 2 * strips * value_width : 0;
    const std::size_t description_size = (description.size() + 2) / 2 * 2;  // with its NUL, padded to even
    const std::size_t strips_size = pixels.size() * 2;
    // Where each part goes, relative to the page's start.
    const std::size_t strips_at = ifd_first ? ifd_size + arrays_size + description_size : 0;
    const std::size_t arrays_at = ifd_first ? ifd_size : strips_size;
    const std::size_t description_at = arrays_at + arrays_size;
    const std::size_t ifd_at = ifd_first ? 0 : description_at + description_size;
    std::vector<std::uint8_t>& b = page.bytes;
    b.assign(ifd_size + arrays_size + description_size + strips_size, 0);
    std::vector<std::uint8_t> part;
    const auto place = [&](std::size_t at) {
      std::copy(part.begin(), part.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
      part.clear();
    };
    std::vector<std::uint64_t> offsets, counts;
    for (int s = 0; s < strips; ++s) {
      offsets.push_back(end_ + strips_at + part.size());
      const int rows = std::min(rows_per_strip, height - s * rows_per_strip);
      for (int i = s * rows_per_strip * width; i < (s * rows_per_strip + rows) * width; ++i) put(part, pixels[i], 2);
      counts.push_back(static_cast<std::uint64_t>(rows) * width * 2);
    }
    place(strips_at);
    if (strips > 1) {
      for (std::uint64_t v : offsets) put(part, v, value_width);
      for (std::uint64_t v : counts) put(part, v, value_width);
      place(arrays_at);
    }
    const std::uint64_t offsets_value = strips > 1 ? end_ + arrays_at : offsets[0];
    const std::uint64_t counts_value = strips > 1 ? end_ + arrays_at + strips * value_width : counts[0];
    for (char c : description) part.push_back(static_cast<std::uint8_t>(c));
    place(description_at);
    struct Entry {
      std::uint16_t tag, type;
      std::uint64_t count, value;
    };
    const std::uint16_t offset_type = bigtiff_ ? 16 : 4;
    const Entry entries[kEntries] = {
        {256, 4, 1, static_cast<std::uint64_t>(width)},
        {257, 4, 1, static_cast<std::uint64_t>(height)},
        {258, 3, 1, 16},
        {259, 3, 1, 1},
        {262, 3, 1, 1},
        {270, 2, description.size() + 1, end_ + description_at},  // longer than a value field
        {273, offset_type, static_cast<std::uint64_t>(strips), offsets_value},
        {277, 3, 1, 1},
        {278, 4, 1, static_cast<std::uint64_t>(rows_per_strip)},
        {279, offset_type, static_cast<std::uint64_t>(strips), counts_value},
        {339, 3, 1, 1},
    };
    put(part, kEntries, bigtiff_ ? 8 : 2);
    for (const Entry& e : entries) {
      put(part, e.tag, 2);
      put(part, e.type, 2);
      put(part, e.count, word());
      // SHORT values sit left-aligned in the value field.
      const std::size_t width_of_value = e.type == 3 ? 2 : (e.type == 4 ? 4 : word());
      put(part, e.value, width_of_value);
      put(part, 0, word() - width_of_value);
    }
    put(part, 0, word());  // no next IFD yet
    place(ifd_at);
    page.ifd_at = end_ + ifd_at;
    next_link_at_ = end_ + ifd_at + ifd_size - word();
    end_ += b.size();
    return page;
  }

  // Writes bytes [from, to) of `page`.
  void write_part(const Page& page, std::size_t from, std::size_t to) {
    write_at(page.offset + from, std::vector<std::uint8_t>(page.bytes.begin() + from, page.bytes.begin() + to));
  }
  // Links `page` from the header or the previous page: the last step of appending it.
  void link(const Page& page) {
    std::vector<std::uint8_t> value;
    put(value, page.ifd_at, word());
    write_at(link_at_, value);
    link_at_ = next_link_at_;
  }
  void append(const Page& page) {
    write_part(page, 0, page.bytes.size());
    link(page);
  }
  void write_raw(const std::vector<std::uint8_t>& bytes) {
    write_at(end_, bytes);
    end_ += bytes.size();
  }

 private:
  std::size_t word() const { return bigtiff_ ? 8 : 4; }
  void put(std::vector<std::uint8_t>& out, std::uint64_t value, std::size_t size) const {
    for (std::size_t i = 0; i < size; ++i) {
      const std::size_t shift = big_endian_ ? (size - 1 - i) * 8 : i * 8;
      out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  }
  void write_at(std::uint64_t offset, const std::vector<std::uint8_t>& bytes) {
    ASSERT_EQ(::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset)),
              static_cast<ssize_t>(bytes.size()));
    end_ = std::max<std::uint64_t>(end_, offset + bytes.size());
  }

  bool bigtiff_;
  bool big_endian_;
  int fd_;
  std::uint64_t end_ = 0;
  std::uint64_t link_at_ = 0;
  std::uint64_t next_link_at_ = 0;
};

std::vector<std::uint16_t> frame_pixels(int width, int height, int k) {
  std::vector<std::uint16_t> pixels(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint16_t>(i * 257 + k * 4099 + 1);
  return pixels;
}

std::vector<std::uint16_t> pixels_of(const GrowingTiffPage& page) {
  std::vector<std::uint16_t> pixels(page.pixels.size() / 2);
  std::memcpy(pixels.data(), page.pixels.data(), page.pixels.size());
  return pixels;
}

struct Variant {
  bool bigtiff;
  bool big_endian;
  int strips;
};

class GrowingTiffVariants : public ::testing::TestWithParam<Variant> {};

// Every byte boundary of a page is a place the writer may pause: before the page's last
// byte and its link are written, poll() returns nothing; after, exactly that page.
TEST_P(GrowingTiffVariants, APageAppearsOnlyWhenAllOfItIsWrittenAndLinked) {
  const Variant v = GetParam();
  const std::string path = test::temp_path("growing_tiff_test", "movie.tif");
  AppendingTiff writer(path, v.bigtiff, v.big_endian);
  GrowingTiff follower(path);
  EXPECT_TRUE(follower.poll().empty());
  const int width = 7, height = 5;
  for (int k = 0; k < 3; ++k) {
    const auto expected = frame_pixels(width, height, k);
    const AppendingTiff::Page page =
        writer.make_page(width, height, expected, v.strips, "frame number " + std::to_string(k));
    // Pause after every byte (one pause per 3 bytes keeps it quick): nothing until the link.
    for (std::size_t written = 0; written < page.bytes.size(); written += 3) {
      writer.write_part(page, written, std::min(page.bytes.size(), written + 3));
      ASSERT_TRUE(follower.poll().empty()) << "page " << k << " sent with " << written + 3 << " bytes written";
    }
    writer.link(page);
    const auto pages = follower.poll();
    ASSERT_EQ(pages.size(), 1u) << "page " << k;
    EXPECT_EQ(pages[0].index, k);
    EXPECT_EQ(pages[0].shape.width, width);
    EXPECT_EQ(pages[0].shape.height, height);
    EXPECT_EQ(pages[0].pixel_type, PixelType::kU16);
    EXPECT_EQ(pages[0].description, "frame number " + std::to_string(k));
    EXPECT_EQ(pixels_of(pages[0]), expected);
    EXPECT_TRUE(follower.poll().empty());
  }
  EXPECT_EQ(follower.pages_read(), 3);
  follower.finish();  // every page complete: no complaint
}

INSTANTIATE_TEST_SUITE_P(Layouts, GrowingTiffVariants,
                         ::testing::Values(Variant{false, false, 1}, Variant{false, false, 3}, Variant{true, false, 2},
                                           Variant{false, true, 2}, Variant{true, true, 1}));

// A writer that links the IFD first and writes the strips after it (tifffile's order):
// the link alone does not make the page complete.
TEST(GrowingTiff, ALinkedPageWhoseStripsAreNotOnDiskWaits) {
  const std::string path = test::temp_path("growing_tiff_test", "movie.tif");
  AppendingTiff writer(path, false, false);
  GrowingTiff follower(path);
  const auto expected = frame_pixels(6, 4, 0);
  const AppendingTiff::Page page = writer.make_page(6, 4, expected, 2, "a frame of the test", true);
  const std::size_t strips_at = page.bytes.size() - expected.size() * 2;
  writer.link(page);  // the link first, nothing of the page yet
  EXPECT_TRUE(follower.poll().empty());
  writer.write_part(page, 0, strips_at);  // the IFD, arrays and description
  EXPECT_TRUE(follower.poll().empty());
  writer.write_part(page, strips_at, page.bytes.size() - 1);  // all but the last byte
  EXPECT_TRUE(follower.poll().empty());
  writer.write_part(page, page.bytes.size() - 1, page.bytes.size());
  const auto pages = follower.poll();
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pixels_of(pages[0]), expected);
}

// A writer that links the IFD and extends the file past it before filling it in (tifffile
// appending): an IFD of zeros, or half of it, is not a page yet.
TEST(GrowingTiff, ALinkedIfdThatIsStillZerosWaits) {
  const std::string path = test::temp_path("growing_tiff_test", "movie.tif");
  AppendingTiff writer(path, false, false);
  GrowingTiff follower(path);
  const auto expected = frame_pixels(6, 4, 0);
  AppendingTiff::Page page = writer.make_page(6, 4, expected, 1, "a frame of the test", true);
  AppendingTiff::Page zeros = page;
  std::fill(zeros.bytes.begin(), zeros.bytes.end(), 0);
  writer.write_part(zeros, 0, zeros.bytes.size());
  writer.link(page);
  EXPECT_TRUE(follower.poll().empty());
  writer.write_part(page, 0, 20);  // the entry count and the first entries
  EXPECT_TRUE(follower.poll().empty());
  test::expect_error([&] { follower.finish(); }, path, "page 0 is incomplete: its IFD at byte");
  writer.write_part(page, 20, page.bytes.size());
  const auto pages = follower.poll();
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pixels_of(pages[0]), expected);
}

TEST(GrowingTiff, PollReturnsEveryCompletePageAtOnceOrAtMostMaxPages) {
  const std::string path = test::temp_path("growing_tiff_test", "movie.tif");
  AppendingTiff writer(path, false, false);
  for (int k = 0; k < 5; ++k) writer.append(writer.make_page(4, 3, frame_pixels(4, 3, k), 1));
  GrowingTiff follower(path);
  const auto first = follower.poll(2);
  ASSERT_EQ(first.size(), 2u);
  const auto rest = follower.poll();
  ASSERT_EQ(rest.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(rest[k].index, k + 2);
    EXPECT_EQ(pixels_of(rest[k]), frame_pixels(4, 3, k + 2));
  }
}

// A movie written by libtiff (calmon's own writer), float32 and BigTIFF: the pages the
// follower reads are the ones calmon's reader reads.
TEST(GrowingTiff, ReadsWhatTheMovieReaderReadsFromALibtiffMovie) {
  const std::string path = test::temp_path("growing_tiff_test", "libtiff.tif");
  const FrameShape shape{9, 4};
  {
    TiffMovieWriter writer(path, shape, PixelType::kF32, true);
    for (int t = 0; t < 4; ++t) {
      const auto pixels = test::pattern_frame(PixelType::kF32, shape, t);
      writer.append(AnyFrameView(PixelType::kF32, pixels.data(), shape));
    }
    writer.close();
  }
  GrowingTiff follower(path);
  const auto pages = follower.poll();
  ASSERT_EQ(pages.size(), 4u);
  TiffMovieReader reader(path);
  for (int t = 0; t < 4; ++t) {
    const AnyFrameView frame = reader.read(t);
    EXPECT_EQ(pages[t].pixel_type, PixelType::kF32);
    ASSERT_EQ(pages[t].pixels.size(), frame.byte_size());
    EXPECT_EQ(std::memcmp(pages[t].pixels.data(), frame.data(), frame.byte_size()), 0) << t;
  }
  follower.finish();
}

TEST(GrowingTiff, WaitsForAFileThatDoesNotExistYet) {
  const std::string path = test::temp_path("growing_tiff_test", "later.tif");
  GrowingTiff follower(path);
  EXPECT_TRUE(follower.poll().empty());
  AppendingTiff writer(path, false, false);
  writer.append(writer.make_page(4, 3, frame_pixels(4, 3, 0), 1));
  EXPECT_EQ(follower.poll().size(), 1u);
}

TEST(GrowingTiff, AFileThatIsNotATiffIsOneLineError) {
  const std::string path = test::temp_path("growing_tiff_test", "notes.tif");
  { std::ofstream(path) << "hello, this is text\n"; }
  GrowingTiff follower(path);
  test::expect_error([&] { follower.poll(); }, path, "is not a TIFF file");
}

TEST(GrowingTiff, AFrameSizeThatChangesIsOneLineError) {
  const std::string path = test::temp_path("growing_tiff_test", "movie.tif");
  AppendingTiff writer(path, true, false);
  writer.append(writer.make_page(4, 3, frame_pixels(4, 3, 0), 1));
  writer.append(writer.make_page(5, 3, frame_pixels(5, 3, 1), 1));
  GrowingTiff follower(path);
  test::expect_error([&] { follower.poll(); }, path, "page 1 is 5x3 uint16, but the pages before it are 4x3 uint16");
}

// The writer is gone with the last page half-written: finish() says so, and its bytes
// were never returned as a page.
TEST(GrowingTiff, APageCutOffAtTheEndIsReportedNotRead) {
  const std::string path = test::temp_path("growing_tiff_test", "movie.tif");
  AppendingTiff writer(path, false, false);
  writer.append(writer.make_page(4, 3, frame_pixels(4, 3, 0), 1));
  const AppendingTiff::Page cut = writer.make_page(4, 3, frame_pixels(4, 3, 1), 1);
  writer.write_part(cut, 0, 10);  // strips begun, no IFD
  GrowingTiff follower(path);
  EXPECT_EQ(follower.poll().size(), 1u);
  test::expect_error([&] { follower.finish(); }, path, "page 1 is incomplete: the file ends with 10 bytes");

  // Linked, but its strips cut off.
  const std::string linked_path = test::temp_path("growing_tiff_test", "linked.tif");
  AppendingTiff linked_writer(linked_path, false, false);
  const AppendingTiff::Page page = linked_writer.make_page(4, 3, frame_pixels(4, 3, 0), 1, "a frame of the test", true);
  linked_writer.write_part(page, 0, page.bytes.size() - 5);
  linked_writer.link(page);
  GrowingTiff linked(linked_path);
  EXPECT_TRUE(linked.poll().empty());
  test::expect_error([&] { linked.finish(); }, linked_path, "page 0 is incomplete: its strip 0 ends at byte");
}

}  // namespace
}  // namespace calmon::io
