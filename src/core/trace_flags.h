// trace_flags.h — per-ROI, per-frame flags that travel with the numbers.
//
// A number that cannot be trusted is still published (as NaN where it is undefined),
// with a flag saying why, so a subscriber can tell "no activity" from "no data".
#pragma once

#include <cstdint>

namespace calmon {

enum TraceFlag : std::uint8_t {
  kFlagBaselineNotPositive = 1 << 0,  // F0 <= 0 or NaN: ΔF/F₀ is NaN
  kFlagNonFinitePixels = 1 << 1,      // the ROI or its neuropil averaged a NaN/inf pixel
  kFlagAfterGap = 1 << 2,             // frames were missing just before this one (streaming)
  // (1 << 3 is calmon-record's "not received")
  kFlagOutsideFrame = 1 << 4,  // motion correction: some of the ROI's or its neuropil's pixels came from
                               // outside the frame; its mean is over the others (NaN if none)
};

}  // namespace calmon
