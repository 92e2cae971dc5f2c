// tiff_scanimage_layout.cc — where a ScanImage file's channels, planes and time points are among its pages.
//
// A file is ScanImage's when its first page's Software tag holds the acquisition's
// "SI.xxx = value" lines (io/scanimage_metadata.h); the same text is in the static header
// after the TIFF header, but only the tag is read, so classic TIFF and BigTIFF are read the
// same way. Each page's description gives its frame number within the acquisition, which
// places the file in the series: after a rollover a file may start in the middle of a
// volume, so this file's time points are those whose every channel and plane it holds.
// Every page's frame number is checked against ScanImage's order (channels fastest), so
// a missing page or a channel count that contradicts the pages is an error, not a shuffle.
#include <tiffio.h>

#include "io/imagej_description.h"
#include "io/tiff_movie_reader_impl.h"

namespace calmon::io {

using detail::count_of;

void TiffMovieReader::Impl::read_scanimage_header(const std::string& first_description) {
  if (detail::is_imagej_description(first_description)) return;
  char* software = nullptr;
  if (!TIFFGetField(tiff.get(), TIFFTAG_SOFTWARE, &software) || software == nullptr) return;
  if (!is_scanimage_header_text(software)) return;
  try {
    scanimage = parse_scanimage_header(software);
  } catch (const Error& error) {
    fail(std::string("page 0's Software tag: ") + error.what());
  }
  info.scanimage = true;
}

void TiffMovieReader::Impl::read_scanimage_frame(std::int64_t page) {
  char* description = nullptr;
  if (!TIFFGetField(tiff.get(), TIFFTAG_IMAGEDESCRIPTION, &description) || description == nullptr) {
    fail(page_name(page) + " has no ImageDescription, where ScanImage writes its frame's number and timestamp");
  }
  try {
    scanimage_frames.push_back(parse_scanimage_frame(description));
  } catch (const Error& error) {
    fail(page_name(page) + ": " + error.what());
  }
}

void TiffMovieReader::Impl::lay_out_scanimage_pages(std::int64_t ifd_count) {
  const ScanImageHeader& header = *scanimage;
  const int channels = header.channels();
  const std::int64_t first_frame = scanimage_frames.front().frame_number_acquisition;
  scanimage_first_page = (first_frame - 1) * channels;
  const std::int64_t acquisition = scanimage_frames.front().acquisition_number;
  for (std::int64_t page = 0; page < ifd_count; ++page) {
    const ScanImageFrameInfo& info = scanimage_frames[static_cast<std::size_t>(page)];
    if (info.acquisition_number != acquisition) {
      fail(page_name(page) + " belongs to acquisition " + std::to_string(info.acquisition_number) +
           ", the first page to acquisition " + std::to_string(acquisition) +
           " (acquisitionNumbers); calmon reads one acquisition per file");
    }
    const std::int64_t frame = info.frame_number_acquisition;
    const std::int64_t expected = first_frame + page / channels;
    if (frame != expected) {
      fail(page_name(page) + " has frameNumberAcquisition = " + std::to_string(frame) + ", not " +
           std::to_string(expected) + " as " + count_of(channels, "saved channel") +
           " in ScanImage's order give (a page missing, or SI.hChannels.channelSave wrong?)");
    }
  }
  const std::int64_t last_page = scanimage_first_page + ifd_count - 1;
  if (header.volumes && last_page >= *header.volumes * header.pages_per_volume()) {
    fail(page_name(ifd_count - 1) + " is page " + std::to_string(last_page) + " of the acquisition, which has only " +
         std::to_string(*header.volumes * header.pages_per_volume()) + " (" + count_of(*header.volumes, "volume") +
         " x " + std::to_string(header.pages_per_volume()) + " pages)");
  }
  // The time points all of whose pages are in this file.
  std::int64_t first_t = scanimage_page_position(header, scanimage_first_page).time_point;
  if (scanimage_page_index(header, first_t, 0, 0) < scanimage_first_page) ++first_t;
  std::int64_t last_t = scanimage_page_position(header, last_page).time_point;
  if (scanimage_page_index(header, last_t, channels - 1, header.slices - 1) > last_page) --last_t;
  if (last_t < first_t) {
    fail("holds no time point whole: its " + count_of(ifd_count, "page") + " do not cover " +
         count_of(channels, "channel") + " x " + count_of(header.slices, "plane") +
         " of any one time point (ScanImage's SI.* lines in the Software tag)");
  }
  info.channels = channels;
  info.slices = header.slices;
  info.frames = last_t - first_t + 1;
  scanimage_first_time_point = first_t;
}

std::int64_t TiffMovieReader::Impl::page_of(std::int64_t t, int channel, int slice) const {
  if (scanimage) {
    return scanimage_page_index(*scanimage, scanimage_first_time_point + t, channel, slice) - scanimage_first_page;
  }
  return (t * info.slices + slice) * info.channels + channel;  // ImageJ's CZT order
}

const ScanImageHeader& TiffMovieReader::scanimage_header() const {
  if (!impl_->scanimage) impl_->fail("is not a ScanImage file (no SI.* lines in its first page's Software tag)");
  return *impl_->scanimage;
}

const std::vector<ScanImageFrameInfo>& TiffMovieReader::scanimage_frames() const {
  scanimage_header();
  return impl_->scanimage_frames;
}

double TiffMovieReader::timestamp_s(std::int64_t t, int channel, int slice) const {
  scanimage_header();
  impl_->check_position(t, channel, slice);
  return impl_->scanimage_frames[static_cast<std::size_t>(impl_->page_of(t, channel, slice))].timestamp_s;
}

std::int64_t TiffMovieReader::first_time_point() const {
  scanimage_header();
  return impl_->scanimage_first_time_point;
}

}  // namespace calmon::io
