// tiff_writer.cc — multi-page movies and float32 images, written with libtiff.
//
// Every page is one uncompressed strip, written as soon as it is appended, so memory
// stays one frame whatever the movie's length. The pixel type becomes BITSPERSAMPLE
// plus SAMPLEFORMAT (uint, int or IEEE float), which is all libtiff, tifffile and Fiji
// need to give back the same numbers. Pixels are written in the host's byte order.
#include "io/tiff_writer.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "io/libtiff_handle.h"

namespace calmon::io {
namespace {

struct SampleLayout {
  std::uint16_t bits_per_sample;
  std::uint16_t sample_format;
};

SampleLayout sample_layout_of(PixelType type) {
  switch (type) {
    case PixelType::kU8: return {8, SAMPLEFORMAT_UINT};
    case PixelType::kU16: return {16, SAMPLEFORMAT_UINT};
    case PixelType::kI16: return {16, SAMPLEFORMAT_INT};
    case PixelType::kU32: return {32, SAMPLEFORMAT_UINT};
    case PixelType::kF32: return {32, SAMPLEFORMAT_IEEEFP};
    case PixelType::kF64: return {64, SAMPLEFORMAT_IEEEFP};
  }
  throw Error("unsupported pixel type code " + std::to_string(static_cast<int>(type)));
}

std::string describe_size(FrameShape shape) { return std::to_string(shape.width) + "x" + std::to_string(shape.height); }

}  // namespace

struct TiffMovieWriter::Impl {
  std::string path;
  FrameShape shape;
  PixelType pixel_type;
  detail::LibtiffMessages messages;  // declared before `tiff`: it must outlive the handle
  detail::TiffHandle tiff;
  std::int64_t pages_written = 0;
  std::string description;  // page 0's ImageDescription; none if empty

  [[noreturn]] void fail(const std::string& problem) const { throw Error(path + ": " + problem); }
  [[noreturn]] void fail_with_libtiff(const std::string& problem) {
    const std::string said = messages.take();
    fail(said.empty() ? problem : problem + ": " + said);
  }
  void set_page_tags();
};

TiffMovieWriter::TiffMovieWriter(const std::string& path, FrameShape shape, PixelType pixel_type, bool bigtiff,
                                 const std::string& description)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.path = path;
  m.description = description;
  m.shape = shape;
  m.pixel_type = pixel_type;
  sample_layout_of(pixel_type);  // throws for a pixel type code outside the enum
  if (shape.width <= 0 || shape.height <= 0) {
    m.fail("cannot write frames of size " + describe_size(shape));
  }
  errno = 0;
  m.tiff = detail::open_tiff(path, bigtiff ? "w8" : "w", m.messages);
  if (!m.tiff) {
    const std::string reason = errno != 0 ? std::strerror(errno) : m.messages.take();
    m.fail("cannot create the file" + (reason.empty() ? std::string() : ": " + reason));
  }
}

TiffMovieWriter::~TiffMovieWriter() {
  try {
    close();
  } catch (...) {
    // A destructor cannot report; callers who care call close() themselves.
  }
}

void TiffMovieWriter::Impl::set_page_tags() {
  TIFF* t = tiff.get();
  const SampleLayout layout = sample_layout_of(pixel_type);
  const bool ok =
      TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(shape.width)) &&
      TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(shape.height)) &&
      TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t{1}) &&
      TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, layout.bits_per_sample) &&
      TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, layout.sample_format) &&
      TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK) &&
      TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) &&
      TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE) &&
      TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, static_cast<std::uint32_t>(shape.height)) &&
      (pages_written > 0 || description.empty() || TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, description.c_str()));
  if (!ok) fail_with_libtiff("cannot set the tags of page " + std::to_string(pages_written));
}

void TiffMovieWriter::append(AnyFrameView frame) {
  Impl& m = *impl_;
  if (!m.tiff) m.fail("cannot append a page: the movie is already closed");
  if (frame.type() != m.pixel_type) {
    m.fail("cannot append a " + std::string(pixel_type_name(frame.type())) + " frame to a " +
           std::string(pixel_type_name(m.pixel_type)) + " movie");
  }
  if (frame.shape() != m.shape) {
    m.fail("cannot append a " + describe_size(frame.shape()) + " frame to a " + describe_size(m.shape) + " movie");
  }
  if (frame.data() == nullptr) m.fail("cannot append a frame without pixels");
  m.set_page_tags();
  const auto bytes = static_cast<tmsize_t>(frame.byte_size());
  // libtiff takes a non-const buffer because it may encode or byte-swap in place; with
  // no compression and the host's byte order (mode "w"/"w8") it only reads it.
  void* pixels = const_cast<void*>(frame.data());
  if (TIFFWriteEncodedStrip(m.tiff.get(), 0, pixels, bytes) != bytes) {
    m.fail_with_libtiff("cannot write the pixels of page " + std::to_string(m.pages_written));
  }
  if (!TIFFWriteDirectory(m.tiff.get())) {
    m.fail_with_libtiff("cannot write the directory of page " + std::to_string(m.pages_written));
  }
  ++m.pages_written;
}

void TiffMovieWriter::close() {
  Impl& m = *impl_;
  if (!m.tiff) return;
  const bool flushed = TIFFFlush(m.tiff.get()) != 0;
  m.tiff.reset();  // TIFFClose
  const std::string said = m.messages.take();
  if (!flushed || !said.empty()) {
    m.fail("cannot finish writing the file" + (said.empty() ? std::string() : ": " + said));
  }
}

void write_tiff_float32(const std::string& path, FrameShape shape, std::span<const double> pixels) {
  if (pixels.size() != shape.pixel_count()) {
    throw Error(path + ": cannot write " + std::to_string(pixels.size()) + " pixels as a " + describe_size(shape) +
                " image");
  }
  const std::vector<float> narrowed(pixels.begin(), pixels.end());
  TiffMovieWriter writer(path, shape, PixelType::kF32);
  writer.append(FrameView<float>(narrowed.data(), shape));
  writer.close();
}

}  // namespace calmon::io
