// scanimage_metadata.h — what ScanImage's TIFF metadata says about the acquisition, parsed from text.
//
// ScanImage (docs/follow.md#scanimage-files) writes its settings once per file as lines
// "SI.hRoiManager.scanFrameRate = 30.02" (the "non-varying frame data": in the static
// header after the TIFF header, and in every page's Software tag), and for every page a
// few lines of its own in the ImageDescription ("frameNumbers = 7", "frameTimestamps_sec =
// 0.200000"). Values are MATLAB literals: 30, 30.0, Inf, true, 'text', [1 2], [1;2], {...}.
// These functions turn that text into structs and do no file access. Keys they do not
// need are ignored; a key they need whose value is malformed, or counts that contradict
// each other, is a calmon::Error whose one line names the key and the value.
//
// Pages follow ScanImage's order: the saved channels fastest, then the frames of one
// slice, then the slices (planes) of a volume, then volumes. A "time point" of one plane
// is volume · frames_per_slice + frame within the slice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::io {

struct ScanImageHeader {
  std::string version;                          // SI.VERSION_MAJOR ("2016b", "2020"); empty if absent
  std::vector<int> saved_channels = {1};        // SI.hChannels.channelSave, 1-based as ScanImage numbers them
  int slices = 1;                               // planes per volume: actualNumSlices, else numSlices
  int frames_per_slice = 1;                     // SI.hStackManager.framesPerSlice (1 if Inf or absent)
  std::optional<std::int64_t> volumes;          // actualNumVolumes / numVolumes / hFastZ.numVolumes
  std::optional<double> frame_rate_hz;          // SI.hRoiManager.scanFrameRate
  std::optional<double> volume_rate_hz;         // SI.hRoiManager.scanVolumeRate
  std::optional<std::int64_t> frames_per_file;  // SI.hScan2D.logFramesPerFile; none if Inf (no rollover)
  bool fast_z = false;                          // SI.hFastZ.enable

  int channels() const { return static_cast<int>(saved_channels.size()); }
  // Pages one time point of every plane spans in the file's order: channels · slices · frames per slice.
  std::int64_t pages_per_volume() const;
};

// The "SI.xxx = value" text of the static header or a Software tag ("scanimage.SI.xxx"
// of older versions is read the same). Throws calmon::Error on a malformed or contradictory value.
ScanImageHeader parse_scanimage_header(std::string_view text);

// True if `text` looks like ScanImage's non-varying frame data (a Software tag starting "SI.").
bool is_scanimage_header_text(std::string_view text);

struct ScanImageFrameInfo {
  std::int64_t frame_number = 0;                  // frameNumbers: 1-based, counted over every acquisition
  std::int64_t acquisition_number = 0;            // acquisitionNumbers: 1-based
  std::int64_t frame_number_acquisition = 0;      // frameNumberAcquisition: 1-based within the acquisition
  double timestamp_s = 0;                         // frameTimestamps_sec: seconds since the acquisition started
  std::optional<double> acq_trigger_timestamp_s;  // acqTriggerTimestamps_sec, if a number
  std::vector<double> epoch;                      // epoch = [year month day hour minute seconds], if present
};

// One page's ImageDescription. frameNumbers and frameTimestamps_sec must be there;
// frameNumberAcquisition defaults to frameNumbers and acquisitionNumbers to 1.
ScanImageFrameInfo parse_scanimage_frame(std::string_view description);

// Where a page of the series (0-based, counted from the acquisition's first page) belongs.
struct ScanImagePagePosition {
  int channel = 0;  // index into saved_channels
  int plane = 0;    // 0-based slice
  std::int64_t time_point = 0;
  bool operator==(const ScanImagePagePosition&) const = default;
};

ScanImagePagePosition scanimage_page_position(const ScanImageHeader& header, std::int64_t page);
// The inverse: the page of (time point, channel index, plane) in the series.
std::int64_t scanimage_page_index(const ScanImageHeader& header, std::int64_t time_point, int channel, int plane);

}  // namespace calmon::io
