// caiman_file.cc — estimates/A and dims read through the HDF5 C API, each handle closed by
// a small owner, HDF5's own error printing turned off (calmon prints one line instead).
#include "io/caiman_file.h"

#include <hdf5.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

#include "core/error.h"

namespace calmon::io {
namespace {

// At most this many values per array (2 GiB of doubles): a file cannot make calmon allocate
// more than that, whatever its compressed size.
constexpr hssize_t kMaxValues = hssize_t{1} << 28;

class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

bool exists(hid_t file, const std::string& name) {
  std::string prefix;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    prefix = name.substr(0, slash);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

bool is_group(hid_t file, const std::string& name) {
  const Handle group(H5Gopen2(file, name.c_str(), H5P_DEFAULT), H5Gclose);
  return group.ok();
}

// A numeric dataset's values converted by HDF5 to `memory_type`; its shape in `dims_out`.
template <class T>
std::vector<T> read_numbers(hid_t file, const std::string& name, hid_t memory_type, const std::string& path,
                            std::vector<hsize_t>* dims_out = nullptr) {
  const Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.ok()) throw Error(path + ": has no dataset " + name + " (is it CaImAn's cnm.save() file?)");
  const Handle type(H5Dget_type(dataset.get()), H5Tclose);
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT)
    throw Error(path + ": " + name + " is not an array of numbers");
  const Handle space(H5Dget_space(dataset.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 8) throw Error(path + ": cannot read the shape of " + name);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0 || count > kMaxValues) throw Error(path + ": " + name + " holds more values than calmon reads (2^28)");
  std::vector<T> values(static_cast<std::size_t>(count));
  if (count > 0 && H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    throw Error(path + ": cannot read " + name + " (damaged file?)");
  }
  if (dims_out != nullptr) *dims_out = dims;
  return values;
}

// "NoneType": how CaImAn saves a None.
bool is_none_string(hid_t file, const std::string& name) {
  const Handle dataset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.ok()) return false;
  const Handle type(H5Dget_type(dataset.get()), H5Tclose);
  return H5Tget_class(type.get()) == H5T_STRING;
}

}  // namespace

CaimanFootprints read_caiman_footprints(const std::string& path, double threshold) {
  if (!(threshold >= 0.0 && threshold <= 1.0))
    throw Error(path + ": threshold " + std::to_string(threshold) + " is not between 0 and 1");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const htri_t hdf5 = H5Fis_hdf5(path.c_str());
  if (hdf5 < 0) throw Error(path + ": cannot open (missing or unreadable)");
  if (hdf5 == 0) throw Error(path + ": is not an HDF5 file");
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw Error(path + ": cannot open as HDF5 (damaged or truncated?)");
  const hid_t f = file.get();

  if (!exists(f, "estimates/A"))
    throw Error(path + ": has no estimates/A, CaImAn's spatial footprints (is it a cnm.save() file?)");
  if (is_none_string(f, "estimates/A"))
    throw Error(path + ": estimates/A is None: CaImAn saved it before fitting any component");
  if (!is_group(f, "estimates/A"))
    throw Error(path + ": estimates/A is not a sparse matrix (a group of data, indices, indptr, shape)");

  std::vector<hsize_t> dims_shape;
  const std::string dims_name = exists(f, "estimates/dims") ? "estimates/dims" : "dims";
  if (!exists(f, dims_name)) throw Error(path + ": has neither estimates/dims nor dims, the field's size");
  const std::vector<std::int64_t> dims = read_numbers<std::int64_t>(f, dims_name, H5T_NATIVE_INT64, path, &dims_shape);
  if (dims.size() != 2) {
    throw Error(path + ": " + dims_name + " has " + std::to_string(dims.size()) +
                " values; calmon reads 2-D fields (height, width)");
  }
  if (dims[0] < 1 || dims[1] < 1 || dims[0] > INT_MAX || dims[1] > INT_MAX)
    throw Error(path + ": " + dims_name + " is not a frame size");
  CaimanFootprints out;
  out.height = static_cast<int>(dims[0]);
  out.width = static_cast<int>(dims[1]);
  const std::int64_t pixels = dims[0] * dims[1];

  const std::vector<double> data = read_numbers<double>(f, "estimates/A/data", H5T_NATIVE_DOUBLE, path);
  const std::vector<std::int64_t> indices =
      read_numbers<std::int64_t>(f, "estimates/A/indices", H5T_NATIVE_INT64, path);
  const std::vector<std::int64_t> indptr = read_numbers<std::int64_t>(f, "estimates/A/indptr", H5T_NATIVE_INT64, path);
  const std::vector<std::int64_t> shape = read_numbers<std::int64_t>(f, "estimates/A/shape", H5T_NATIVE_INT64, path);
  if (shape.size() != 2) throw Error(path + ": estimates/A/shape is not (pixels, components)");
  if (shape[0] != pixels) {
    throw Error(path + ": estimates/A has " + std::to_string(shape[0]) + " rows, but " + dims_name + " " +
                std::to_string(dims[0]) + " x " + std::to_string(dims[1]) + " has " + std::to_string(pixels) +
                " pixels");
  }
  if (shape[1] < 0 || indptr.size() != static_cast<std::size_t>(shape[1]) + 1) {
    throw Error(path + ": estimates/A/indptr has " + std::to_string(indptr.size()) + " entries for " +
                std::to_string(shape[1]) + " components");
  }
  if (data.size() != indices.size()) throw Error(path + ": estimates/A/data and indices differ in length");
  if (indptr.front() != 0 || static_cast<std::uint64_t>(indptr.back()) != data.size()) {
    throw Error(path + ": estimates/A/indptr does not span data (" + std::to_string(indptr.back()) + " of " +
                std::to_string(data.size()) + ")");
  }
  for (std::size_t j = 0; j < static_cast<std::size_t>(shape[1]); ++j) {
    const std::string component = path + ": component " + std::to_string(j);
    const std::int64_t begin = indptr[j];
    const std::int64_t end = indptr[j + 1];
    if (begin > end || end > static_cast<std::int64_t>(data.size()))
      throw Error(path + ": estimates/A/indptr is not increasing at component " + std::to_string(j));
    double largest = 0.0;
    for (std::int64_t k = begin; k < end; ++k) {
      const double v = data[static_cast<std::size_t>(k)];
      if (!std::isfinite(v) || v < 0)
        throw Error(component + ": footprint value " + std::to_string(v) + " is negative or not finite");
      if (indices[static_cast<std::size_t>(k)] < 0 || indices[static_cast<std::size_t>(k)] >= pixels) {
        throw Error(component + ": pixel index " + std::to_string(indices[static_cast<std::size_t>(k)]) +
                    " is outside the " + std::to_string(pixels) + " pixels");
      }
      largest = std::max(largest, v);
    }
    std::vector<WeightedPixel> mask;
    for (std::int64_t k = begin; k < end; ++k) {
      const double v = data[static_cast<std::size_t>(k)];
      if (v <= 0.0 || v < threshold * largest) continue;
      const std::int64_t p = indices[static_cast<std::size_t>(k)];
      mask.push_back(WeightedPixel{static_cast<int>(p / dims[0]), static_cast<int>(p % dims[0]), v});
    }
    if (mask.empty()) throw Error(component + ": the footprint has no pixels");
    out.components.push_back(std::move(mask));
  }
  return out;
}

}  // namespace calmon::io
