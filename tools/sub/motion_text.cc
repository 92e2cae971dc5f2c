// motion_text.cc — FrameMotion in words and key=value pairs; see the header.
#include "motion_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/format_number.h"
#include "core/rigid_registration.h"

namespace calmon::sub_tool {
namespace {

std::string signed_pixels(double value) {
  if (!std::isfinite(value)) return "nan";
  char text[64];
  std::snprintf(text, sizeof text, "%+.2f", value);
  return text;
}

}  // namespace

std::string motion_failure_name(std::uint32_t code) {
  const auto last = static_cast<std::uint32_t>(RegistrationFailure::kNoReference);
  if (code == 0 || code > last) return "failure " + std::to_string(code);
  return std::string(registration_failure_name(static_cast<RegistrationFailure>(code)));
}

std::string motion_table_text(const pb::FrameMotion& motion) {
  std::string text = "shift dy " + signed_pixels(motion.dy()) + " dx " + signed_pixels(motion.dx()) + " px";
  if (motion.failed() != 0) text += " \u2717 " + motion_failure_name(motion.failed());
  return text;
}

std::string motion_plain_text(const pb::FrameMotion& motion) {
  std::string text = "dy=" + format_number(motion.dy()) + " dx=" + format_number(motion.dx());
  if (motion.failed() != 0) {
    std::string name = motion_failure_name(motion.failed());
    std::replace(name.begin(), name.end(), ' ', '_');
    text += " motion_failed=" + name;
  }
  return text;
}

}  // namespace calmon::sub_tool
