// imagej_format.cc — ImageJ ROIs ↔ calmon ROIs; see the header.
#include "config/imagej_format.h"

#include "config/config_file.h"
#include "config/region_message.h"
#include "core/error.h"
#include "core/imagej_mask.h"
#include "core/imagej_outline.h"
#include "io/imagej_roi_set.h"

namespace calmon::config {
namespace {

constexpr int kMaxImageJCoordinate = 60535;

}  // namespace

std::vector<pb::Roi> read_imagej_file(const std::string& path, const ImportContext& /*context*/) {
  std::vector<pb::Roi> rois;
  for (const io::ImageJRoi& imagej : io::read_imagej_rois(path)) {
    const std::string what = path + ": ROI '" + imagej.name + "'";
    pb::Roi roi;
    roi.set_name(imagej.name);
    *roi.mutable_region() = config::to_wire_region(imagej_region(imagej.shape, what));
    rois.push_back(std::move(roi));
  }
  return rois;
}

void write_imagej_roi_set_file(const pb::RoiSet& rois, const std::string& path, std::vector<std::string>& warnings) {
  std::vector<io::ImageJRoi> imagej;
  for (int i = 0; i < rois.rois_size(); ++i) {
    const pb::Roi& roi = rois.rois(i);
    const std::string name = config::roi_name(roi, static_cast<std::size_t>(i));
    const std::optional<Region> region = config::to_core_region(roi.region());
    if (!region) throw Error("ROI '" + name + "': has no region");
    if (region->pixel_count() == 0) throw Error("ROI '" + name + "': " + region->describe() + " is empty");
    // ImageJ's .roi keeps integer coordinates in 16 bits (it reads those past 32767 back as
    // unsigned up to 60535).
    const Rect& box = region->rect();
    if (box.xmin < 0 || box.ymin < 0 || box.xmax > kMaxImageJCoordinate || box.ymax > kMaxImageJCoordinate) {
      throw Error("ROI '" + name + "': " + region->describe() + " (" + box.to_string() +
                  ") lies outside what an ImageJ ROI can hold (0 to " + std::to_string(kMaxImageJCoordinate) + ")");
    }
    if (!region->unit_weights()) {
      warnings.push_back("warning: ROI '" + name +
                         "': its mask's weights are not all 1; ImageJ ROIs have no weights, so they are lost");
    }
    imagej.push_back({name, imagej_shape_of(*region)});
  }
  io::write_imagej_roi_set(path, imagej);
}

}  // namespace calmon::config
