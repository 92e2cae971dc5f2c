// motion_message.cc — pb::Motion → MotionSettings, defaults filled, reference read.
#include "config/motion_message.h"

#include "core/error.h"
#include "io/reference_image.h"

namespace calmon::config {

MotionSettings to_motion_settings(const pb::Motion& motion) {
  MotionSettings settings;
  RigidRegistrationOptions& rigid = settings.rigid;
  if (motion.has_max_shift()) rigid.max_shift = motion.max_shift();
  if (motion.has_upsample_factor()) rigid.upsample_factor = motion.upsample_factor();
  if (motion.has_taper_width()) rigid.taper_width = motion.taper_width();
  if (motion.has_smooth_sigma()) rigid.smooth_sigma = motion.smooth_sigma();
  if (motion.has_min_peak()) rigid.min_peak = motion.min_peak();
  if (motion.has_reference_frames()) settings.reference_frames = motion.reference_frames();
  if (motion.has_reference_iterations()) settings.reference_iterations = motion.reference_iterations();
  if (motion.has_template_update()) settings.template_update = motion.template_update();
  if (motion.has_piecewise()) {
    const pb::Piecewise& blocks = motion.piecewise();
    PiecewiseOptions& piecewise = settings.piecewise.emplace();
    if (blocks.has_block_size()) piecewise.block_size = blocks.block_size();
    if (blocks.has_block_overlap()) piecewise.block_overlap = blocks.block_overlap();
    if (blocks.has_max_deviation()) piecewise.max_deviation = blocks.max_deviation();
    if (blocks.has_min_block_peak()) piecewise.min_block_peak = blocks.min_block_peak();
  }
  settings.validate();
  if (!motion.reference_file().empty()) {
    try {
      settings.reference = io::read_reference_image(motion.reference_file());
    } catch (const Error& e) {
      throw Error(std::string("motion: reference_file: ") + e.what());
    }
  }
  return settings;
}

}  // namespace calmon::config
