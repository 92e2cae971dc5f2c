// scanimage_placement.h — the placer of calmon-follow's file mode: ScanImage's channels, planes and clock.
//
// The first page decides. A page whose Software tag holds ScanImage's "SI.xxx = value"
// settings (io/scanimage_metadata.h) makes the series a ScanImage one: every page's
// description gives its frame within the acquisition (frameNumberAcquisition), so the
// page's place in the acquisition is (frame − 1) · channels + its position in the frame
// (files roll over on whole frames, so a file's pages start with the first channel), and
// io::scanimage_page_position turns that into channel, plane and time point. Only the
// --channel/--plane followed is sent, with the page's frameTimestamps_sec as its time and
// the rate at which that plane's time points come (io/movie_time_base.h's
// scanimage_frame_rate, the rule calmon-analyze and calmon-replay use for a file). Every page must follow the one
// before it (a page missing or a wrong channel count stops the following), and every file's settings must be the first
// file's. A page without ScanImage's settings makes the series a plain one: channel 0, plane 0 only. --channel and
// --plane mean what they mean for calmon-replay and calmon-analyze: indices from 0 into the channels saved and the
// planes, and a selection the file rules out is calmon-replay's one-line error.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "follow/page_placement.h"
#include "io/scanimage_metadata.h"

namespace calmon::follow {

// Nanoseconds since the Unix epoch of `epoch` ([year month day hour minute seconds], the
// acquisition's start in the computer's local time, as MATLAB's clock gives it) plus
// `seconds`; nullopt if the epoch is not a valid date.
std::optional<std::int64_t> scanimage_epoch_ns(const std::vector<double>& epoch, double seconds);

// "ScanImage 2020: 2 channels saved (1, 2), 3 planes, 30 volumes/s; following channel 0
// (ScanImage's channel 1), plane 1".
std::string scanimage_follow_line(const io::ScanImageHeader& header, int channel, int plane);

class SeriesPlacer : public PagePlacer {
 public:
  // `note` gets the one line saying what the series is and what is followed.
  SeriesPlacer(int channel, int plane, std::function<void(const std::string&)> note);
  PagePlacement place(const std::string& path, const io::GrowingTiffPage& page) override;
  bool is_followed(const std::string& path, const io::GrowingTiffPage& page) const override;

 private:
  // The settings of the page's Software tag (nullopt: not ScanImage); throws calmon::Error.
  static std::optional<io::ScanImageHeader> settings_of(const std::string& path, const io::GrowingTiffPage& page);
  void check_selection(const std::string& path, int channels, int planes) const;

  int channel_;
  int plane_;
  std::function<void(const std::string&)> note_;
  bool first_ = true;
  std::optional<io::ScanImageHeader> header_;  // nullopt: a plain TIFF series
  std::string header_text_;                    // the first page's Software tag
  std::string header_path_;                    // its file
  std::int64_t acquisition_ = 0;               // acquisitionNumbers of the first page
  std::optional<std::int64_t> last_page_;      // the last page's place in the acquisition
};

}  // namespace calmon::follow
