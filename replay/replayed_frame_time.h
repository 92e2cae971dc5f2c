// replayed_frame_time.h — the acquisition time a replayed frame carries (FrameHeader.frame_time_s).
//
// The first pass over the selected frames sends each frame's own time from the file,
// unchanged, so calmond's seconds equal calmon-analyze's bit for bit. A looped replay
// plays the movie again as if the acquisition went on: pass L adds L pass lengths, a pass
// lasting from its first frame's time to its last plus one mean frame interval, so time
// keeps running forward. A one-frame selection's pass is one declared frame interval;
// without a declared rate its later passes carry no time. A file without frame times
// sends none.
#pragma once

#include <cstdint>
#include <optional>

#include "io/movie_time_base.h"
#include "replay/frame_selection.h"

namespace calmon::replay {

inline std::optional<double> replayed_frame_time_s(const io::MovieTimeBase& time_base, const FrameSelection& selection,
                                                   std::int64_t t, std::int64_t loop) {
  const std::optional<double> time = time_base.frame_time_s(t);
  if (!time || loop == 0) return time;
  double pass_s = 0.0;
  if (selection.count() > 1) {
    const double span = *time_base.frame_time_s(selection.end - 1) - *time_base.frame_time_s(selection.begin);
    pass_s = span * static_cast<double>(selection.count()) / static_cast<double>(selection.count() - 1);
  } else if (time_base.rate.hz > 0) {
    pass_s = 1.0 / time_base.rate.hz;
  } else {
    return std::nullopt;
  }
  return *time + static_cast<double>(loop) * pass_s;
}

}  // namespace calmon::replay
