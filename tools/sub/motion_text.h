// motion_text.h — a frame's motion correction (TraceUpdate.motion) as calmon-sub shows it.
//
// The wire carries a failure as a code (FrameMotion.failed: 1 non-finite frame, 2 flat
// frame, 3 low peak, 4 at max shift, 5 no reference); calmon-sub names it, with core's
// names (registration_failure_name), so the words are the ones docs/motion.md uses.
#pragma once

#include <cstdint>
#include <string>

#include "calmon/wire.pb.h"

namespace calmon::sub_tool {

// "low peak"; "failure 9" for a code calmon does not know.
std::string motion_failure_name(std::uint32_t code);

// The live table's words: "shift dy -1.20 dx +0.40 px", then " ✗ low peak" when failed.
std::string motion_table_text(const pb::FrameMotion& motion);

// The plain lines' keys: "dy=-1.2 dx=0.4" (exact, as the ΔF/F₀ values), then
// " motion_failed=low_peak" (spaces as underscores) when failed.
std::string motion_plain_text(const pb::FrameMotion& motion);

}  // namespace calmon::sub_tool
