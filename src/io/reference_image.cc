// reference_image.cc — .npy arrays decoded here, TIFF images through TiffMovieReader; see
// the header.
//
// A .npy array's header is read by npy_header.h; its size is checked against the frame
// limit and the file before anything is allocated, then its data is read whole and
// converted value by value from little-endian bytes (Fortran order only changes which
// pixel each value lands on). Both kinds then pass the same check for finite pixels.
#include "io/reference_image.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "io/npy_header.h"
#include "io/read_only_file.h"
#include "io/tiff_movie_reader.h"

namespace calmon::io {
namespace {

static_assert(std::endian::native == std::endian::little, "reference_image reads '<' data as the host's bytes");

// The raw values of type T, in C (row-major) or Fortran (column-major) order, into the
// row-major image.pixels.
template <class T> void convert(const std::byte* raw, bool fortran_order, Image& image) {
  const std::size_t width = static_cast<std::size_t>(image.shape.width);
  const std::size_t height = static_cast<std::size_t>(image.shape.height);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    T value;
    std::memcpy(&value, raw + i * sizeof(T), sizeof(T));
    const std::size_t pixel = fortran_order ? (i % height) * width + i / height : i;
    image.pixels[pixel] = static_cast<double>(value);
  }
}

struct NpyDtype {
  std::string_view code;  // numpy's descr without its byte order
  std::size_t bytes;
  void (*convert)(const std::byte*, bool, Image&);
};

constexpr NpyDtype kNpyDtypes[] = {
    {"u1", 1, &convert<std::uint8_t>}, {"u2", 2, &convert<std::uint16_t>}, {"u4", 4, &convert<std::uint32_t>},
    {"i1", 1, &convert<std::int8_t>},  {"i2", 2, &convert<std::int16_t>},  {"i4", 4, &convert<std::int32_t>},
    {"f4", 4, &convert<float>},        {"f8", 8, &convert<double>},
};

const NpyDtype& npy_dtype(const std::string& descr, const std::string& path) {
  const std::string_view order = std::string_view(descr).substr(0, 1);
  if (order == ">") {
    throw Error(path + ": dtype '" + descr + "' is big-endian; save the array little-endian, e.g. numpy's a.astype('<" +
                descr.substr(1) + "')");
  }
  for (const NpyDtype& dtype : kNpyDtypes) {
    if ((order == "<" || order == "|") && descr.substr(1) == dtype.code) return dtype;
  }
  throw Error(path + ": unsupported dtype '" + descr + "'; a reference image is u1, u2, u4, i1, i2, i4, f4 or f8");
}

Image read_npy_image(const std::string& path, std::size_t max_frame_bytes) {
  const detail::ReadOnlyFile file(path);
  if (!file.is_open()) throw Error(path + ": cannot open: " + std::strerror(file.open_errno()));
  const detail::NpyHeader header = detail::read_npy_header(file.fd(), path, "not a .npy array");
  const std::string shape = detail::npy_shape_text(header.shape);
  if (header.shape.size() != 2) throw Error(path + ": a reference image is a 2-D array, this one has shape " + shape);
  const NpyDtype& dtype = npy_dtype(header.descr, path);
  const std::size_t height = header.shape[0];
  const std::size_t width = header.shape[1];
  if (height == 0 || width == 0) throw Error(path + ": the image is empty, shape " + shape);
  // Each side within the limit first, so that the product cannot overflow.
  const std::size_t max_pixels = max_frame_bytes / dtype.bytes;
  if (width > max_pixels || height > max_pixels / width || width > INT_MAX || height > INT_MAX) {
    throw Error(path + ": shape " + shape + " of '" + header.descr + "' has more pixels than the limit of " +
                format_mib(max_frame_bytes) + " (--max-frame-mib)");
  }
  const std::size_t data_bytes = height * width * dtype.bytes;
  const std::uint64_t held = header.file_bytes - header.data_offset;
  if (held < data_bytes) {
    throw Error(path + ": the data is cut short: shape " + shape + " of '" + header.descr + "' needs " +
                std::to_string(data_bytes) + " bytes, the file holds " + std::to_string(held) + " after its header");
  }
  std::vector<std::byte> raw(data_bytes);
  if (!file.read_at(header.data_offset, raw.data(), raw.size())) {
    throw Error(path + ": cannot read the data: " + (errno != 0 ? std::strerror(errno) : "the file ended early"));
  }
  Image image{FrameShape{static_cast<int>(width), static_cast<int>(height)}, std::vector<double>(height * width)};
  dtype.convert(raw.data(), header.fortran_order, image);
  return image;
}

Image read_tiff_image(const std::string& path, std::size_t max_frame_bytes) {
  TiffMovieReader reader(path, max_frame_bytes);
  const TiffMovieInfo& info = reader.info();
  const std::int64_t pages = info.frames * info.channels * info.slices;
  if (pages != 1) {
    throw Error(path + ": has " + std::to_string(pages) +
                " pages; a reference is one image: save the mean image, e.g. calmon-analyze's all_mean.tif");
  }
  return image_of(reader.read(0));
}

void check_finite(const Image& image, const std::string& path) {
  const auto bad = std::find_if(image.pixels.begin(), image.pixels.end(), [](double v) { return !std::isfinite(v); });
  if (bad == image.pixels.end()) return;
  const std::size_t at = static_cast<std::size_t>(bad - image.pixels.begin());
  const std::size_t width = static_cast<std::size_t>(image.shape.width);
  throw Error(path + ": pixel x " + std::to_string(at % width) + ", y " + std::to_string(at / width) + " is " +
              (std::isnan(*bad) ? "NaN"
               : *bad > 0       ? "inf"
                                : "-inf") +
              "; a reference image must be finite");
}

}  // namespace

Image read_reference_image(const std::string& path, std::size_t max_frame_bytes) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  Image image;
  if (extension == ".npy") {
    image = read_npy_image(path, max_frame_bytes);
  } else if (extension == ".tif" || extension == ".tiff") {
    image = read_tiff_image(path, max_frame_bytes);
  } else {
    throw Error(path + ": not a reference image file: its name must end in .npy, .tif or .tiff");
  }
  check_finite(image, path);
  return image;
}

}  // namespace calmon::io
