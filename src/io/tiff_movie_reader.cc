// tiff_movie_reader.cc — a multi-page TIFF movie, one frame at a time, with libtiff.
//
// Opening finds every page (tiff_page_directory.cc) and checks each against the frame
// size limit, the first page and its own tags (tiff_page_checks.cc), so a bad or
// truncated page is reported before the first frame is used and a few bytes of tags
// never make the reader allocate more than the limit. read() then decodes one page into
// the one frame buffer (tiff_frame_decoding.cc). libtiff's strip chopping is off ("c"),
// so that libtiff's strips are the file's. libtiff's warnings are kept: per page for the
// error message, and distinct ones for take_warnings().
//
// Pages in messages are named 0-based, like numpy's data[t], and counted from 1, as
// Fiji shows them: "page 5 (the 6th of 10)".
#include "io/tiff_movie_reader.h"

#include "io/tiff_movie_reader_impl.h"

namespace calmon::io {

using detail::count_of;
using detail::PageFormat;

TiffMovieReader::TiffMovieReader(const std::string& path, std::size_t max_frame_bytes)
    : impl_(std::make_unique<Impl>(path, max_frame_bytes)) {
  Impl& m = *impl_;
  m.check_file_looks_like_tiff();
  m.open_with_libtiff();
  const std::vector<PageFormat> formats = m.walk_pages(m.first_description);
  const auto ifd_count = static_cast<std::int64_t>(formats.size());
  m.page_count = ifd_count;
  m.first_format = formats[0];
  m.check_page_format(0, m.first_format);
  m.info.pixel_type = *detail::pixel_type_of_page(m.first_format);
  m.info.shape = FrameShape{static_cast<int>(m.first_format.width), static_cast<int>(m.first_format.height)};
  m.frame_bytes = m.info.shape.pixel_count() * bytes_per_pixel(m.info.pixel_type);
  for (std::int64_t page = 0; page < ifd_count; ++page) {
    const PageFormat& format = formats[static_cast<std::size_t>(page)];
    if (page > 0) m.check_page_format(page, format);
    m.check_page_data(page, format);
  }
  m.lay_out_pages(m.first_description, ifd_count);
  m.frame.resize(m.frame_bytes);
}

TiffMovieReader::~TiffMovieReader() = default;

const TiffMovieInfo& TiffMovieReader::info() const { return impl_->info; }

const std::string& TiffMovieReader::description() const { return impl_->first_description; }

std::vector<std::string> TiffMovieReader::take_warnings() { return impl_->messages.take_new_warnings(); }

AnyFrameView TiffMovieReader::read(std::int64_t t, int channel, int slice) {
  Impl& m = *impl_;
  const TiffMovieInfo& info = m.info;
  m.check_position(t, channel, slice);
  const std::int64_t page = m.page_of(t, channel, slice);
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

void TiffMovieReader::Impl::check_position(std::int64_t t, int channel, int slice) const {
  const Impl& m = *this;
  if (t < 0 || t >= info.frames) {
    m.fail("t=" + std::to_string(t) + " is out of range, the movie has " + count_of(info.frames, "time point"));
  }
  if (channel < 0 || channel >= info.channels) {
    m.fail("channel " + std::to_string(channel) + " is out of range, the movie has " +
           count_of(info.channels, "channel"));
  }
  if (slice < 0 || slice >= info.slices) {
    m.fail("slice " + std::to_string(slice) + " is out of range, the movie has " + count_of(info.slices, "slice"));
  }
}

}  // namespace calmon::io
