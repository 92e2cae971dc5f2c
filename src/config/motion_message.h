// motion_message.h — the config's "motion" section as core settings.
//
// Fields left out take the defaults proto/calmon/config.proto and docs/motion.md give;
// a reference_file is read here (src/io), so the core gets the image, never the path.
#pragma once

#include "calmon/config.pb.h"
#include "core/motion_settings.h"

namespace calmon::config {

// Error (one line, "motion: ...") for a value out of range or a reference file that
// cannot be read.
MotionSettings to_motion_settings(const pb::Motion& motion);

}  // namespace calmon::config
