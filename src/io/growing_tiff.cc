// growing_tiff.cc — following a TIFF page by page as it grows; see the header.
//
// Each poll takes the file's size once (fstat) and judges every read against it: a
// page whose IFD, arrays or strips reach past that size is not complete yet, and the
// poll stops there, keeping where the link to it is so that the next poll starts over
// from that link. An IFD entry is tag (2 bytes), type (2), count (4; 8 in BigTIFF) and
// the value itself when it fits in the last 4 (8) bytes, otherwise the offset of the values.
#include "io/growing_tiff.h"

#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "core/error.h"
#include "io/read_only_file.h"
#include "io/tiff_strile_table.h"

namespace calmon::io {
namespace {

constexpr std::uint16_t kImageWidth = 256;
constexpr std::uint16_t kImageLength = 257;
constexpr std::uint16_t kBitsPerSample = 258;
constexpr std::uint16_t kCompression = 259;
constexpr std::uint16_t kImageDescription = 270;
constexpr std::uint16_t kSoftware = 305;
constexpr std::uint16_t kSamplesPerPixel = 277;
constexpr std::uint16_t kTileWidth = 322;
constexpr std::uint16_t kSampleFormat = 339;

// The tags of one IFD that say what its frame is.
struct PageTags {
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t bits = 1;  // TIFF's defaults
  std::uint64_t compression = 1;
  std::uint64_t samples = 1;
  std::uint64_t sample_format = 1;
  bool tiled = false;
  // An ASCII tag's text: where its bytes are, or the bytes themselves when short enough for the entry.
  struct Text {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    std::string inline_text;
  };
  Text description;  // ImageDescription
  Text software;     // Software (ScanImage's acquisition settings)
};

std::optional<PixelType> pixel_type_for(std::uint64_t bits, std::uint64_t sample_format) {
  if (sample_format == 1 && bits == 8) return PixelType::kU8;
  if (sample_format == 1 && bits == 16) return PixelType::kU16;
  if (sample_format == 2 && bits == 16) return PixelType::kI16;
  if (sample_format == 1 && bits == 32) return PixelType::kU32;
  if (sample_format == 3 && bits == 32) return PixelType::kF32;
  if (sample_format == 3 && bits == 64) return PixelType::kF64;
  return std::nullopt;
}

std::string shape_text(FrameShape shape, PixelType type) {
  static const char* const kNames[] = {"uint8", "uint16", "int16", "uint32", "float32", "float64"};
  return std::to_string(shape.width) + "x" + std::to_string(shape.height) + " " + kNames[static_cast<int>(type)];
}

void swap_samples(std::vector<std::byte>& pixels, std::size_t width) {
  if (width < 2) return;
  for (std::size_t at = 0; at + width <= pixels.size(); at += width) {
    std::reverse(pixels.begin() + static_cast<std::ptrdiff_t>(at),
                 pixels.begin() + static_cast<std::ptrdiff_t>(at + width));
  }
}

}  // namespace

GrowingTiff::GrowingTiff(std::string path, std::size_t max_frame_bytes)
    : path_(std::move(path)), max_frame_bytes_(max_frame_bytes) {}

GrowingTiff::~GrowingTiff() = default;

void GrowingTiff::fail(const std::string& problem) const { throw Error(path_ + ": " + problem); }

std::vector<GrowingTiffPage> GrowingTiff::poll(std::size_t max_pages) {
  std::vector<GrowingTiffPage> pages;
  if (!file_) {
    auto file = std::make_unique<detail::ReadOnlyFile>(path_);
    if (!file->is_open()) {
      if (file->open_errno() == ENOENT) return pages;  // not created yet
      fail(std::string("cannot open: ") + std::strerror(file->open_errno()));
    }
    file_ = std::move(file);
  }
  struct stat status {};
  if (::fstat(file_->fd(), &status) != 0) fail(std::string("cannot stat: ") + std::strerror(errno));
  if (S_ISDIR(status.st_mode)) fail("is a directory, not a TIFF file");
  const auto size = static_cast<std::uint64_t>(status.st_size);
  if (size < size_seen_) {
    fail("shrank from " + std::to_string(size_seen_) + " to " + std::to_string(size) + " bytes while followed");
  }
  size_seen_ = size;
  if (!header_read_ && !read_header()) return pages;
  while (pages.size() < max_pages && read_next_page(pages) == Step::kPage) {
  }
  return pages;
}

// The header: byte order, 42 or 43 (BigTIFF), and where the first IFD's offset is.
bool GrowingTiff::read_header() {
  std::byte header[4] = {};
  const std::uint64_t available = std::min<std::uint64_t>(size_seen_, 4);
  if (available > 0 && !file_->read_at(0, header, available)) fail("cannot read its header");
  const auto byte = [&](int i) { return static_cast<unsigned char>(header[i]); };
  // Judge what is there: a file whose first bytes cannot begin a TIFF header is not one.
  const unsigned char little[4] = {'I', 'I', 0, 0};
  const unsigned char big[4] = {'M', 'M', 0, 0};
  bool could_be_little = true;
  bool could_be_big = true;
  for (std::uint64_t i = 0; i < available; ++i) {
    const int at = static_cast<int>(i);
    if (i == 2 || i == 3) {
      const bool version_little = i == 3 ? byte(at) == 0 : (byte(at) == 42 || byte(at) == 43);
      const bool version_big = i == 2 ? byte(at) == 0 : (byte(at) == 42 || byte(at) == 43);
      could_be_little = could_be_little && version_little;
      could_be_big = could_be_big && version_big;
    } else {
      could_be_little = could_be_little && byte(at) == little[i];
      could_be_big = could_be_big && byte(at) == big[i];
    }
  }
  if (!could_be_little && !could_be_big) fail("is not a TIFF file (no TIFF header at its start)");
  if (available < 4) return false;
  byte_swapped_ = could_be_little != (std::endian::native == std::endian::little);
  bigtiff_ = byte(could_be_little ? 2 : 3) == 43;
  link_position_ = bigtiff_ ? 8 : 4;
  if (bigtiff_) {
    std::byte rest[4] = {};
    if (size_seen_ < 8) return false;
    if (!file_->read_at(4, rest, 4)) fail("cannot read its header");
    const std::uint64_t offset_size = detail::decode_unsigned(rest, 2, {bigtiff_, byte_swapped_});
    if (offset_size != 8) fail("is a BigTIFF file with offsets of " + std::to_string(offset_size) + " bytes, not 8");
  }
  header_read_ = true;
  end_of_pages_ = bigtiff_ ? 16 : 8;
  return true;
}

GrowingTiff::Step GrowingTiff::read_next_page(std::vector<GrowingTiffPage>& pages) {
  const detail::TiffLayout layout{bigtiff_, byte_swapped_};
  const std::size_t word = bigtiff_ ? 8 : 4;  // an offset, the next-IFD link, a count
  const std::string page = "page " + std::to_string(pages_read_);
  const auto wait = [&](const std::string& why) {
    waiting_for_ = why;
    return Step::kWait;
  };
  const auto read = [&](std::uint64_t offset, std::byte* out, std::size_t bytes) {
    if (!file_->read_at(offset, out, bytes)) {
      fail(page + ": cannot read " + std::to_string(bytes) + " bytes at byte " + std::to_string(offset) + ": " +
           (errno == 0 ? "the file is shorter than it was" : std::strerror(errno)));
    }
  };
  // An ASCII tag's text, up to its first NUL.
  const auto read_text = [&](const PageTags::Text& tag) {
    std::string text = tag.inline_text;
    if (tag.offset != 0) {
      text.resize(static_cast<std::size_t>(tag.size));
      read(tag.offset, reinterpret_cast<std::byte*>(text.data()), text.size());
    }
    if (const auto nul = text.find('\0'); nul != std::string::npos) text.resize(nul);
    return text;
  };

  // 1. The link to the page's IFD.
  std::byte link[8] = {};
  if (link_position_ + word > size_seen_) return wait("the link to its IFD is not written yet");
  read(link_position_, link, word);
  const std::uint64_t ifd = detail::decode_unsigned(link, word, layout);
  if (ifd == 0) {
    waiting_for_.clear();
    return Step::kWait;
  }
  if (ifd <= last_ifd_offset_ || ifd < (bigtiff_ ? 16u : 8u)) {  // a loop, or a link into the header
    fail(page + ": its IFD at byte " + std::to_string(ifd) + " is not after the previous page's IFD");
  }

  // 2. The IFD: entry count, entries, next-IFD link.
  const std::size_t count_bytes = bigtiff_ ? 8 : 2;
  const std::size_t entry_bytes = bigtiff_ ? 20 : 12;
  if (ifd + count_bytes > size_seen_) return wait("its IFD at byte " + std::to_string(ifd) + " is not written yet");
  std::byte count_field[8] = {};
  read(ifd, count_field, count_bytes);
  const std::uint64_t entries = detail::decode_unsigned(count_field, count_bytes, layout);
  // A writer may link an IFD, or extend the file past it, before writing it (tifffile
  // does): its bytes are zeros until then.
  if (entries == 0) return wait("its IFD at byte " + std::to_string(ifd) + " is not written yet (no entries)");
  if (entries > 0xffff) {
    fail(page + ": its IFD at byte " + std::to_string(ifd) + " claims " + std::to_string(entries) + " entries");
  }
  const std::uint64_t ifd_end = ifd + count_bytes + entries * entry_bytes + word;
  if (ifd_end > size_seen_) {
    return wait("its IFD ends at byte " + std::to_string(ifd_end) + ", the file has " + std::to_string(size_seen_));
  }
  std::vector<std::byte> table(static_cast<std::size_t>(entries) * entry_bytes);
  read(ifd + count_bytes, table.data(), table.size());

  PageTags tags;
  std::uint64_t extent = ifd_end;
  for (std::size_t at = 0; at < table.size(); at += entry_bytes) {
    const std::byte* entry = table.data() + at;
    const auto tag = static_cast<std::uint16_t>(detail::decode_unsigned(entry, 2, layout));
    const auto type = static_cast<std::uint16_t>(detail::decode_unsigned(entry + 2, 2, layout));
    const std::size_t count_size = bigtiff_ ? 8 : 4;
    const std::uint64_t count = detail::decode_unsigned(entry + 4, count_size, layout);
    const std::byte* value = entry + 4 + count_size;
    const std::size_t type_size = type == 3 ? 2 : type == 4 ? 4 : type == 16 ? 8 : 0;
    const auto scalar = [&]() -> std::uint64_t {
      if (type_size == 0 || count < 1) return 0;
      return detail::decode_unsigned(value, type_size, layout);  // the first value (all are equal for BitsPerSample)
    };
    switch (tag) {
      case kImageWidth: tags.width = scalar(); break;
      case kImageLength: tags.height = scalar(); break;
      case kBitsPerSample: tags.bits = scalar(); break;
      case kCompression: tags.compression = scalar(); break;
      case kSamplesPerPixel: tags.samples = scalar(); break;
      case kSampleFormat: tags.sample_format = scalar(); break;
      case kTileWidth: tags.tiled = true; break;
      case kImageDescription:
      case kSoftware: {
        PageTags::Text& text = tag == kSoftware ? tags.software : tags.description;
        text.size = count;
        if (count <= count_size) {
          text.inline_text.assign(reinterpret_cast<const char*>(value), static_cast<std::size_t>(count));
        } else {
          text.offset = detail::decode_unsigned(value, count_size, layout);
          if (count > size_seen_ || text.offset > size_seen_ - count) {
            return wait(std::string("its ") + (tag == kSoftware ? "Software tag" : "ImageDescription") +
                        " is not written yet");
          }
          extent = std::max(extent, text.offset + count);
        }
        break;
      }
      default: break;
    }
  }

  // 3. The strip arrays, and the strips.
  bool short_read = false;
  const detail::ReadAt bounded = [&](std::uint64_t offset, std::byte* out, std::size_t bytes) {
    if (offset + bytes > size_seen_) {
      short_read = true;
      return false;
    }
    read(offset, out, bytes);
    extent = std::max<std::uint64_t>(extent, offset + bytes);
    return true;
  };
  detail::StrileTable striles;
  try {
    striles = detail::read_strile_table(bounded, layout, ifd, false);
  } catch (const Error& e) {
    if (short_read) return wait("its strip arrays are not written yet");
    fail(page + ": " + e.what());
  }

  if (tags.tiled) fail(page + " is tiled; calmon follows only striped pages");
  // Entries still zeros: the IFD is being written.
  if (tags.width == 0 || tags.height == 0 || !striles.offsets || !striles.byte_counts) {
    return wait("its IFD at byte " + std::to_string(ifd) + " is not all written yet");
  }

  // Now everything but the pixels is there: what kind of page is it?
  if (tags.compression != 1) {
    fail(page + " is compressed (Compression " + std::to_string(tags.compression) +
         "); calmon follows only uncompressed pages");
  }
  if (tags.samples != 1) fail(page + " has " + std::to_string(tags.samples) + " samples per pixel, not 1");
  const std::optional<PixelType> type = pixel_type_for(tags.bits, tags.sample_format);
  if (!type) {
    fail(page + " has " + std::to_string(tags.bits) + "-bit samples of SampleFormat " +
         std::to_string(tags.sample_format) + ", not a pixel type calmon reads");
  }
  if (tags.width > 0xffffffffu || tags.height > 0xffffffffu) {
    fail(page + " is " + std::to_string(tags.width) + "x" + std::to_string(tags.height) + " pixels");
  }
  const FrameShape shape{static_cast<int>(std::min<std::uint64_t>(tags.width, INT32_MAX)),
                         static_cast<int>(std::min<std::uint64_t>(tags.height, INT32_MAX))};
  const std::uint64_t frame_bytes = tags.width * tags.height * bytes_per_pixel(*type);
  if (tags.width > INT32_MAX || tags.height > INT32_MAX || frame_bytes > max_frame_bytes_) {
    fail(page + " is " + std::to_string(tags.width) + "x" + std::to_string(tags.height) +
         " pixels, over the limit of " + std::to_string(max_frame_bytes_ >> 20) + " MiB a frame");
  }
  if (format_ &&
      (format_->shape.width != shape.width || format_->shape.height != shape.height || format_->pixel_type != *type)) {
    fail(page + " is " + shape_text(shape, *type) + ", but the pages before it are " +
         shape_text(format_->shape, format_->pixel_type));
  }
  if (striles.offsets->size() != striles.byte_counts->size() || striles.offsets->empty()) {
    fail(page + " has " + std::to_string(striles.offsets->size()) + " StripOffsets but " +
         std::to_string(striles.byte_counts->size()) + " StripByteCounts");
  }
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < striles.offsets->size(); ++i) {
    const std::uint64_t end = (*striles.offsets)[i] + (*striles.byte_counts)[i];
    if (end > size_seen_) {
      return wait("its strip " + std::to_string(i) + " ends at byte " + std::to_string(end) + ", the file has " +
                  std::to_string(size_seen_));
    }
    total += (*striles.byte_counts)[i];
  }
  if (total == 0) return wait("its StripByteCounts are not written yet");
  if (total != frame_bytes) {
    fail(page + "'s strips hold " + std::to_string(total) + " bytes, its " + shape_text(shape, *type) + " frame " +
         std::to_string(frame_bytes));
  }

  // 4. Complete: read it.
  GrowingTiffPage result;
  result.index = pages_read_;
  result.shape = shape;
  result.pixel_type = *type;
  result.pixels.resize(static_cast<std::size_t>(frame_bytes));
  std::size_t at = 0;
  for (std::size_t i = 0; i < striles.offsets->size(); ++i) {
    const auto bytes = static_cast<std::size_t>((*striles.byte_counts)[i]);
    if (bytes > 0) read((*striles.offsets)[i], result.pixels.data() + at, bytes);
    at += bytes;
    extent = std::max(extent, (*striles.offsets)[i] + bytes);
  }
  if (byte_swapped_) swap_samples(result.pixels, bytes_per_pixel(*type));
  result.description = read_text(tags.description);
  result.software = read_text(tags.software);

  format_ = Format{shape, *type};
  last_ifd_offset_ = ifd;
  link_position_ = ifd_end - word;
  end_of_pages_ = std::max(end_of_pages_, extent);
  waiting_for_.clear();
  ++pages_read_;
  pages.push_back(std::move(result));
  return Step::kPage;
}

void GrowingTiff::finish() {
  if (!file_) fail("does not exist");
  if (!header_read_) {
    fail(size_seen_ == 0 ? "is empty, not a TIFF file" : "is too short to be a TIFF file");
  }
  const std::string page = "page " + std::to_string(pages_read_) + " is incomplete: ";
  if (!waiting_for_.empty()) fail(page + waiting_for_ + " (the file was cut off)");
  // Strips written but never linked: a page cut off before its IFD was written. A
  // writer may pad to an even offset, so one byte is not a page.
  if (size_seen_ > end_of_pages_ + 1) {
    fail(page + "the file ends with " + std::to_string(size_seen_ - end_of_pages_) +
         " bytes after the last complete page that no IFD links (cut off before its IFD was written)");
  }
}

}  // namespace calmon::io
