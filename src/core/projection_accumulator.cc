// projection_accumulator.cc — picks a projection's accumulator by frame selection and pixel type.
//
// The one place where the pixel type becomes a template argument for projections: the
// last N frames get a ring, other selections running sums, integer or float.
#include "core/projection_accumulator.h"

#include <type_traits>

#include "core/projection_crop.h"
#include "core/running_float_projection.h"
#include "core/running_integer_projection.h"
#include "core/sliding_projection.h"

namespace calmon::detail {

std::unique_ptr<ProjectionAccumulator> make_projection_accumulator(const ProjectionSpec& spec, FrameShape shape,
                                                                   PixelType type, ProjectionKernels kernels) {
  const CropGeometry geometry{spec.crop.value_or(Rect::whole(shape)), shape.width};
  return dispatch_pixel_type(type, [&](auto tag) -> std::unique_ptr<ProjectionAccumulator> {
    using T = typename decltype(tag)::type;
    if (spec.frames == ProjectionSpec::Frames::kLast) {
      return make_sliding_projection<T>(geometry, spec.last);
    }
    if constexpr (std::is_integral_v<T>) {
      return make_running_integer_projection<T>(geometry, spec.stats, kernels);
    } else {
      return make_running_float_projection<T>(geometry, spec.stats);
    }
  });
}

}  // namespace calmon::detail
