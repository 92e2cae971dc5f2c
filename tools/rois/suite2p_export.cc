// suite2p_export.cc — an output folder's traces and regions → io::write_suite2p_folder.
#include "suite2p_export.h"

#include <filesystem>
#include <system_error>

#include "calmon/output.pb.h"
#include "config/config_file.h"
#include "config/json_message.h"
#include "config/region_message.h"
#include "core/error.h"
#include "core/image.h"
#include "io/npy_file.h"
#include "io/suite2p_files.h"

namespace calmon::rois_tool {
namespace {

// A (frames, ROIs) float64 trace file of the folder.
std::vector<double> read_traces(const std::string& path, std::size_t rois, std::size_t& frames) {
  if (!std::filesystem::exists(path))
    throw Error(path + ": missing; is the folder calmon-analyze's --out or a recording?");
  const std::unique_ptr<io::PickleDocument> document = io::read_npy_file(path);
  const io::PickleValue& array = document->root();
  if (array.shape.size() != 2 || array.shape[1] != rois || array.fortran_order) {
    throw Error(path + ": not a (frames, " + std::to_string(rois) + ") C-order array, one column per ROI of rois.json");
  }
  frames = array.shape[0];
  return io::array_doubles(array, path);
}

// The mean projection as it is, NaN included (where motion correction left a pixel without
// data): a (height, width) float64 array, as calmon writes it.
Image read_mean_image(const std::string& path) {
  const std::unique_ptr<io::PickleDocument> document = io::read_npy_file(path);
  const io::PickleValue& array = document->root();
  if (array.shape.size() != 2 || array.shape[0] == 0 || array.shape[1] == 0 || array.fortran_order ||
      array.shape[0] > 1u << 20 || array.shape[1] > 1u << 20) {
    throw Error(path + ": not a 2-D image in C order");
  }
  return Image{FrameShape{static_cast<int>(array.shape[1]), static_cast<int>(array.shape[0])},
               io::array_doubles(array, path)};
}

}  // namespace

std::size_t export_suite2p(const std::string& in_folder, const std::string& out_folder, std::ostream& warnings) {
  const std::filesystem::path in(in_folder);
  const std::string rois_path = (in / "rois.json").string();
  if (!std::filesystem::exists(rois_path))
    throw Error(rois_path + ": missing; is the folder calmon-analyze's --out or a recording?");
  const pb::RoisFile columns =
      config::parse_json_as<pb::RoisFile>(config::read_text_file(rois_path), rois_path, "rois.json");
  const std::size_t n = static_cast<std::size_t>(columns.rois_size());

  // Each column's region: a recording's region_spec, or the analysis's config.json.
  std::optional<pb::Config> config;
  const std::string config_path = (in / "config.json").string();
  io::Suite2pExport data;
  for (std::size_t i = 0; i < n; ++i) {
    const pb::RoiColumn& column = columns.rois(static_cast<int>(i));
    const pb::Region* region = column.has_region_spec() ? &column.region_spec() : nullptr;
    if (region == nullptr) {
      if (!config) {
        if (!std::filesystem::exists(config_path)) {
          throw Error(rois_path + ": ROI '" + column.name() +
                      "' has no region_spec and there is no config.json beside it");
        }
        config = config::load_config(config_path);
        if (static_cast<std::size_t>(config->rois_size()) != n) {
          throw Error(config_path + ": has " + std::to_string(config->rois_size()) + " ROIs, rois.json " +
                      std::to_string(n));
        }
      }
      region = &config->rois(static_cast<int>(i)).region();
    }
    const std::optional<Region> core = config::to_core_region(*region);
    if (!core) throw Error(rois_path + ": ROI '" + column.name() + "' has no region");
    Suite2pPixels pixels;
    for (const WeightedPixel& p : core->pixels()) {
      pixels.xs.push_back(p.x);
      pixels.ys.push_back(p.y);
      pixels.lam.push_back(p.weight);
    }
    data.rois.push_back(std::move(pixels));
  }

  std::size_t fneu_frames = 0;
  data.f = read_traces((in / "F.npy").string(), n, data.frames);
  data.fneu = read_traces((in / "Fneu.npy").string(), n, fneu_frames);
  if (fneu_frames != data.frames) {
    throw Error((in / "Fneu.npy").string() + ": has " + std::to_string(fneu_frames) + " frames, F.npy " +
                std::to_string(data.frames));
  }

  const std::string mean_path = (in / "all_mean.npy").string();
  if (std::filesystem::exists(mean_path)) {
    data.mean_image = read_mean_image(mean_path);
  } else {
    warnings << "calmon-rois: warning: " << in_folder
             << ": no all_mean.npy (the default projection): ops.npy gets no meanImg\n";
  }
  if (columns.has_width() && columns.has_height()) {
    data.width = columns.width();
    data.height = columns.height();
  } else if (data.mean_image) {
    data.width = data.mean_image->shape.width;
    data.height = data.mean_image->shape.height;
  } else {
    throw Error(rois_path + ": gives no frame size (width, height) and there is no all_mean.npy to take it from");
  }
  if (data.mean_image && (data.mean_image->shape.width != data.width || data.mean_image->shape.height != data.height)) {
    throw Error(mean_path + ": is not the " + std::to_string(data.width) + "x" + std::to_string(data.height) +
                " frame of rois.json");
  }
  data.frame_rate_hz = columns.has_frame_rate_hz() ? columns.frame_rate_hz() : 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < data.rois[i].xs.size(); ++k) {
      if (data.rois[i].xs[k] >= data.width || data.rois[i].ys[k] >= data.height) {
        throw Error(rois_path + ": ROI '" + columns.rois(static_cast<int>(i)).name() + "' reaches outside the frame");
      }
    }
  }

  std::error_code error;
  std::filesystem::create_directories(out_folder, error);
  if (error) throw Error(out_folder + ": cannot create the folder: " + error.message());
  io::write_suite2p_folder(out_folder, data);
  return n;
}

}  // namespace calmon::rois_tool
