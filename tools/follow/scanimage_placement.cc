// scanimage_placement.cc — ScanImage's channels, planes and clock while following; see the header.
#include "follow/scanimage_placement.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/error.h"
#include "io/movie_time_base.h"

namespace calmon::follow {
namespace {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string optional_text(const std::optional<double>& value) { return value ? number_text(*value) : "none"; }
std::string optional_text(const std::optional<std::int64_t>& value) { return value ? std::to_string(*value) : "none"; }

std::string channel_list_text(const std::vector<int>& channels) {
  std::string text;
  for (const int c : channels) text += (text.empty() ? "" : ", ") + std::to_string(c);
  return text;
}

// The first setting in which `b` differs from `a`, as "KEY: A, now B"; empty if none.
std::string first_difference(const io::ScanImageHeader& a, const io::ScanImageHeader& b) {
  const auto differs = [](const std::string& key, const std::string& x, const std::string& y) {
    return x == y ? std::string() : key + " was " + x + ", now " + y;
  };
  for (const std::string& difference : {
           differs("SI.hChannels.channelSave", "[" + channel_list_text(a.saved_channels) + "]",
                   "[" + channel_list_text(b.saved_channels) + "]"),
           differs("the planes (SI.hStackManager.actualNumSlices)", std::to_string(a.slices), std::to_string(b.slices)),
           differs("SI.hStackManager.framesPerSlice", std::to_string(a.frames_per_slice),
                   std::to_string(b.frames_per_slice)),
           differs("the volumes (SI.hStackManager.actualNumVolumes)", optional_text(a.volumes),
                   optional_text(b.volumes)),
           differs("SI.hRoiManager.scanFrameRate", optional_text(a.frame_rate_hz), optional_text(b.frame_rate_hz)),
           differs("SI.hRoiManager.scanVolumeRate", optional_text(a.volume_rate_hz), optional_text(b.volume_rate_hz)),
           differs("SI.hScan2D.logFramesPerFile", optional_text(a.frames_per_file), optional_text(b.frames_per_file)),
           differs("SI.hFastZ.enable", a.fast_z ? "true" : "false", b.fast_z ? "true" : "false"),
       }) {
    if (!difference.empty()) return difference;
  }
  return "";
}

// The page's place in the acquisition: its frame's first page, plus its channel (files roll
// over on whole frames, so a file's pages start with the first channel).
std::int64_t acquisition_page(const io::ScanImageHeader& header, const io::GrowingTiffPage& page,
                              const io::ScanImageFrameInfo& frame) {
  return (frame.frame_number_acquisition - 1) * header.channels() + page.index % header.channels();
}

std::string count_text(std::int64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

std::optional<std::int64_t> scanimage_epoch_ns(const std::vector<double>& epoch, double seconds) {
  if (epoch.size() != 6) return std::nullopt;
  for (std::size_t i = 0; i < 5; ++i) {
    if (epoch[i] != std::floor(epoch[i]) || std::fabs(epoch[i]) > 1e6) return std::nullopt;
  }
  const double whole_seconds = std::floor(epoch[5]);
  std::tm date{};
  date.tm_year = static_cast<int>(epoch[0]) - 1900;
  date.tm_mon = static_cast<int>(epoch[1]) - 1;
  date.tm_mday = static_cast<int>(epoch[2]);
  date.tm_hour = static_cast<int>(epoch[3]);
  date.tm_min = static_cast<int>(epoch[4]);
  date.tm_sec = static_cast<int>(whole_seconds);
  date.tm_isdst = -1;  // the computer's local time, summer time as it was on that date
  const std::time_t start = std::mktime(&date);
  if (start == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(start) * 1'000'000'000 + std::llround((epoch[5] - whole_seconds + seconds) * 1e9);
}

std::string scanimage_follow_line(const io::ScanImageHeader& header, int channel, int plane) {
  std::string line = "ScanImage" + (header.version.empty() ? std::string() : " " + header.version) + ": " +
                     count_text(header.channels(), "channel") + " saved (" + channel_list_text(header.saved_channels) +
                     "), " + count_text(header.slices, "plane");
  const double rate = io::scanimage_frame_rate(header).hz;
  if (rate > 0) line += ", " + number_text(rate) + (header.slices > 1 ? " volumes/s" : " frames/s");
  line += "; following channel " + std::to_string(channel);
  if (channel < header.channels()) {
    line += " (ScanImage's channel " + std::to_string(header.saved_channels[static_cast<std::size_t>(channel)]) + ")";
  }
  return line + ", plane " + std::to_string(plane);
}

SeriesPlacer::SeriesPlacer(int channel, int plane, std::function<void(const std::string&)> note)
    : channel_(channel), plane_(plane), note_(std::move(note)) {}

std::optional<io::ScanImageHeader> SeriesPlacer::settings_of(const std::string& path, const io::GrowingTiffPage& page) {
  if (!io::is_scanimage_header_text(page.software)) return std::nullopt;
  try {
    return io::parse_scanimage_header(page.software);
  } catch (const Error& e) {
    throw Error(path + ": page " + std::to_string(page.index) + "'s Software tag: " + e.what());
  }
}

// calmon-replay's words (replay/movie_frame_source.cc), so that both programs refuse a
// selection alike.
void SeriesPlacer::check_selection(const std::string& path, int channels, int planes) const {
  if (channel_ >= channels) {
    throw Error(path + ": --channel " + std::to_string(channel_) + " requested, the movie has " +
                count_text(channels, "channel"));
  }
  if (plane_ >= planes) {
    throw Error(path + ": --slice " + std::to_string(plane_) + " requested, the movie has " +
                count_text(planes, "slice"));
  }
}

PagePlacement SeriesPlacer::place(const std::string& path, const io::GrowingTiffPage& page) {
  const std::string where = path + ": page " + std::to_string(page.index);
  if (first_) {
    first_ = false;
    header_ = settings_of(path, page);
    if (!header_) {
      check_selection(path, 1, 1);
    } else {
      check_selection(path, header_->channels(), header_->slices);
      header_text_ = page.software;
      header_path_ = path;
      note_(scanimage_follow_line(*header_, channel_, plane_));
    }
  }
  if (!header_) return {};  // a plain TIFF: every page channel 0, plane 0

  if (page.software != header_text_) {
    const std::optional<io::ScanImageHeader> now = settings_of(path, page);
    if (!now) throw Error(where + " has no ScanImage settings in its Software tag, unlike " + header_path_ + "'s");
    if (const std::string difference = first_difference(*header_, *now); !difference.empty()) {
      throw Error(where + "'s ScanImage settings differ from " + header_path_ + "'s: " + difference);
    }
  }
  io::ScanImageFrameInfo frame;
  try {
    frame = io::parse_scanimage_frame(page.description);
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
  if (!last_page_) acquisition_ = frame.acquisition_number;
  if (frame.acquisition_number != acquisition_) {
    throw Error(where + " belongs to acquisition " + std::to_string(frame.acquisition_number) +
                ", the pages before it to acquisition " + std::to_string(acquisition_) +
                " (acquisitionNumbers); calmon follows one acquisition");
  }
  const std::int64_t in_acquisition = acquisition_page(*header_, page, frame);
  if (last_page_ && in_acquisition != *last_page_ + 1) {
    throw Error(where + " has frameNumberAcquisition = " + std::to_string(frame.frame_number_acquisition) +
                ", which with " + count_text(header_->channels(), "saved channel") + " makes it page " +
                std::to_string(in_acquisition) + " of the acquisition, not " + std::to_string(*last_page_ + 1) +
                " (a page missing, or SI.hChannels.channelSave wrong?)");
  }
  if (header_->volumes && in_acquisition >= *header_->volumes * header_->pages_per_volume()) {
    throw Error(where + " is page " + std::to_string(in_acquisition) + " of the acquisition, which has only " +
                std::to_string(*header_->volumes * header_->pages_per_volume()) + " (" +
                count_text(*header_->volumes, "volume") + " x " + std::to_string(header_->pages_per_volume()) +
                " pages)");
  }
  last_page_ = in_acquisition;

  const io::ScanImagePagePosition position = io::scanimage_page_position(*header_, in_acquisition);
  PagePlacement placement;
  placement.send = position.channel == channel_ && position.plane == plane_;
  placement.channel = static_cast<std::uint32_t>(position.channel);
  placement.plane = static_cast<std::uint32_t>(position.plane);
  placement.frame_time_s = frame.timestamp_s;
  placement.frame_rate_hz = io::scanimage_frame_rate(*header_).hz;
  if (!frame.epoch.empty()) placement.acquisition_time_ns = scanimage_epoch_ns(frame.epoch, frame.timestamp_s);
  return placement;
}

bool SeriesPlacer::is_followed(const std::string& path, const io::GrowingTiffPage& page) const {
  const std::optional<io::ScanImageHeader> header = settings_of(path, page);
  if (!header) return channel_ == 0 && plane_ == 0;
  if (channel_ >= header->channels() || plane_ >= header->slices) return false;  // place() says why
  io::ScanImageFrameInfo frame;
  try {
    frame = io::parse_scanimage_frame(page.description);
  } catch (const Error&) {
    return false;  // place() says why
  }
  const io::ScanImagePagePosition position =
      io::scanimage_page_position(*header, acquisition_page(*header, page, frame));
  return position.channel == channel_ && position.plane == plane_;
}

}  // namespace calmon::follow
