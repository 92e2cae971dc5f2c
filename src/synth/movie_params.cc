// movie_params.cc — validation of MovieParams (see movie_params.h).
#include "synth/movie_params.h"

#include <cmath>
#include <string>

#include "core/error.h"
#include "core/format_number.h"

namespace calmon::synth {
std::int64_t MovieParams::frame_of_time(double time_s) const {
  return static_cast<std::int64_t>(std::floor(time_s * frame_rate_hz));
}

void MovieParams::validate() const {
  if (frames < 1 || frames > kMaxFrames) {
    throw Error("synthetic movie: frames must be in 1.." + std::to_string(kMaxFrames) + ", got " +
                std::to_string(frames));
  }
  if (width < 1 || width > kMaxSide || height < 1 || height > kMaxSide) {
    throw Error("synthetic movie: width and height must be in 1.." + std::to_string(kMaxSide) + ", got " +
                std::to_string(width) + "x" + std::to_string(height));
  }
  if (!(frame_rate_hz > 0) || frame_rate_hz > kMaxFrameRateHz) {
    throw Error("synthetic movie: frame rate must be in (0, " + format_number(kMaxFrameRateHz) + "] Hz, got " +
                format_number(frame_rate_hz));
  }
  if (pixel_type_name(pixel_type) == "unknown") {
    throw Error("synthetic movie: unknown pixel type code " + std::to_string(static_cast<int>(pixel_type)));
  }
  motion.validate(shape());
}

}  // namespace calmon::synth
