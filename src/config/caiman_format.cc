// caiman_format.cc — estimates/A's columns → ROIs; see the header.
#include "config/caiman_format.h"

#include "core/error.h"
#include "io/caiman_file.h"

namespace calmon::config {

std::vector<pb::Roi> read_caiman_file(const std::string& path, const ImportContext& context) {
  const io::CaimanFootprints footprints = io::read_caiman_footprints(path, context.footprint_threshold);
  if (context.frame && (context.frame->width != footprints.width || context.frame->height != footprints.height)) {
    throw Error(path + ": CaImAn's field is " + std::to_string(footprints.width) + "x" +
                std::to_string(footprints.height) + " (dims), the movie's " + std::to_string(context.frame->width) +
                "x" + std::to_string(context.frame->height));
  }
  std::vector<pb::Roi> rois;
  for (std::size_t j = 0; j < footprints.components.size(); ++j) {
    pb::Roi roi;
    roi.set_name("cm_" + std::to_string(j));
    pb::Mask* mask = roi.mutable_region()->mutable_mask();
    for (const WeightedPixel& p : footprints.components[j]) {
      mask->add_x(p.x);
      mask->add_y(p.y);
      mask->add_weight(p.weight);
    }
    rois.push_back(std::move(roi));
  }
  return rois;
}

}  // namespace calmon::config
