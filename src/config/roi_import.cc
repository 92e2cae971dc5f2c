// roi_import.cc — files → one checked ROI set; see the header.
#include "config/roi_import.h"

#include <set>

#include "config/region_message.h"
#include "core/error.h"

namespace calmon::config {

pb::RoiSet import_rois(const std::vector<std::string>& paths, const ImportContext& context) {
  pb::RoiSet set;
  std::set<std::string> names;
  for (const std::string& path : paths) {
    const RoiFormat& format = format_of(path, false);
    for (pb::Roi& roi : format.read(path, context)) {
      const std::string what = path + ": ROI '" + roi.name() + "'";
      if (!roi.name().empty() && !names.insert(roi.name()).second) {
        throw Error(what + ": the name is already taken by an earlier ROI; names must be unique");
      }
      const std::optional<Region> region = config::to_core_region(roi.region());
      if (!region) throw Error(what + ": has no region");
      const Rect& box = region->rect();
      if (box.xmin < 0 || box.ymin < 0 || (context.frame && !box.inside(*context.frame))) {
        const std::string frame = context.frame ? "the " + std::to_string(context.frame->width) + "x" +
                                                      std::to_string(context.frame->height) + " frame"
                                                : "the image (it starts at 0, 0)";
        throw Error(what + ": reaches outside " + frame + " (" + box.to_string() +
                    "); calmon refuses it rather than measure only the part inside");
      }
      if (context.frame) region->validate(*context.frame, what);
      *set.add_rois() = std::move(roi);
    }
  }
  return set;
}

}  // namespace calmon::config
