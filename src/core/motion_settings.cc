// motion_settings.cc — the shape-free checks of the motion settings.
#include "core/motion_settings.h"

#include <cmath>
#include <string>

#include "core/error.h"
#include "core/format_number.h"

namespace calmon {

void MotionSettings::validate() const {
  if (reference_frames < 1) {
    throw Error("motion: reference_frames " + std::to_string(reference_frames) + " must be at least 1");
  }
  if (reference_iterations < 0 || reference_iterations > 100) {
    throw Error("motion: reference_iterations " + std::to_string(reference_iterations) + " must be from 0 to 100");
  }
  if (!(template_update >= 0.0 && template_update < 1.0)) {
    throw Error("motion: template_update " + format_number(template_update) + " must be at least 0 and below 1");
  }
}

}  // namespace calmon
