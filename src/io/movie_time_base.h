// movie_time_base.h — what a TIFF movie says about time: each frame's acquisition time and the frame rate it declares.
//
// calmon-analyze and calmon-replay read a movie's time from the same place, so that a
// file analysed offline and the same file replayed into calmond get the same seconds
// (core/session_clock.h turns these into seconds from the first frame). For the frames of
// one channel and one plane:
//   - each frame's time on the acquisition's clock: ScanImage's frameTimestamps_sec of
//     that frame's page; none for other files;
//   - the rate at which frames of that ONE plane come, as the file declares it:
//       ScanImage, one plane per volume: SI.hRoiManager.scanFrameRate;
//       ScanImage, several planes with fast z (SI.hFastZ.enable): SI.hRoiManager.scanVolumeRate
//         (a plane comes once per volume, flyback frames included);
//       ScanImage, several planes without fast z, or several frames per plane: none, as
//         such a plane's frames come in bursts, at no one rate;
//       ImageJ: finterval= (seconds per frame, in tunit= units: s, sec, ms, msec or min)
//         gives 1/finterval; without finterval, fps= (ImageJ's animation speed, which ImageJ
//         sets from the frame interval when it knows one);
//       anything else: 0.
// A value that cannot be a rate (not a number, zero, negative, an unknown time unit) is
// ignored, not fatal: the movie is still worth analysing, and the config's frame_rate_hz
// can give the rate. Each ignored value leaves one line in `ignored`, for the program to
// print as a warning. (ScanImage's own values are checked when the file is opened:
// io/scanimage_metadata.h.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/scanimage_metadata.h"
#include "io/tiff_movie_reader.h"

namespace calmon::io {

// The frame rate a file declares for the frames of one plane.
struct DeclaredFrameRate {
  double hz = 0.0;                   // 0: none
  std::string origin;                // where it was read, e.g. "ImageJ's finterval=0.05"; "" if none
  std::vector<std::string> ignored;  // values that could not serve, each with its reason
};

// ScanImage's declared rate for one plane (see the top of this file).
DeclaredFrameRate scanimage_frame_rate(const ScanImageHeader& header);
// ImageJ's finterval= / fps= in an ImageJ description ("ImageJ=...\nfinterval=0.05\n").
DeclaredFrameRate imagej_frame_rate(std::string_view description);

struct MovieTimeBase {
  // Per time point t of the chosen channel and plane: its time on the acquisition's clock,
  // in seconds; empty when the file has none.
  std::vector<double> frame_times_s;
  DeclaredFrameRate rate;

  std::optional<double> frame_time_s(std::int64_t t) const {
    if (frame_times_s.empty()) return std::nullopt;
    return frame_times_s[static_cast<std::size_t>(t)];
  }
};

// The time base of `channel` and `plane` (0-based, as TiffMovieReader::read takes them;
// calmon::Error if the movie has no such channel or plane).
MovieTimeBase read_movie_time_base(const TiffMovieReader& movie, int channel, int plane);

}  // namespace calmon::io
