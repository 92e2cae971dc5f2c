// suite2p_files.cc — Suite2p's stat, iscell and ops read through read_npy_file, and its
// folder written with PickleWriter and write_npy.
#include "io/suite2p_files.h"

#include <climits>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "core/error.h"
#include "io/npy_file.h"
#include "io/npy_writer.h"
#include "io/pickle_writer.h"

namespace calmon::io {
namespace {

using Kind = PickleValue::Kind;

std::vector<int> coordinates(const PickleValue& value, const std::string& what) {
  const std::vector<std::int64_t> raw = array_integers(value, what);
  std::vector<int> out(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] < 0 || raw[i] > INT_MAX)
      throw Error(what + "[" + std::to_string(i) + "] is " + std::to_string(raw[i]) + ", not a pixel index");
    out[i] = static_cast<int>(raw[i]);
  }
  return out;
}

// A 2-D numeric array as an image (numpy's [y, x]).
Image image_of_array(const PickleValue& value, const std::string& what) {
  if (value.kind != Kind::kArray || value.shape.size() != 2 || value.shape[0] == 0 || value.shape[1] == 0 ||
      value.shape[0] > INT_MAX || value.shape[1] > INT_MAX) {
    throw Error(what + ": not a 2-D image");
  }
  const std::vector<double> flat = array_doubles(value, what);
  const std::size_t h = value.shape[0];
  const std::size_t w = value.shape[1];
  Image image{FrameShape{static_cast<int>(w), static_cast<int>(h)}, std::vector<double>(h * w)};
  for (std::size_t y = 0; y < h; ++y) {
    for (std::size_t x = 0; x < w; ++x)
      image.pixels[y * w + x] = value.fortran_order ? flat[x * h + y] : flat[y * w + x];
  }
  return image;
}

const PickleValue& object_array(const PickleDocument& document, const std::string& path, const char* holding) {
  const PickleValue& root = document.root();
  if (root.dtype.kind != 'O') {
    throw Error(path + ": an array of " + root.dtype.str() + ", not Suite2p's " + holding + " (an object array)");
  }
  return root;
}

}  // namespace

Suite2pStat read_suite2p_stat(const std::string& path) {
  const std::unique_ptr<PickleDocument> document = read_npy_file(path);
  const PickleValue& root = object_array(*document, path, "array of ROI dicts");
  if (root.shape.size() != 1)
    throw Error(path + ": a stat.npy is a 1-D array of ROI dicts; this one has " + std::to_string(root.shape.size()) +
                " axes");
  // A pickle may list one dict or array many times (its memo): a legitimate stat.npy never
  // does, so the pixels and keys looked at may not exceed the file's bytes, which bounds
  // the work and memory whatever the file holds.
  std::error_code size_error;
  const std::uintmax_t budget = std::filesystem::file_size(path, size_error);
  if (size_error) throw Error(path + ": cannot read its size: " + size_error.message());
  std::uintmax_t spent = 0;
  const auto spend = [&](std::size_t amount) {
    spent += amount;
    if (spent > budget)
      throw Error(path + ": its ROIs list more pixels than the file holds (arrays shared between ROIs?)");
  };
  Suite2pStat stat;
  stat.has_overlap = true;
  for (std::size_t i = 0; i < root.elements().size(); ++i) {
    const std::string what = path + ": ROI " + std::to_string(i);
    const PickleValue& roi = *root.elements()[i];
    if (roi.kind != Kind::kDict) throw Error(what + ": a " + roi.type_name() + ", not a dict");
    spend(roi.entries.size());
    const PickleValue* ypix = roi.find("ypix");
    const PickleValue* xpix = roi.find("xpix");
    if (ypix == nullptr || xpix == nullptr) throw Error(what + ": has no " + (ypix == nullptr ? "ypix" : "xpix"));
    Suite2pPixels pixels;
    spend(ypix->bytes().size() + xpix->bytes().size());
    if (const PickleValue* lam = roi.find("lam")) spend(lam->bytes().size());
    pixels.ys = coordinates(*ypix, what + ": ypix");
    pixels.xs = coordinates(*xpix, what + ": xpix");
    if (pixels.ys.size() != pixels.xs.size()) {
      throw Error(what + ": ypix has " + std::to_string(pixels.ys.size()) + " pixels, xpix " +
                  std::to_string(pixels.xs.size()));
    }
    if (const PickleValue* lam = roi.find("lam")) {
      pixels.lam = array_doubles(*lam, what + ": lam");
      if (pixels.lam.size() != pixels.xs.size()) {
        throw Error(what + ": lam has " + std::to_string(pixels.lam.size()) + " weights for " +
                    std::to_string(pixels.xs.size()) + " pixels");
      }
      for (const double w : pixels.lam) {
        if (!std::isfinite(w) || w < 0)
          throw Error(what + ": lam holds " + std::to_string(w) + "; weights must be finite and not negative");
      }
    } else {
      pixels.lam.assign(pixels.xs.size(), 1.0);
    }
    const PickleValue* overlap = roi.find("overlap");
    if (overlap != nullptr && overlap->kind == Kind::kArray) {
      const std::vector<std::int64_t> flags = array_integers(*overlap, what + ": overlap");
      if (flags.size() != pixels.xs.size()) {
        throw Error(what + ": overlap has " + std::to_string(flags.size()) + " flags for " +
                    std::to_string(pixels.xs.size()) + " pixels");
      }
      stat.overlap.emplace_back(flags.begin(), flags.end());
    } else {
      stat.has_overlap = false;
    }
    stat.rois.push_back(std::move(pixels));
  }
  if (!stat.has_overlap) stat.overlap.clear();
  return stat;
}

Suite2pIscell read_suite2p_iscell(const std::string& path) {
  const std::unique_ptr<PickleDocument> document = read_npy_file(path);
  const PickleValue& root = document->root();
  const std::vector<double> values = array_doubles(root, path);
  Suite2pIscell iscell;
  if (root.shape.size() == 1) {
    for (const double v : values) {
      iscell.is_cell.push_back(v != 0.0);
      iscell.probability.push_back(v);
    }
    return iscell;
  }
  if (root.shape.size() != 2 || root.shape[1] != 2) {
    throw Error(path + ": an iscell.npy is (ROIs, 2): is-cell flag and probability; this one has shape (" +
                std::to_string(root.shape.empty() ? 0 : root.shape[0]) + ", ...)");
  }
  const std::size_t n = root.shape[0];
  for (std::size_t i = 0; i < n; ++i) {
    const double flag = root.fortran_order ? values[i] : values[2 * i];
    const double probability = root.fortran_order ? values[n + i] : values[2 * i + 1];
    iscell.is_cell.push_back(flag != 0.0);
    iscell.probability.push_back(probability);
  }
  return iscell;
}

Suite2pOps read_suite2p_ops(const std::string& path) {
  const std::unique_ptr<PickleDocument> document = read_npy_file(path);
  const PickleValue& root = object_array(*document, path, "ops dict");
  if (!root.shape.empty()) {
    throw Error(path + ": an ops.npy holds one dict, as np.save(path, ops) writes it; this one is an array of " +
                std::to_string(root.elements().size()) + " values");
  }
  if (root.elements().size() != 1 || root.elements()[0]->kind != Kind::kDict) {
    throw Error(path + ": an ops.npy holds one dict; this one holds a " +
                (root.elements().empty() ? std::string("nothing") : root.elements()[0]->type_name()));
  }
  const PickleValue& ops = *root.elements()[0];
  Suite2pOps out;
  const auto size = [&](const char* key) {
    const PickleValue* v = ops.find(key);
    if (v == nullptr) return 0;
    const double d = scalar_number(*v, path + ": " + key);
    if (!(d >= 1 && d <= INT_MAX) || d != std::floor(d))
      throw Error(path + ": " + key + " is " + std::to_string(d) + ", not a frame size");
    return static_cast<int>(d);
  };
  out.height = size("Ly");
  out.width = size("Lx");
  if (const PickleValue* fs = ops.find("fs"); fs != nullptr && fs->is_number()) {
    const double rate = scalar_number(*fs, path + ": fs");
    if (std::isfinite(rate) && rate > 0) out.frame_rate_hz = rate;
  }
  if (const PickleValue* v = ops.find("meanImg"); v != nullptr && v->kind == Kind::kArray)
    out.mean_image = image_of_array(*v, path + ": meanImg");
  if (const PickleValue* v = ops.find("refImg"); v != nullptr && v->kind == Kind::kArray)
    out.reference_image = image_of_array(*v, path + ": refImg");
  return out;
}

void write_suite2p_folder(const std::string& folder, const Suite2pExport& data) {
  const std::filesystem::path dir(folder);
  const std::size_t n = data.rois.size();
  const std::size_t frames = data.frames;
  if (data.f.size() != n * frames || data.fneu.size() != n * frames) {
    throw Error(folder + ": traces of " + std::to_string(data.f.size()) + " values for " + std::to_string(n) +
                " ROIs × " + std::to_string(frames) + " frames");
  }
  // F.npy, Fneu.npy: (ROIs, frames) float32, Suite2p's layout.
  const auto transposed = [&](const std::vector<double>& frame_major) {
    std::vector<float> out(n * frames);
    for (std::size_t t = 0; t < frames; ++t) {
      for (std::size_t r = 0; r < n; ++r) out[r * frames + t] = static_cast<float>(frame_major[t * n + r]);
    }
    return out;
  };
  const std::vector<float> f = transposed(data.f);
  const std::vector<float> fneu = transposed(data.fneu);
  write_npy<float>((dir / "F.npy").string(), f, {n, frames});
  write_npy<float>((dir / "Fneu.npy").string(), fneu, {n, frames});

  const std::vector<std::vector<bool>> overlap = shared_pixel_flags(data.rois);
  PickleWriter stat;
  stat.begin_object_array({n});
  for (std::size_t r = 0; r < n; ++r) {
    const Suite2pPixels& roi = data.rois[r];
    stat.begin_dict();
    stat.text("ypix");
    stat.array(std::span<const std::int32_t>(roi.ys));
    stat.text("xpix");
    stat.array(std::span<const std::int32_t>(roi.xs));
    stat.text("lam");
    stat.array(std::span<const double>(roi.lam), {roi.lam.size()});
    const auto [ymed, xmed] = suite2p_median_pixel(roi.xs, roi.ys);
    stat.text("med");
    stat.begin_list();
    stat.integer(ymed);
    stat.integer(xmed);
    stat.end_list();
    stat.text("npix");
    stat.integer(static_cast<std::int64_t>(roi.xs.size()));
    stat.text("overlap");
    stat.array(overlap[r]);
    stat.end_dict();
  }
  stat.end_object_array();
  write_npy_object_array((dir / "stat.npy").string(), stat.finish(), {n});

  const std::vector<double> iscell(2 * n, 1.0);
  write_npy<double>((dir / "iscell.npy").string(), iscell, {n, 2});

  PickleWriter ops;
  ops.begin_object_array({});
  ops.begin_dict();
  ops.text("Ly");
  ops.integer(data.height);
  ops.text("Lx");
  ops.integer(data.width);
  ops.text("nframes");
  ops.integer(static_cast<std::int64_t>(frames));
  if (data.frame_rate_hz > 0) {
    ops.text("fs");
    ops.number(data.frame_rate_hz);
  }
  if (data.mean_image) {
    const Image& image = *data.mean_image;
    const std::vector<float> pixels(image.pixels.begin(), image.pixels.end());
    ops.text("meanImg");
    ops.array(std::span<const float>(pixels),
              {static_cast<std::size_t>(image.shape.height), static_cast<std::size_t>(image.shape.width)});
  }
  ops.end_dict();
  ops.end_object_array();
  write_npy_object_array((dir / "ops.npy").string(), ops.finish(), {});
}

}  // namespace calmon::io
