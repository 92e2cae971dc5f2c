// scanimage_metadata.cc — ScanImage's "key = value" lines and MATLAB literals, parsed into structs.
//
// Every line is "key = value"; the value is read only for the keys a struct needs, each
// with the MATLAB form it may take (a number, Inf, true/false, 'text', a row or column
// [1 2] / [1;2]). The first problem throws, naming the key and its value as written.
#include "io/scanimage_metadata.h"

#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

#include "core/error.h"

namespace calmon::io {

namespace {

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

// Calls `visit(key, value)` for every "key = value" line, keys without "scanimage.".
template <class Visit> void for_each_line(std::string_view text, Visit&& visit) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, equals));
    if (key.starts_with("scanimage.")) key.remove_prefix(10);
    visit(key, trim(line.substr(equals + 1)));
  }
}

[[noreturn]] void bad(std::string_view key, std::string_view value, const std::string& problem) {
  throw Error("ScanImage metadata: " + std::string(key) + " = " + std::string(value) + ": " + problem);
}

// A MATLAB number: 30, 30.0, -3e4, Inf, -Inf (NaN is not accepted: nothing here may be unknown).
std::optional<double> number_of(std::string_view text) {
  if (text == "Inf" || text == "inf") return HUGE_VAL;
  if (text == "-Inf" || text == "-inf") return -HUGE_VAL;
  if (text.starts_with('+')) text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || std::isnan(value)) {
    return std::nullopt;
  }
  return value;
}

double finite_number(std::string_view key, std::string_view value) {
  const std::optional<double> number = number_of(value);
  if (!number || !std::isfinite(*number)) bad(key, value, "not a finite number");
  return *number;
}

double positive_rate(std::string_view key, std::string_view value) {
  const double rate = finite_number(key, value);
  if (rate <= 0) bad(key, value, "not a positive rate");
  return rate;
}

// A positive whole number; Inf gives nullopt where `inf_allowed`.
std::optional<std::int64_t> count(std::string_view key, std::string_view value, bool inf_allowed) {
  const std::optional<double> number = number_of(value);
  if (number && std::isinf(*number) && *number > 0 && inf_allowed) return std::nullopt;
  if (!number || !std::isfinite(*number) || *number < 1 || *number != std::floor(*number) || *number > 9.0e15) {
    bad(key, value, inf_allowed ? "not a positive whole number or Inf" : "not a positive whole number");
  }
  return static_cast<std::int64_t>(*number);
}

int small_count(std::string_view key, std::string_view value) {
  const std::int64_t n = *count(key, value, false);
  if (n > 1'000'000) bad(key, value, "more than 1000000");
  return static_cast<int>(n);
}

bool logical(std::string_view key, std::string_view value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  bad(key, value, "not true or false");
}

// The elements of a MATLAB row or column: "1", "[1 2]", "[1;2]", "[1, 2]", "[]".
std::vector<std::string_view> elements(std::string_view key, std::string_view value) {
  std::string_view inner = value;
  if (inner.starts_with('[')) {
    if (!inner.ends_with(']')) bad(key, value, "an array without its closing ]");
    inner = inner.substr(1, inner.size() - 2);
  }
  std::vector<std::string_view> items;
  std::size_t i = 0;
  while (i < inner.size()) {
    const auto separator = [&](std::size_t j) {
      return std::string_view(" ,;\t").find(inner[j]) != std::string_view::npos;
    };
    while (i < inner.size() && separator(i)) ++i;
    std::size_t j = i;
    while (j < inner.size() && !separator(j)) ++j;
    if (j > i) items.push_back(inner.substr(i, j - i));
    i = j;
  }
  return items;
}

std::vector<int> channel_list(std::string_view key, std::string_view value) {
  std::vector<int> channels;
  std::set<int> seen;
  for (const std::string_view item : elements(key, value)) {
    const std::optional<double> number = number_of(item);
    if (!number || *number < 1 || *number > 64 || *number != std::floor(*number)) {
      bad(key, value, "'" + std::string(item) + "' is not a channel number (1 to 64)");
    }
    const int channel = static_cast<int>(*number);
    if (!seen.insert(channel).second) bad(key, value, "channel " + std::to_string(channel) + " is listed twice");
    channels.push_back(channel);
  }
  if (channels.empty()) bad(key, value, "no channel is saved");
  return channels;
}

// 'text' (with '' for a quote inside) or a bare word such as 2020.
std::string text_value(std::string_view key, std::string_view value) {
  if (!value.starts_with('\'')) return std::string(value);
  if (value.size() < 2 || !value.ends_with('\'')) bad(key, value, "a text without its closing quote");
  std::string text;
  const std::string_view inner = value.substr(1, value.size() - 2);
  for (std::size_t i = 0; i < inner.size(); ++i) {
    text += inner[i];
    if (inner[i] == '\'') {
      if (i + 1 >= inner.size() || inner[i + 1] != '\'') bad(key, value, "a lone quote inside the text");
      ++i;
    }
  }
  return text;
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

std::int64_t ScanImageHeader::pages_per_volume() const {
  return static_cast<std::int64_t>(channels()) * slices * frames_per_slice;
}

bool is_scanimage_header_text(std::string_view text) {
  return text.starts_with("SI.") || text.starts_with("scanimage.SI");
}

ScanImageHeader parse_scanimage_header(std::string_view text) {
  ScanImageHeader header;
  std::optional<int> num_slices;
  std::optional<int> actual_num_slices;
  std::optional<std::int64_t> num_volumes;
  std::optional<std::int64_t> actual_num_volumes;
  for_each_line(text, [&](std::string_view key, std::string_view value) {
    if (key == "SI.VERSION_MAJOR") {
      header.version = text_value(key, value);
    } else if (key == "SI.hChannels.channelSave") {
      header.saved_channels = channel_list(key, value);
    } else if (key == "SI.hStackManager.numSlices") {
      num_slices = small_count(key, value);
    } else if (key == "SI.hStackManager.actualNumSlices") {
      actual_num_slices = small_count(key, value);
    } else if (key == "SI.hStackManager.framesPerSlice") {
      const std::optional<std::int64_t> frames = count(key, value, true);
      if (frames && *frames > 1'000'000'000) bad(key, value, "more than 1000000000");
      header.frames_per_slice = frames ? static_cast<int>(*frames) : 1;
    } else if (key == "SI.hStackManager.numVolumes" || key == "SI.hFastZ.numVolumes") {
      num_volumes = count(key, value, true);
    } else if (key == "SI.hStackManager.actualNumVolumes") {
      actual_num_volumes = count(key, value, true);
    } else if (key == "SI.hRoiManager.scanFrameRate") {
      header.frame_rate_hz = positive_rate(key, value);
    } else if (key == "SI.hRoiManager.scanVolumeRate") {
      header.volume_rate_hz = positive_rate(key, value);
    } else if (key == "SI.hScan2D.logFramesPerFile") {
      header.frames_per_file = count(key, value, true);
    } else if (key == "SI.hFastZ.enable") {
      header.fast_z = logical(key, value);
    }
  });
  header.slices = actual_num_slices.value_or(num_slices.value_or(1));
  header.volumes = actual_num_volumes ? actual_num_volumes : num_volumes;
  // A volume of N planes takes at least N frames: a faster volume rate contradicts the frame rate.
  if (header.frame_rate_hz && header.volume_rate_hz) {
    const int planes = header.fast_z ? header.slices : 1;
    if (*header.volume_rate_hz * planes > *header.frame_rate_hz * (1 + 1e-6)) {
      throw Error("ScanImage metadata: SI.hRoiManager.scanVolumeRate = " + number_text(*header.volume_rate_hz) +
                  " with " + std::to_string(planes) +
                  " plane(s) per volume is faster than SI.hRoiManager.scanFrameRate = " +
                  number_text(*header.frame_rate_hz) + " allows");
    }
  }
  return header;
}

ScanImageFrameInfo parse_scanimage_frame(std::string_view description) {
  ScanImageFrameInfo frame;
  std::optional<std::int64_t> frame_number;
  std::optional<std::int64_t> acquisition_number;
  std::optional<std::int64_t> frame_number_acquisition;
  std::optional<double> timestamp;
  for_each_line(description, [&](std::string_view key, std::string_view value) {
    if (key == "frameNumbers") {
      frame_number = count(key, value, false);
    } else if (key == "acquisitionNumbers") {
      acquisition_number = count(key, value, false);
    } else if (key == "frameNumberAcquisition") {
      frame_number_acquisition = count(key, value, false);
    } else if (key == "frameTimestamps_sec") {
      timestamp = finite_number(key, value);
    } else if (key == "acqTriggerTimestamps_sec") {
      if (!value.empty() && value != "[]") frame.acq_trigger_timestamp_s = finite_number(key, value);
    } else if (key == "epoch") {
      frame.epoch.clear();
      for (const std::string_view item : elements(key, value)) {
        const std::optional<double> number = number_of(item);
        if (!number || !std::isfinite(*number)) bad(key, value, "'" + std::string(item) + "' is not a finite number");
        frame.epoch.push_back(*number);
      }
      if (frame.epoch.size() != 6) bad(key, value, "not [year month day hour minute seconds]");
    }
  });
  if (!frame_number) throw Error("ScanImage metadata: the page description has no frameNumbers");
  if (!timestamp) throw Error("ScanImage metadata: the page description has no frameTimestamps_sec");
  frame.frame_number = *frame_number;
  frame.acquisition_number = acquisition_number.value_or(1);
  frame.frame_number_acquisition = frame_number_acquisition.value_or(*frame_number);
  frame.timestamp_s = *timestamp;
  if (frame.frame_number_acquisition > frame.frame_number) {
    throw Error("ScanImage metadata: frameNumberAcquisition = " + std::to_string(frame.frame_number_acquisition) +
                " is more than frameNumbers = " + std::to_string(frame.frame_number) +
                " (frames counted over every acquisition)");
  }
  return frame;
}

ScanImagePagePosition scanimage_page_position(const ScanImageHeader& header, std::int64_t page) {
  if (page < 0) throw Error("ScanImage: page " + std::to_string(page) + " is negative");
  const std::int64_t frame = page / header.channels();  // one frame: every saved channel of one plane
  const std::int64_t slice_and_volume = frame / header.frames_per_slice;
  ScanImagePagePosition position;
  position.channel = static_cast<int>(page % header.channels());
  position.plane = static_cast<int>(slice_and_volume % header.slices);
  const std::int64_t volume = slice_and_volume / header.slices;
  position.time_point = volume * header.frames_per_slice + frame % header.frames_per_slice;
  return position;
}

std::int64_t scanimage_page_index(const ScanImageHeader& header, std::int64_t time_point, int channel, int plane) {
  if (time_point < 0 || channel < 0 || channel >= header.channels() || plane < 0 || plane >= header.slices) {
    throw Error("ScanImage: no page for time point " + std::to_string(time_point) + ", channel " +
                std::to_string(channel) + ", plane " + std::to_string(plane) + " (" +
                std::to_string(header.channels()) + " channels, " + std::to_string(header.slices) + " planes)");
  }
  const std::int64_t volume = time_point / header.frames_per_slice;
  const std::int64_t frame_in_slice = time_point % header.frames_per_slice;
  return ((volume * header.slices + plane) * header.frames_per_slice + frame_in_slice) * header.channels() + channel;
}

}  // namespace calmon::io
