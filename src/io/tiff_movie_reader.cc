// tiff_movie_reader.cc — a multi-page TIFF movie, one frame at a time, with libtiff.
//
// Opening walks the chain of IFDs once (tags only, no pixel data): it records where
// every page's IFD is, so that read() jumps straight to any page (TIFFSetSubDirectory)
// instead of walking the chain again. It checks every page's size against the frame
// size limit and its size and pixel type against the first, and the page's strips or
// tiles against its own tags as the file stores them (tiff_strile_table.h: libtiff's
// view is repaired): as many as ImageLength, RowsPerStrip or the tile size need, none
// empty or overlapping the file's header, all inside the file, and each large enough
// for the rows it must hold (uncompressed, or compressed with a codec whose expansion
// is bounded: tiff_codec_expansion.h). So a bad or truncated page is reported before
// the first frame is used, a page never shows other bytes of the file as pixels, and a
// few bytes of tags never make the reader allocate more than the limit. libtiff's strip
// chopping is off ("c"), so that libtiff's strips are the file's. libtiff's warnings
// are kept: per page for the error message, and distinct ones for take_warnings().
// The first page's ImageJ description, if any, gives the hyperstack's C, Z and T and
// tells whether the file uses ImageJ's >4 GiB layout (one IFD, the other frames stored
// raw right after the first); those frames are read with plain pread()s and byte-swapped
// by hand. Only the current frame is in memory; read() reuses one buffer.
//
// Pages in messages are named 0-based, like numpy's data[t], and counted from 1, as
// Fiji shows them: "page 5 (the 6th of 10)".
#include "io/tiff_movie_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "io/libtiff_handle.h"
#include "io/tiff_codec_expansion.h"
#include "io/tiff_strile_table.h"

namespace calmon::io {
namespace {

using detail::LibtiffMessages;
using detail::StrileTable;
using detail::TiffHandle;

// A read-only POSIX file descriptor, closed on destruction.
class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(const std::string& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)), open_errno_(fd_ < 0 ? errno : 0) {}
  ~ReadOnlyFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  bool is_open() const { return fd_ >= 0; }
  int open_errno() const { return open_errno_; }
  int fd() const { return fd_; }

  // Reads exactly `size` bytes at `offset`; false if the file ends first or on error.
  bool read_at(std::uint64_t offset, std::byte* out, std::size_t size) const {
    errno = 0;
    while (size > 0) {
      const ssize_t got = ::pread(fd_, out, size, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      out += got;
      offset += static_cast<std::uint64_t>(got);
      size -= static_cast<std::size_t>(got);
    }
    return true;
  }

 private:
  int fd_;
  int open_errno_;
};

// What one page's tags say about its pixels.
struct PageFormat {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint16_t samples_per_pixel = 1;
  std::uint16_t bits_per_sample = 1;
  std::uint16_t sample_format = SAMPLEFORMAT_UINT;
  std::uint16_t compression = COMPRESSION_NONE;
  std::uint16_t planar_config = PLANARCONFIG_CONTIG;
  bool tiled = false;
  std::uint32_t rows_per_strip = 0;  // striped pages
  std::uint32_t tile_width = 0;      // tiled pages
  std::uint32_t tile_height = 0;
  std::uint32_t libtiff_striles = 0;  // how many strips or tiles libtiff will read
  std::string libtiff_said;           // libtiff's warnings while reading the page's tags
};

PageFormat read_page_format(TIFF* tiff) {
  PageFormat format;
  TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &format.width);
  TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &format.height);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &format.samples_per_pixel);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &format.bits_per_sample);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &format.sample_format);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_COMPRESSION, &format.compression);
  TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &format.planar_config);
  format.tiled = TIFFIsTiled(tiff) != 0;
  if (format.tiled) {
    TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &format.tile_width);
    TIFFGetField(tiff, TIFFTAG_TILELENGTH, &format.tile_height);
    format.libtiff_striles = TIFFNumberOfTiles(tiff);
  } else {
    TIFFGetFieldDefaulted(tiff, TIFFTAG_ROWSPERSTRIP, &format.rows_per_strip);
    format.libtiff_striles = TIFFNumberOfStrips(tiff);
  }
  return format;
}

// SAMPLEFORMAT_VOID ("untyped") is read as unsigned, as the TIFF spec suggests.
std::optional<PixelType> pixel_type_of_page(const PageFormat& format) {
  const bool unsigned_int =
      format.sample_format == SAMPLEFORMAT_UINT || format.sample_format == SAMPLEFORMAT_VOID;
  switch (format.bits_per_sample) {
    case 8:
      if (unsigned_int) return PixelType::kU8;
      break;
    case 16:
      if (unsigned_int) return PixelType::kU16;
      if (format.sample_format == SAMPLEFORMAT_INT) return PixelType::kI16;
      break;
    case 32:
      if (unsigned_int) return PixelType::kU32;
      if (format.sample_format == SAMPLEFORMAT_IEEEFP) return PixelType::kF32;
      break;
    case 64:
      if (format.sample_format == SAMPLEFORMAT_IEEEFP) return PixelType::kF64;
      break;
  }
  return std::nullopt;
}

// "1-bit unsigned integer", "64-bit complex float": for unsupported types in messages.
std::string describe_samples(const PageFormat& format) {
  std::string kind;
  switch (format.sample_format) {
    case SAMPLEFORMAT_UINT: kind = "unsigned integer"; break;
    case SAMPLEFORMAT_INT: kind = "signed integer"; break;
    case SAMPLEFORMAT_IEEEFP: kind = "float"; break;
    case SAMPLEFORMAT_VOID: kind = "untyped"; break;
    case SAMPLEFORMAT_COMPLEXINT: kind = "complex integer"; break;
    case SAMPLEFORMAT_COMPLEXIEEEFP: kind = "complex float"; break;
    default: kind = "sample format " + std::to_string(format.sample_format); break;
  }
  return std::to_string(format.bits_per_sample) + "-bit " + kind;
}

std::string describe_size(std::uint32_t width, std::uint32_t height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

// "1 channel", "3 channels".
std::string count_of(std::uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

// "1st", "2nd", "3rd", "4th", "11th", "21st".
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

// "2385 MiB": rounded up, so that it is enough for --max-frame-mib.
std::string whole_mib(std::uint64_t bytes) {
  return std::to_string(ceil_div(bytes, 1u << 20)) + " MiB";
}

std::string codec_name(std::uint16_t compression) {
  const TIFFCodec* codec = TIFFFindCODEC(compression);
  const std::string number = "compression " + std::to_string(compression);
  return codec != nullptr ? number + " (" + codec->name + ")" : number;
}

// The counts an ImageJ description ("ImageJ=1.53t\nimages=24\nchannels=2\n...") gives.
struct ImageJCounts {
  std::optional<std::int64_t> images;
  std::optional<std::int64_t> channels;
  std::optional<std::int64_t> slices;
  std::optional<std::int64_t> frames;
};

bool is_imagej_description(std::string_view description) {
  return description.starts_with("ImageJ=");
}

// Parses the counts; `fail` is called with a message for a count that is not a
// positive whole number.
template <class Fail>
ImageJCounts parse_imagej_counts(std::string_view description, Fail&& fail) {
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

void reverse_bytes_of_each_sample(std::byte* data, std::size_t byte_count,
                                  std::size_t sample_bytes) {
  if (sample_bytes <= 1) return;
  for (std::size_t i = 0; i + sample_bytes <= byte_count; i += sample_bytes) {
    std::reverse(data + i, data + i + sample_bytes);
  }
}

}  // namespace

struct TiffMovieReader::Impl {
  std::string path;
  std::size_t max_frame_bytes;
  LibtiffMessages messages;  // declared before `tiff`: it must outlive the handle
  ReadOnlyFile file;
  std::uint64_t file_size = 0;
  TiffHandle tiff;
  TiffMovieInfo info;
  PageFormat first_format;
  std::size_t frame_bytes = 0;
  std::vector<toff_t> page_ifd_offsets;  // where each page's IFD is
  std::int64_t page_count = 0;           // pages in ImageJ's CZT order (== IFDs, except below)
  std::int64_t loaded_page = -1;         // the page whose IFD libtiff has loaded, -1 if none
  // ImageJ's >4 GiB layout: one IFD, pages stored raw one after the other from here.
  bool contiguous_pages = false;
  std::uint64_t first_page_data_offset = 0;
  std::vector<std::byte> frame;  // the frame read() returns a view of
  std::vector<std::byte> tile;   // one decoded tile of a tiled page

  Impl(const std::string& path_, std::size_t max_frame_bytes_)
      : path(path_), max_frame_bytes(max_frame_bytes_), file(path_) {}

  [[noreturn]] void fail(const std::string& problem) const { throw Error(path + ": " + problem); }
  // Like fail(), with what libtiff said about it appended.
  [[noreturn]] void fail_with_libtiff(const std::string& problem) {
    const std::string said = messages.take();
    fail(said.empty() ? problem : problem + ": " + said);
  }

  // "page 5 (the 6th of 10)"; "page 5 (the 6th)" while the pages are still being counted.
  std::string page_name(std::int64_t page) const {
    const std::string total = page_count > 0 ? " of " + std::to_string(page_count) : "";
    return "page " + std::to_string(page) + " (the " + ordinal(static_cast<std::uint64_t>(page) + 1) +
           total + ")";
  }

  void check_file_looks_like_tiff();
  void open_with_libtiff();
  std::vector<PageFormat> walk_pages(std::string& first_description);
  void check_last_ifd_is_whole();
  void check_page_format(std::int64_t page, const PageFormat& format) const;
  void check_page_data(std::int64_t page, const PageFormat& format) const;
  void lay_out_pages(const std::string& first_description, std::int64_t ifd_count);
  void check_contiguous_layout(std::int64_t images);

  void load_page(std::int64_t page);
  void decode_strips(std::int64_t page);
  void decode_tiles(std::int64_t page);
  void read_contiguous_page(std::int64_t page);
};

void TiffMovieReader::Impl::check_file_looks_like_tiff() {
  if (!file.is_open()) fail(std::string("cannot open: ") + std::strerror(file.open_errno()));
  struct stat status {};
  if (::fstat(file.fd(), &status) != 0) fail(std::string("cannot stat: ") + std::strerror(errno));
  if (S_ISDIR(status.st_mode)) fail("is a directory, not a TIFF file");
  if (status.st_size == 0) fail("is empty, not a TIFF file");
  file_size = static_cast<std::uint64_t>(status.st_size);
  std::byte header[4] = {};
  if (status.st_size < 8 || !file.read_at(0, header, sizeof header)) {
    fail("is too short to be a TIFF file (" + std::to_string(status.st_size) + " bytes)");
  }
  const auto byte = [&](int i) { return static_cast<unsigned char>(header[i]); };
  const bool little =
      byte(0) == 'I' && byte(1) == 'I' && byte(3) == 0 && (byte(2) == 42 || byte(2) == 43);
  const bool big =
      byte(0) == 'M' && byte(1) == 'M' && byte(2) == 0 && (byte(3) == 42 || byte(3) == 43);
  if (!little && !big) fail("is not a TIFF file (no TIFF header at its start)");
}

void TiffMovieReader::Impl::open_with_libtiff() {
  // "m": no memory mapping, so a file that shrinks while open gives a read error, not SIGBUS.
  // "c": no strip chopping, so that libtiff's strips are the ones the file's tags describe.
  tiff = detail::open_tiff(path, "rmc", messages);
  if (!tiff) fail_with_libtiff("cannot be read as a TIFF file");
  info.bigtiff = TIFFIsBigTIFF(tiff.get()) != 0;
}

// Visits every IFD once, recording its offset and format.
std::vector<PageFormat> TiffMovieReader::Impl::walk_pages(std::string& first_description) {
  std::vector<PageFormat> formats;
  char* description = nullptr;
  if (TIFFGetField(tiff.get(), TIFFTAG_IMAGEDESCRIPTION, &description) && description != nullptr) {
    first_description = description;
  }
  while (true) {
    page_ifd_offsets.push_back(TIFFCurrentDirOffset(tiff.get()));
    formats.push_back(read_page_format(tiff.get()));
    formats.back().libtiff_said = messages.take();
    if (TIFFLastDirectory(tiff.get())) break;
    if (!TIFFReadDirectory(tiff.get())) {
      fail_with_libtiff(page_name(static_cast<std::int64_t>(formats.size())) +
                        " cannot be read (truncated or corrupt file?)");
    }
  }
  loaded_page = static_cast<std::int64_t>(formats.size()) - 1;
  check_last_ifd_is_whole();
  return formats;
}

// libtiff reads a next-IFD offset cut off by the end of the file as 0, "no more
// pages", so a file truncated right after an IFD's entries would look whole.
void TiffMovieReader::Impl::check_last_ifd_is_whole() {
  const std::uint64_t offset = page_ifd_offsets.back();
  const std::size_t count_bytes = info.bigtiff ? 8 : 2;
  std::byte count_field[8] = {};
  if (!file.read_at(offset, count_field, count_bytes)) {
    fail("the file ends inside the last page's IFD (truncated?)");
  }
  if (TIFFIsByteSwapped(tiff.get())) std::reverse(count_field, count_field + count_bytes);
  std::uint64_t entries = 0;
  for (std::size_t i = count_bytes; i-- > 0;) {
    entries = (entries << 8) | static_cast<unsigned char>(count_field[i]);
  }
  const std::uint64_t end =
      info.bigtiff ? offset + 8 + entries * 20 + 8 : offset + 2 + entries * 12 + 4;
  if (end > file_size) {
    fail("the file ends inside the IFD of page " + std::to_string(page_ifd_offsets.size() - 1) +
         " (truncated?)");
  }
}

void TiffMovieReader::Impl::check_page_format(std::int64_t page, const PageFormat& format) const {
  if (format.samples_per_pixel != 1) {
    fail(page_name(page) + " has " + std::to_string(format.samples_per_pixel) +
         " samples per pixel (RGB?); calmon reads single-channel pages");
  }
  const std::optional<PixelType> type = pixel_type_of_page(format);
  if (!type) {
    fail(page_name(page) + " has " + describe_samples(format) +
         " pixels; calmon reads uint8, uint16, int16, uint32, float32 or float64");
  }
  if (format.width == 0 || format.height == 0 || format.width > INT_MAX ||
      format.height > INT_MAX) {
    fail(page_name(page) + " has an unusable size " + describe_size(format.width, format.height));
  }
  const std::uint64_t frame_bytes_of_page =
      std::uint64_t{format.width} * format.height * bytes_per_pixel(*type);
  if (frame_bytes_of_page > max_frame_bytes) {
    fail(page_name(page) + " is " + describe_size(format.width, format.height) + " " +
         std::string(pixel_type_name(*type)) + ", " + whole_mib(frame_bytes_of_page) +
         " of pixels; the limit is " + format_mib(max_frame_bytes) + " (--max-frame-mib)");
  }
  if (!TIFFIsCODECConfigured(format.compression)) {
    fail(page_name(page) + " uses " + codec_name(format.compression) +
         ", which this build of libtiff cannot decode");
  }
  if (page == 0) return;
  if (format.width != first_format.width || format.height != first_format.height) {
    fail(page_name(page) + " is " + describe_size(format.width, format.height) +
         ", the first page is " + describe_size(first_format.width, first_format.height));
  }
  if (*type != info.pixel_type) {
    fail(page_name(page) + " is " + std::string(pixel_type_name(*type)) + ", the first page is " +
         std::string(pixel_type_name(info.pixel_type)));
  }
}

// The page's strips or tiles, as its IFD lists them, against what its size needs.
void TiffMovieReader::Impl::check_page_data(std::int64_t page, const PageFormat& format) const {
  // `text` follows the page's name: " has ...", ": strip 3 ...".
  const auto problem = [&](const std::string& text) {
    fail(page_name(page) + text +
         (format.libtiff_said.empty() ? "" : " (libtiff: " + format.libtiff_said + ")"));
  };
  const std::string noun = format.tiled ? "tile" : "strip";
  const std::string offsets_tag = format.tiled ? "TileOffsets" : "StripOffsets";
  const std::string counts_tag = format.tiled ? "TileByteCounts" : "StripByteCounts";
  StrileTable table;
  try {
    const detail::TiffLayout layout{info.bigtiff, TIFFIsByteSwapped(tiff.get()) != 0};
    table = detail::read_strile_table(
        [this](std::uint64_t offset, std::byte* out, std::size_t size) {
          return file.read_at(offset, out, size);
        },
        layout, page_ifd_offsets[static_cast<std::size_t>(page)], format.tiled);
  } catch (const Error& e) {
    problem(std::string(": ") + e.what());
  }
  if (!table.offsets) problem(" has no " + offsets_tag + " tag");
  if (!table.byte_counts) problem(" has no " + counts_tag + " tag");

  // How many strips or tiles the page's size needs, and the rows and columns of each
  // (calmon reads one sample per pixel: one plane, whatever the planar configuration).
  const std::uint64_t width = format.width;
  const std::uint64_t height = format.height;
  std::uint64_t rows = format.tile_height;  // of each strip or tile (the last strip: fewer)
  std::uint64_t columns = format.tile_width;
  std::uint64_t needed = 0;
  std::string because;
  const std::uint64_t pixel_bytes = format.bits_per_sample / 8u;
  const std::string pixel_type = std::string(pixel_type_name(*pixel_type_of_page(format)));
  if (format.tiled) {
    if (rows == 0 || columns == 0) {
      problem(" has tiles of " + describe_size(format.tile_width, format.tile_height));
    }
    if (rows * columns > max_frame_bytes / pixel_bytes) {  // one tile is decoded at a time
      problem(" has tiles of " + describe_size(format.tile_width, format.tile_height) + " " +
              pixel_type + ", " + whole_mib(rows * columns * pixel_bytes) +
              " each; the limit is " + format_mib(max_frame_bytes) + " (--max-frame-mib)");
    }
    needed = ceil_div(width, columns) * ceil_div(height, rows);
    because = describe_size(format.width, format.height) + " pixels in " +
              describe_size(format.tile_width, format.tile_height) + " tiles need " +
              count_of(needed, noun);
  } else {
    if (format.rows_per_strip == 0) problem(" has RowsPerStrip 0");
    rows = std::min<std::uint64_t>(format.rows_per_strip, height);
    columns = width;
    needed = ceil_div(height, rows);
    because = "ImageLength " + std::to_string(height) + " with RowsPerStrip " +
              std::to_string(format.rows_per_strip) + " needs " + count_of(needed, noun);
  }
  if (format.planar_config == PLANARCONFIG_SEPARATE) needed *= format.samples_per_pixel;
  const auto entries = [](std::size_t n) {
    return n == 1 ? std::string("1 entry") : std::to_string(n) + " entries";
  };
  if (table.offsets->size() != needed) {
    problem(" has " + entries(table.offsets->size()) + " in " + offsets_tag + "; " + because);
  }
  if (table.byte_counts->size() != needed) {
    problem(" has " + entries(table.byte_counts->size()) + " in " + counts_tag + "; " + because);
  }
  if (format.libtiff_striles != needed) {  // never, unless libtiff reads the tags otherwise
    problem(": libtiff counts " + count_of(format.libtiff_striles, noun) + ", its tags say " +
            std::to_string(needed));
  }

  const std::uint64_t header_bytes = info.bigtiff ? 16 : 8;
  const std::optional<std::uint64_t> expansion =
      detail::max_decoded_bytes_per_byte(format.compression);
  for (std::uint64_t i = 0; i < needed; ++i) {
    const std::uint64_t offset = (*table.offsets)[i];
    const std::uint64_t bytes = (*table.byte_counts)[i];
    const std::string strile = ": " + noun + " " + std::to_string(i);
    if (bytes == 0) problem(strile + " is empty (" + counts_tag + " 0)");
    if (offset < header_bytes) {
      problem(strile + " starts at byte " + std::to_string(offset) + ", inside the file's header");
    }
    if (offset > file_size || bytes > file_size - offset) {
      problem(strile + " runs to byte " + std::to_string(offset + bytes) +
              ", past the end of the file at byte " + std::to_string(file_size) + " (truncated?)");
    }
    if (!expansion) continue;  // unbounded: the frame size limit and the decoder check the rest
    std::uint64_t strile_rows = rows;
    if (!format.tiled) {
      const std::uint64_t first_row = i % ceil_div(height, rows) * rows;
      strile_rows = std::min(rows, height - first_row);
    }
    const std::uint64_t needs = strile_rows * columns * pixel_bytes;  // <= the frame size limit
    if (bytes < ceil_div(needs, *expansion)) {  // bytes * expansion < needs, without overflow
      const std::string rows_need = "its " + count_of(strile_rows, "row") + " of " +
                                    std::to_string(columns) + " " + pixel_type + " pixels need " +
                                    std::to_string(needs);
      if (*expansion == 1) {
        problem(strile + " holds " + std::to_string(bytes) + " bytes; " + rows_need +
                " (BitsPerSample, ImageLength or RowsPerStrip wrong?)");
      } else {
        problem(strile + " holds " + std::to_string(bytes) + " bytes, " +
                codec_name(format.compression) + ", which decode to " +
                std::to_string(bytes * *expansion) + " bytes at most; " + rows_need +
                " (ImageWidth, ImageLength, BitsPerSample or RowsPerStrip wrong?)");
      }
    }
  }
}

// Sets frames/channels/slices and the page layout from the IFD count and the first
// page's description.
void TiffMovieReader::Impl::lay_out_pages(const std::string& first_description,
                                          std::int64_t ifd_count) {
  page_count = ifd_count;
  info.frames = ifd_count;
  if (!is_imagej_description(first_description)) return;
  info.imagej = true;
  const ImageJCounts counts =
      parse_imagej_counts(first_description, [this](const std::string& problem) { fail(problem); });
  const std::int64_t channels = counts.channels.value_or(1);
  const std::int64_t slices = counts.slices.value_or(1);
  if (channels > INT_MAX || slices > INT_MAX) {
    fail("ImageJ description has too many channels or slices");
  }
  const std::int64_t per_time_point = channels * slices;  // < 2^62: no overflow
  const std::string c_times_z =
      "channels=" + std::to_string(channels) + " x slices=" + std::to_string(slices);
  std::int64_t images = ifd_count;
  if (counts.images) {
    images = *counts.images;
  } else if (counts.frames) {
    if (__builtin_mul_overflow(per_time_point, *counts.frames, &images)) {
      fail("ImageJ description has an impossible number of frames");
    }
  }
  if (images % per_time_point != 0) {
    fail("ImageJ description says images=" + std::to_string(images) + ", not a multiple of " +
         c_times_z);
  }
  const std::int64_t frames = counts.frames.value_or(images / per_time_point);
  if (frames != images / per_time_point) {
    fail("ImageJ description says images=" + std::to_string(images) + " but " + c_times_z +
         " x frames=" + std::to_string(frames));
  }
  info.channels = static_cast<int>(channels);
  info.slices = static_cast<int>(slices);
  info.frames = frames;
  page_count = images;
  if (ifd_count == 1 && images > 1) {
    check_contiguous_layout(images);
  } else if (ifd_count != images) {
    fail("ImageJ description says images=" + std::to_string(images) + " but the file has " +
         std::to_string(ifd_count) + " pages");
  }
}

void TiffMovieReader::Impl::check_contiguous_layout(std::int64_t images) {
  const std::string layout =
      "ImageJ description says images=" + std::to_string(images) + " stored after the only IFD";
  if (first_format.compression != COMPRESSION_NONE || first_format.tiled) {
    fail(layout + ", but the first page is " + (first_format.tiled ? "tiled" : "compressed") +
         "; calmon reads that layout only uncompressed and striped");
  }
  TIFF* t = tiff.get();
  first_page_data_offset = TIFFGetStrileOffset(t, 0);
  std::uint64_t next = first_page_data_offset;
  for (std::uint32_t strip = 0; strip < TIFFNumberOfStrips(t); ++strip) {
    if (TIFFGetStrileOffset(t, strip) != next) {
      fail(layout + ", but the first page's strips are not contiguous");
    }
    next += TIFFGetStrileByteCount(t, strip);
  }
  if (next - first_page_data_offset != frame_bytes) {
    fail(layout + ", but the first page's strips hold " +
         std::to_string(next - first_page_data_offset) + " bytes, not the " +
         std::to_string(frame_bytes) + " of one frame");
  }
  struct stat status {};
  if (::fstat(file.fd(), &status) != 0) fail(std::string("cannot stat: ") + std::strerror(errno));
  const std::uint64_t needed =
      first_page_data_offset + static_cast<std::uint64_t>(images) * frame_bytes;
  if (static_cast<std::uint64_t>(status.st_size) < needed) {
    const std::uint64_t complete =
        (static_cast<std::uint64_t>(status.st_size) - first_page_data_offset) / frame_bytes;
    fail(layout + ", but the file ends after " + std::to_string(complete) +
         " of them (truncated?)");
  }
  contiguous_pages = true;
}

TiffMovieReader::TiffMovieReader(const std::string& path, std::size_t max_frame_bytes)
    : impl_(std::make_unique<Impl>(path, max_frame_bytes)) {
  Impl& m = *impl_;
  m.check_file_looks_like_tiff();
  m.open_with_libtiff();
  std::string first_description;
  const std::vector<PageFormat> formats = m.walk_pages(first_description);
  const auto ifd_count = static_cast<std::int64_t>(formats.size());
  m.page_count = ifd_count;
  m.first_format = formats[0];
  m.check_page_format(0, m.first_format);
  m.info.pixel_type = *pixel_type_of_page(m.first_format);
  m.info.shape =
      FrameShape{static_cast<int>(m.first_format.width), static_cast<int>(m.first_format.height)};
  m.frame_bytes = m.info.shape.pixel_count() * bytes_per_pixel(m.info.pixel_type);
  for (std::int64_t page = 0; page < ifd_count; ++page) {
    const PageFormat& format = formats[static_cast<std::size_t>(page)];
    if (page > 0) m.check_page_format(page, format);
    m.check_page_data(page, format);
  }
  m.lay_out_pages(first_description, ifd_count);
  m.frame.resize(m.frame_bytes);
}

TiffMovieReader::~TiffMovieReader() = default;

const TiffMovieInfo& TiffMovieReader::info() const {
  return impl_->info;
}

std::vector<std::string> TiffMovieReader::take_warnings() {
  return impl_->messages.take_new_warnings();
}

AnyFrameView TiffMovieReader::read(std::int64_t t, int channel, int slice) {
  Impl& m = *impl_;
  const TiffMovieInfo& info = m.info;
  if (t < 0 || t >= info.frames) {
    m.fail("t=" + std::to_string(t) + " is out of range, the movie has " +
           count_of(info.frames, "time point"));
  }
  if (channel < 0 || channel >= info.channels) {
    m.fail("channel " + std::to_string(channel) + " is out of range, the movie has " +
           count_of(info.channels, "channel"));
  }
  if (slice < 0 || slice >= info.slices) {
    m.fail("slice " + std::to_string(slice) + " is out of range, the movie has " +
           count_of(info.slices, "slice"));
  }
  const std::int64_t page =
      (t * info.slices + slice) * info.channels + channel;  // ImageJ's CZT order
  m.messages.take();  // forget anything libtiff said during earlier, successful calls
  if (m.contiguous_pages) {
    m.read_contiguous_page(page);
  } else {
    m.load_page(page);
    if (TIFFIsTiled(m.tiff.get())) {  // pages may differ: striped and tiled in one file
      m.decode_tiles(page);
    } else {
      m.decode_strips(page);
    }
  }
  return AnyFrameView(info.pixel_type, m.frame.data(), info.shape);
}

void TiffMovieReader::Impl::load_page(std::int64_t page) {
  if (loaded_page == page) return;
  loaded_page = -1;
  if (!TIFFSetSubDirectory(tiff.get(), page_ifd_offsets[static_cast<std::size_t>(page)])) {
    fail_with_libtiff(page_name(page) + " cannot be read (truncated or corrupt file?)");
  }
  check_page_format(page, read_page_format(tiff.get()));
  loaded_page = page;
}

void TiffMovieReader::Impl::decode_strips(std::int64_t page) {
  TIFF* t = tiff.get();
  const std::uint32_t height = first_format.height;
  const std::size_t row_bytes =
      static_cast<std::size_t>(first_format.width) * bytes_per_pixel(info.pixel_type);
  std::uint32_t rows_per_strip = 0;
  TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
  if (rows_per_strip == 0 || rows_per_strip > height) rows_per_strip = height;
  const std::uint32_t strips = (height + rows_per_strip - 1) / rows_per_strip;
  if (TIFFNumberOfStrips(t) < strips) {
    fail(page_name(page) + " has " + std::to_string(TIFFNumberOfStrips(t)) + " strips, " +
         std::to_string(strips) + " are needed for " + std::to_string(height) + " rows");
  }
  for (std::uint32_t strip = 0; strip < strips; ++strip) {
    const std::uint32_t first_row = strip * rows_per_strip;
    const std::uint32_t rows = std::min(rows_per_strip, height - first_row);
    const auto bytes = static_cast<tmsize_t>(rows * row_bytes);
    std::byte* out = frame.data() + first_row * row_bytes;
    if (TIFFReadEncodedStrip(t, strip, out, bytes) != bytes) {
      fail_with_libtiff(page_name(page) + ": strip " + std::to_string(strip) +
                        " cannot be decoded (truncated or corrupt file?)");
    }
  }
}

void TiffMovieReader::Impl::decode_tiles(std::int64_t page) {
  TIFF* t = tiff.get();
  std::uint32_t tile_width = 0;
  std::uint32_t tile_height = 0;
  TIFFGetField(t, TIFFTAG_TILEWIDTH, &tile_width);
  TIFFGetField(t, TIFFTAG_TILELENGTH, &tile_height);
  const tmsize_t tile_bytes = TIFFTileSize(t);
  const std::size_t pixel_bytes = bytes_per_pixel(info.pixel_type);
  if (tile_width == 0 || tile_height == 0 || tile_bytes <= 0 ||
      static_cast<std::size_t>(tile_bytes) != std::size_t{tile_width} * tile_height * pixel_bytes) {
    fail_with_libtiff(page_name(page) + " has unusable tiles of " +
                      describe_size(tile_width, tile_height));
  }
  tile.resize(static_cast<std::size_t>(tile_bytes));
  const std::uint32_t width = first_format.width;
  const std::uint32_t height = first_format.height;
  const std::size_t row_bytes = std::size_t{width} * pixel_bytes;
  for (std::uint32_t y0 = 0; y0 < height; y0 += tile_height) {
    for (std::uint32_t x0 = 0; x0 < width; x0 += tile_width) {
      const std::uint32_t index = TIFFComputeTile(t, x0, y0, 0, 0);
      if (TIFFReadEncodedTile(t, index, tile.data(), tile_bytes) != tile_bytes) {
        fail_with_libtiff(page_name(page) + ": tile " + std::to_string(index) +
                          " cannot be decoded (truncated or corrupt file?)");
      }
      const std::uint32_t rows = std::min(tile_height, height - y0);
      const std::size_t copy_bytes = std::min(tile_width, width - x0) * pixel_bytes;
      for (std::uint32_t r = 0; r < rows; ++r) {
        std::memcpy(frame.data() + (y0 + r) * row_bytes + x0 * pixel_bytes,
                    tile.data() + std::size_t{r} * tile_width * pixel_bytes, copy_bytes);
      }
    }
  }
}

void TiffMovieReader::Impl::read_contiguous_page(std::int64_t page) {
  const std::uint64_t offset =
      first_page_data_offset + static_cast<std::uint64_t>(page) * frame_bytes;
  if (!file.read_at(offset, frame.data(), frame_bytes)) {
    fail(page_name(page) + " cannot be read at byte " + std::to_string(offset) + ": " +
         (errno != 0 ? std::strerror(errno) : "the file ends first (truncated?)"));
  }
  if (TIFFIsByteSwapped(tiff.get())) {
    reverse_bytes_of_each_sample(frame.data(), frame_bytes, bytes_per_pixel(info.pixel_type));
  }
}

}  // namespace calmon::io
