// suite2p_format.cc — stat.npy, iscell.npy and ops.npy → ROIs; see the header.
#include "config/suite2p_format.h"

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/suite2p_masks.h"
#include "io/npy_writer.h"
#include "io/suite2p_files.h"

namespace calmon::config {
namespace {

std::string frame_text(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

void warn(const ImportContext& context, const std::string& line) {
  if (context.warnings != nullptr) context.warnings->push_back(line);
}

}  // namespace

std::vector<pb::Roi> read_suite2p_file(const std::string& path, const ImportContext& context) {
  const io::Suite2pStat stat = io::read_suite2p_stat(path);
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  const std::string iscell_path = (folder / "iscell.npy").string();
  const std::string ops_path = (folder / "ops.npy").string();
  const std::size_t count = stat.rois.size();

  // Which ROIs: Suite2p's classification, unless all are asked for.
  std::vector<bool> keep(count, true);
  if (!context.all_rois) {
    if (!std::filesystem::exists(iscell_path)) {
      if (context.iscell_threshold) throw Error(path + ": no iscell.npy beside it for --iscell-threshold");
      warn(context, "warning: " + path + ": no iscell.npy beside it: every ROI is kept");
    } else {
      const io::Suite2pIscell iscell = io::read_suite2p_iscell(iscell_path);
      if (iscell.is_cell.size() != count) {
        throw Error(iscell_path + ": has " + std::to_string(iscell.is_cell.size()) + " ROIs, stat.npy " +
                    std::to_string(count));
      }
      for (std::size_t i = 0; i < count; ++i) {
        keep[i] = context.iscell_threshold ? iscell.probability[i] >= *context.iscell_threshold : iscell.is_cell[i];
      }
    }
  }

  // The frame: ops.npy's Ly, Lx, which must be the movie's when one is given. Suite2p 1.0
  // run without save_ops_orig writes no ops.npy: then db.npy holds Ly, Lx and
  // reg_outputs.npy the images, each a dict like ops.
  std::optional<FrameShape> frame = context.frame;
  io::Suite2pOps ops;
  std::string size_source = "ops.npy";
  if (std::filesystem::exists(ops_path)) {
    ops = io::read_suite2p_ops(ops_path);
  } else {
    const std::string db_path = (folder / "db.npy").string();
    const std::string reg_path = (folder / "reg_outputs.npy").string();
    if (std::filesystem::exists(db_path)) {
      const io::Suite2pOps db = io::read_suite2p_ops(db_path);
      ops.width = db.width;
      ops.height = db.height;
      size_source = "db.npy";
    }
    if (std::filesystem::exists(reg_path)) {
      const io::Suite2pOps reg = io::read_suite2p_ops(reg_path);
      ops.mean_image = reg.mean_image;
      ops.reference_image = reg.reference_image;
    }
  }
  if (ops.width > 0 && ops.height > 0) {
    if (frame && (frame->width != ops.width || frame->height != ops.height)) {
      throw Error(path + ": Suite2p's frame is " + frame_text(ops.width, ops.height) + " (" + size_source +
                  "'s Lx, Ly), the movie's " + frame_text(frame->width, frame->height));
    }
    frame = FrameShape{ops.width, ops.height};
  }

  // Suite2p's overlap: as stat.npy says, or counted over all its ROIs as Suite2p counts it.
  const std::vector<std::vector<bool>> overlap = stat.has_overlap ? stat.overlap : shared_pixel_flags(stat.rois);
  std::vector<pb::Roi> rois;
  for (std::size_t i = 0; i < count; ++i) {
    if (!keep[i]) continue;
    const std::string name = "s2p_" + std::to_string(i);
    const std::string what = path + ": ROI " + std::to_string(i) + " ('" + name + "')";
    const Suite2pPixels& pixels = stat.rois[i];
    if (pixels.xs.empty()) throw Error(what + ": has no pixels");
    if (frame) {
      for (std::size_t k = 0; k < pixels.xs.size(); ++k) {
        if (pixels.xs[k] >= frame->width || pixels.ys[k] >= frame->height) {
          throw Error(what + ": pixel x " + std::to_string(pixels.xs[k]) + ", y " + std::to_string(pixels.ys[k]) +
                      " is outside the " + frame_text(frame->width, frame->height) + " frame");
        }
      }
    }
    const std::vector<WeightedPixel> mask = suite2p_cell_mask(pixels, overlap[i], context.allow_overlap);
    if (mask.empty()) {
      throw Error(
          what +
          ": every pixel is shared with another ROI, so Suite2p extracts nothing from it (--allow-overlap keeps them)");
    }
    if (!std::isfinite(mask.front().weight)) {
      throw Error(what + ": its weights (lam) sum to 0 over the pixels Suite2p extracts from");
    }
    pb::Roi roi;
    roi.set_name(name);
    pb::Mask* out = roi.mutable_region()->mutable_mask();
    for (const WeightedPixel& p : mask) {
      out->add_x(p.x);
      out->add_y(p.y);
      out->add_weight(p.weight);
    }
    rois.push_back(std::move(roi));
  }

  // The mean image (else the reference Suite2p registered onto) for calmon's motion correction.
  const std::optional<Image>& image = ops.mean_image ? ops.mean_image : ops.reference_image;
  if (image && !context.reference_path.empty()) {
    const std::vector<std::size_t> shape = {static_cast<std::size_t>(image->shape.height),
                                            static_cast<std::size_t>(image->shape.width)};
    io::write_npy<double>(context.reference_path, image->pixels, shape);
    warn(context, path + ": wrote Suite2p's " + (ops.mean_image ? "meanImg" : "refImg") + " to " +
                      context.reference_path +
                      "; to register today's frames onto it: \"motion\": {\"reference_file\": \"" +
                      context.reference_path + "\"}");
  }
  return rois;
}

}  // namespace calmon::config
