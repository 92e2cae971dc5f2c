// motion_settings.h — how frames are registered before anything else sees them.
//
// Present in PipelineSettings (as `motion`) when motion correction is on. The config's
// "motion" section (proto/calmon/config.proto) is translated into this by src/config;
// the reference image, when the user gives one, arrives already read (src/io), so the
// core never opens a file. docs/motion.md explains every field.
#pragma once

#include <optional>

#include "core/image.h"
#include "core/piecewise_registration.h"
#include "core/rigid_registration.h"

namespace calmon {

struct MotionSettings {
  RigidRegistrationOptions rigid;
  // The reference is built from the session's first `reference_frames` frames (those
  // frames wait until it exists), refined `reference_iterations` times...
  int reference_frames = 100;
  int reference_iterations = 3;
  // ...unless it is given: used as it is, from the first frame.
  std::optional<Image> reference;
  // Piecewise-rigid: after the rigid shift, blocks registered around it and the frame
  // warped by the interpolated per-pixel field; absent = rigid only.
  std::optional<PiecewiseOptions> piecewise;
  // Each registered frame's share of a running template (reference ← (1 − a)·reference
  // + a·frame, over the frame's valid pixels); 0 keeps the reference fixed.
  double template_update = 0.0;

  // Error (one line) naming the first field out of range; the shape-dependent checks
  // (max_shift against the frame, the reference's size) come with the frame shape.
  void validate() const;
};

}  // namespace calmon
