// movie_time_base.cc — a movie's frame times and declared frame rate; see the header.
#include "io/movie_time_base.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "core/error.h"
#include "io/imagej_description.h"

namespace calmon::io {
namespace {

// The value of `key=` in ImageJ's key=value lines, trailing spaces and \r dropped.
std::optional<std::string_view> imagej_value(std::string_view description, std::string_view key) {
  while (!description.empty()) {
    const std::size_t end = description.find('\n');
    const std::string_view line = description.substr(0, end);
    description = end == std::string_view::npos ? std::string_view() : description.substr(end + 1);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == '=') {
      std::string_view value = line.substr(key.size() + 1);
      while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.remove_suffix(1);
      return value;
    }
  }
  return std::nullopt;
}

// A finite number > 0, or nullopt.
std::optional<double> positive_number(std::string_view text) {
  double value = 0;
  const auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || rest != text.data() + text.size() || !std::isfinite(value) || value <= 0) {
    return std::nullopt;
  }
  return value;
}

// Seconds per unit of ImageJ's tunit= (absent: ImageJ's default, seconds).
std::optional<double> seconds_per_time_unit(std::optional<std::string_view> unit) {
  if (!unit || *unit == "sec" || *unit == "s" || *unit == "second" || *unit == "seconds") return 1.0;
  if (*unit == "ms" || *unit == "msec") return 1e-3;
  if (*unit == "min") return 60.0;
  return std::nullopt;
}

}  // namespace

DeclaredFrameRate scanimage_frame_rate(const ScanImageHeader& header) {
  DeclaredFrameRate rate;
  if (header.slices == 1) {
    if (header.frame_rate_hz) {
      rate.hz = *header.frame_rate_hz;
      rate.origin = "ScanImage's SI.hRoiManager.scanFrameRate";
    }
    return rate;
  }
  if (header.frames_per_slice > 1) {
    rate.ignored.push_back("ScanImage file with " + std::to_string(header.frames_per_slice) +
                           " frames per plane (SI.hStackManager.framesPerSlice): a plane's frames come in bursts, at "
                           "no one frame rate");
  } else if (!header.fast_z) {
    rate.ignored.push_back("ScanImage file with " + std::to_string(header.slices) +
                           " planes without fast z (SI.hFastZ.enable = false): a plane's frames come at no declared "
                           "rate");
  } else if (header.volume_rate_hz) {
    rate.hz = *header.volume_rate_hz;
    rate.origin = "ScanImage's SI.hRoiManager.scanVolumeRate";
  }
  return rate;
}

DeclaredFrameRate imagej_frame_rate(std::string_view description) {
  DeclaredFrameRate rate;
  if (!detail::is_imagej_description(description)) return rate;
  if (const auto interval = imagej_value(description, "finterval")) {
    const auto unit = imagej_value(description, "tunit");
    const std::optional<double> seconds = positive_number(*interval);
    const std::optional<double> unit_s = seconds_per_time_unit(unit);
    if (!seconds) {
      rate.ignored.push_back("ImageJ description has finterval=" + std::string(*interval) +
                             ", not a positive number of seconds per frame; ignored");
    } else if (!unit_s) {
      rate.ignored.push_back("ImageJ description has tunit=" + std::string(*unit) +
                             ", not a time unit calmon knows (sec, s, ms, msec, min); finterval ignored");
    } else {
      rate.hz = 1.0 / (*seconds * *unit_s);
      rate.origin = "ImageJ's finterval=" + std::string(*interval) + (unit ? " " + std::string(*unit) : "");
      return rate;
    }
  }
  if (const auto fps = imagej_value(description, "fps")) {
    if (const std::optional<double> hz = positive_number(*fps)) {
      rate.hz = *hz;
      rate.origin = "ImageJ's fps=" + std::string(*fps);
    } else {
      rate.ignored.push_back("ImageJ description has fps=" + std::string(*fps) + ", not a positive rate; ignored");
    }
  }
  return rate;
}

MovieTimeBase read_movie_time_base(const TiffMovieReader& movie, int channel, int plane) {
  const TiffMovieInfo& info = movie.info();
  if (channel < 0 || channel >= info.channels || plane < 0 || plane >= info.slices) {
    throw Error("the movie has no channel " + std::to_string(channel) + ", plane " + std::to_string(plane) +
                " (it has " + std::to_string(info.channels) + " channel(s) x " + std::to_string(info.slices) +
                " plane(s))");
  }
  MovieTimeBase time_base;
  if (info.scanimage) {
    time_base.rate = scanimage_frame_rate(movie.scanimage_header());
    time_base.frame_times_s.reserve(static_cast<std::size_t>(info.frames));
    for (std::int64_t t = 0; t < info.frames; ++t)
      time_base.frame_times_s.push_back(movie.timestamp_s(t, channel, plane));
  } else if (info.imagej) {
    time_base.rate = imagej_frame_rate(movie.description());
  }
  return time_base;
}

}  // namespace calmon::io
