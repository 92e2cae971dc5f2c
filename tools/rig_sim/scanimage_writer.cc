// scanimage_writer.cc — ScanImage-style TIFF bytes written by hand, so that the order of every write is ours.
//
// libtiff decides itself when an IFD and its link reach the file; a growing acquisition
// must decide, so the few tags a page needs are laid out here: little-endian, one
// uncompressed strip of uint16 per page, IFDs on 8-byte boundaries. Every number is
// encoded byte by byte, so the files are the same on any machine.
#include "scanimage_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace calmon::rig_sim {

namespace {

constexpr std::uint32_t kScanImageMagic = 117637889;  // 0x07030301, right after the TIFF header
constexpr std::uint32_t kScanImageVersion = 3;
constexpr std::size_t kDescriptionBytes = 512;  // room for each page's description, its NUL included

class Bytes {
 public:
  void u16(std::uint64_t v) { put(v, 2); }
  void u32(std::uint64_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void put(std::uint64_t v, int size) {
    for (int i = 0; i < size; ++i) data.push_back(static_cast<unsigned char>(v >> (8 * i)));
  }
  std::vector<unsigned char> data;
};

enum TiffType : std::uint16_t { kAscii = 2, kShort = 3, kLong = 4, kLong8 = 16 };

struct Entry {
  std::uint16_t tag;
  std::uint16_t type;
  std::uint64_t count;
  std::uint64_t value;  // the value itself (SHORT, LONG, LONG8 with count 1) or an offset (ASCII)
};

// The start written when the caller gives none: [year month day hour minute seconds].
std::string epoch_text() { return "[2000 1 1 0 0 0]"; }

}  // namespace

ScanImageTiffFile::ScanImageTiffFile(const std::string& path, bool bigtiff, const std::string& header_text,
                                     const std::string& roi_json, PageOrder order)
    : path_(path), bigtiff_(bigtiff), order_(order) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(path + ": cannot create: " + std::strerror(errno));
  Bytes header;
  header.data = {'I', 'I'};
  if (bigtiff_) {
    header.u16(43);
    header.u16(8);  // bytes of an offset
    header.u16(0);
    link_offset_ = 8;
    header.u64(0);  // first IFD: none yet
  } else {
    header.u16(42);
    link_offset_ = 4;
    header.u32(0);
  }
  header_text_bytes_ = header_text.size() + 1;
  roi_bytes_ = roi_json.size() + 1;
  header.u32(kScanImageMagic);
  header.u32(kScanImageVersion);
  header.u32(header_text_bytes_);
  header.u32(roi_bytes_);
  header_text_offset_ = header.data.size();
  header.data.insert(header.data.end(), header_text.begin(), header_text.end());
  header.data.push_back(0);
  roi_offset_ = header.data.size();
  header.data.insert(header.data.end(), roi_json.begin(), roi_json.end());
  header.data.push_back(0);
  append_bytes(header.data.data(), header.data.size());
}

ScanImageTiffFile::~ScanImageTiffFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ScanImageTiffFile::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw Error(path_ + ": cannot close: " + std::strerror(errno));
}

void ScanImageTiffFile::write_at(std::uint64_t offset, const void* bytes, std::size_t size) {
  if (!bigtiff_ && offset + size > 0xFFFFFFFFULL) {
    throw Error(path_ + ": a classic TIFF cannot grow past 4 GiB; use --bigtiff or fewer --frames-per-file");
  }
  const auto* p = static_cast<const unsigned char*>(bytes);
  while (size > 0) {
    const ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(path_ + ": cannot write: " + std::strerror(errno));
    p += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
}

std::uint64_t ScanImageTiffFile::append_bytes(const void* bytes, std::size_t size) {
  const std::uint64_t at = end_;
  write_at(at, bytes, size);
  end_ += size;
  return at;
}

void ScanImageTiffFile::pad_to_8() {
  static const unsigned char zeros[8] = {};
  if (end_ % 8 != 0) append_bytes(zeros, 8 - end_ % 8);
}

void ScanImageTiffFile::append(FrameView<std::uint16_t> frame, const std::string& description,
                               const std::function<void()>& mid_page) {
  const std::uint64_t pixel_bytes = frame.pixel_count() * 2;
  // The file is little-endian: on such a machine the pixels are written as they are.
  std::vector<unsigned char> swapped;
  const auto* pixels = reinterpret_cast<const unsigned char*>(frame.data());
  if constexpr (std::endian::native != std::endian::little) {
    swapped.resize(pixel_bytes);
    for (std::size_t i = 0; i < frame.pixel_count(); ++i) {
      swapped[2 * i] = static_cast<unsigned char>(frame.data()[i]);
      swapped[2 * i + 1] = static_cast<unsigned char>(frame.data()[i] >> 8);
    }
    pixels = swapped.data();
  }
  // Every page's description takes the same room, padded with spaces, so pages lie at equal
  // distances, as readers of ScanImage's classic TIFFs expect (tifffile computes the pages
  // of such a file from the distance between the first ones).
  if (description.size() + 1 > kDescriptionBytes) {
    throw Error(path_ + ": a page description of " + std::to_string(description.size()) + " bytes is over the " +
                std::to_string(kDescriptionBytes - 1) + " reserved");
  }
  const std::uint64_t description_bytes = kDescriptionBytes;
  const int entry_count = 14;
  const std::uint64_t ifd_bytes = bigtiff_ ? 8 + entry_count * 20 + 8 : 2 + entry_count * 12 + 4;

  // Where each piece goes, in the file order the chosen write order gives.
  pad_to_8();
  std::uint64_t ifd_offset = 0, description_offset = 0, pixel_offset = 0;
  if (order_ == PageOrder::kDataFirst) {
    description_offset = end_;
    pixel_offset = description_offset + description_bytes;
    ifd_offset = (pixel_offset + pixel_bytes + 7) / 8 * 8;
  } else {
    ifd_offset = end_;
    description_offset = ifd_offset + ifd_bytes;
    pixel_offset = description_offset + description_bytes;
  }

  const bool long8 = bigtiff_;
  const Entry entries[entry_count] = {
      {256, kLong, 1, static_cast<std::uint64_t>(frame.width())},                  // ImageWidth
      {257, kLong, 1, static_cast<std::uint64_t>(frame.height())},                 // ImageLength
      {258, kShort, 1, 16},                                                        // BitsPerSample
      {259, kShort, 1, 1},                                                         // Compression: none
      {262, kShort, 1, 1},                                                         // Photometric: black is zero
      {270, kAscii, description_bytes, description_offset},                        // ImageDescription: this frame
      {273, static_cast<std::uint16_t>(long8 ? kLong8 : kLong), 1, pixel_offset},  // StripOffsets
      {277, kShort, 1, 1},                                                         // SamplesPerPixel
      {278, kLong, 1, static_cast<std::uint64_t>(frame.height())},                 // RowsPerStrip: one strip
      {279, static_cast<std::uint16_t>(long8 ? kLong8 : kLong), 1, pixel_bytes},   // StripByteCounts
      {284, kShort, 1, 1},                                                         // PlanarConfiguration
      {305, kAscii, header_text_bytes_, header_text_offset_},  // Software: the static header's SI.* text
      {315, kAscii, roi_bytes_, roi_offset_},                  // Artist: the ROI groups
      {339, kShort, 1, 1},                                     // SampleFormat: unsigned
  };
  Bytes ifd;
  if (bigtiff_) {
    ifd.u64(entry_count);
  } else {
    ifd.u16(entry_count);
  }
  for (const Entry& e : entries) {
    ifd.u16(e.tag);
    ifd.u16(e.type);
    const int slot = bigtiff_ ? 8 : 4;
    if (bigtiff_) {
      ifd.u64(e.count);
    } else {
      ifd.u32(e.count);
    }
    // SHORT and LONG values sit at the start of the slot; ASCII here is always an offset.
    const int value_size = e.type == kShort ? 2 : e.type == kLong ? 4 : 8;
    if (e.type == kAscii || value_size == slot) {
      ifd.put(e.value, slot);
    } else {
      ifd.put(e.value, value_size);
      ifd.put(0, slot - value_size);
    }
  }
  const std::uint64_t next_link_offset = ifd_offset + ifd.data.size();
  ifd.put(0, bigtiff_ ? 8 : 4);  // next IFD: none yet

  Bytes description_data;
  description_data.data.assign(description.begin(), description.end());
  description_data.data.resize(kDescriptionBytes - 1, ' ');  // spaces: libtiff warns of NULs inside a text
  description_data.data.push_back(0);
  const auto write_pixels = [&] {
    const std::size_t half = static_cast<std::size_t>(pixel_bytes / 2);
    write_at(pixel_offset, pixels, half);
    if (mid_page) mid_page();
    write_at(pixel_offset + half, pixels + half, pixel_bytes - half);
  };
  Bytes link;
  link.put(ifd_offset, bigtiff_ ? 8 : 4);
  if (order_ == PageOrder::kDataFirst) {
    write_at(description_offset, description_data.data.data(), description_data.data.size());
    write_pixels();
    write_at(ifd_offset, ifd.data.data(), ifd.data.size());
    write_at(link_offset_, link.data.data(), link.data.size());
    end_ = ifd_offset + ifd.data.size();
  } else {
    write_at(ifd_offset, ifd.data.data(), ifd.data.size());
    write_at(description_offset, description_data.data.data(), description_data.data.size());
    write_at(link_offset_, link.data.data(), link.data.size());
    write_pixels();
    end_ = pixel_offset + pixel_bytes;
  }
  link_offset_ = next_link_offset;
  ++pages_;
}

std::string scanimage_header_text(const ScanImageAcquisition& a) {
  std::ostringstream out;
  out.precision(10);
  std::string channels;
  for (int c = 1; c <= a.channels; ++c) channels += (c > 1 ? ";" : "") + std::to_string(c);
  if (a.channels > 1) channels = "[" + channels + "]";
  const bool fast_z = a.planes > 1;
  out << "SI.LINE_FORMAT_VERSION = 1\n"
      << "SI.TIFF_FORMAT_VERSION = " << kScanImageVersion << "\n"
      << "SI.VERSION_MAJOR = '2016b'\n"
      << "SI.VERSION_MINOR = '0'\n"
      << "SI.acqState = 'grab'\n"
      << "SI.imagingSystem = 'calmon-rig-sim'\n"
      << "SI.hChannels.channelSave = " << channels << "\n"
      << "SI.hChannels.channelsActive = " << channels << "\n"
      << "SI.hFastZ.enable = " << (fast_z ? "true" : "false") << "\n"
      << "SI.hFastZ.numVolumes = " << (fast_z ? a.volumes : 1) << "\n"
      << "SI.hRoiManager.linesPerFrame = " << a.shape.height << "\n"
      << "SI.hRoiManager.pixelsPerLine = " << a.shape.width << "\n"
      << "SI.hRoiManager.scanFrameRate = " << a.frame_rate_hz() << "\n"
      << "SI.hRoiManager.scanVolumeRate = " << a.volume_rate_hz << "\n"
      << "SI.hScan2D.logFramesPerFile = ";
  if (a.frames_per_file > 0) {
    out << a.frames_per_file << "\n";
  } else {
    out << "Inf\n";
  }
  out << "SI.hScan2D.logFramesPerFileLock = " << (a.frames_per_file > 0 ? "true" : "false") << "\n"
      << "SI.hStackManager.actualNumSlices = " << a.planes << "\n"
      << "SI.hStackManager.actualNumVolumes = " << (fast_z ? a.volumes : 1) << "\n"
      << "SI.hStackManager.framesPerSlice = " << (fast_z ? 1 : a.volumes) << "\n"
      << "SI.hStackManager.numSlices = " << a.planes << "\n"
      << "SI.hStackManager.numVolumes = " << (fast_z ? a.volumes : 1) << "\n";
  return out.str();
}

std::string scanimage_roi_json(const ScanImageAcquisition& a) {
  std::ostringstream out;
  out << "{\"RoiGroups\": {\"imagingRoiGroup\": {\"ver\": 1, \"classname\": \"scanimage.mroi.RoiGroup\", "
      << "\"name\": \"calmon-rig-sim\", \"rois\": {\"ver\": 1, \"name\": \"field\", \"zs\": 0, "
      << "\"scanfields\": {\"pixelResolutionXY\": [" << a.shape.width << ", " << a.shape.height << "]}}}}}";
  return out.str();
}

std::string scanimage_frame_description(const ScanImageAcquisition& a, std::int64_t frame, double timestamp_s,
                                        const std::string& epoch) {
  char timestamp[64];
  std::snprintf(timestamp, sizeof timestamp, "%.9f", timestamp_s);
  const bool last = frame + 1 == a.frames();
  std::ostringstream out;
  out << "frameNumbers = " << frame + 1 << "\n"
      << "acquisitionNumbers = " << a.acquisition_number << "\n"
      << "frameNumberAcquisition = " << frame + 1 << "\n"
      << "frameTimestamps_sec = " << timestamp << "\n"
      << "acqTriggerTimestamps_sec = 0.000000000\n"
      << "nextFileMarkerTimestamps_sec = -1.000000000\n"
      << "endOfAcquisition = " << (last ? 1 : 0) << "\n"
      << "endOfAcquisitionMode = 0\n"
      << "dcOverVoltage = 0\n"
      << "epoch = " << (epoch.empty() ? epoch_text() : epoch) << "\n"
      << "auxTrigger0 = []\n"
      << "auxTrigger1 = []\n"
      << "auxTrigger2 = []\n"
      << "auxTrigger3 = []\n"
      << "I2CData = {}\n";
  return out.str();
}

std::string scanimage_file_name(const std::string& stem, const ScanImageAcquisition& a, int file_index) {
  char name[64];
  if (a.frames_per_file > 0) {
    std::snprintf(name, sizeof name, "_%05d_%05d.tif", a.acquisition_number, file_index + 1);
  } else {
    std::snprintf(name, sizeof name, "_%05d.tif", a.acquisition_number);
  }
  return stem + name;
}

}  // namespace calmon::rig_sim
