// npy_file.cc — read_npy_file: the header by npy_header.h, the data as an array or a pickle.
#include "io/npy_file.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "io/npy_header.h"
#include "io/read_only_file.h"

namespace calmon::io {

std::unique_ptr<PickleDocument> read_npy_file(const std::string& path, std::size_t max_bytes) {
  const detail::ReadOnlyFile file(path);
  if (!file.is_open()) throw Error(path + ": cannot open: " + std::strerror(file.open_errno()));
  const detail::NpyHeader header = detail::read_npy_header(file.fd(), path, "not a .npy array");
  if (header.file_bytes > max_bytes) {
    throw Error(path + ": " + std::to_string(header.file_bytes) + " bytes, more than the " + std::to_string(max_bytes) +
                " calmon reads of a .npy file");
  }
  const std::size_t held = static_cast<std::size_t>(header.file_bytes - header.data_offset);
  std::vector<std::byte> data(held);
  if (held > 0 && !file.read_at(header.data_offset, data.data(), data.size())) {
    throw Error(path + ": cannot read the data: " + (errno != 0 ? std::strerror(errno) : "the file ended early"));
  }
  if (header.descr == "|O") {
    auto document = std::make_unique<PickleDocument>(data, path);
    const PickleValue& root = document->root();
    if (root.kind != PickleValue::Kind::kArray || root.dtype.kind != 'O' || root.shape != header.shape ||
        root.elements().size() != element_count(root.shape, path)) {
      throw Error(path + ": its pickle holds a " + root.type_name() + ", not the object array of shape " +
                  detail::npy_shape_text(header.shape) + " its header announces");
    }
    return document;
  }
  NumpyDType dtype;
  const std::string& d = header.descr;
  if (d.size() < 3 || std::string("<>|=").find(d[0]) == std::string::npos) {
    throw Error(path + ": dtype '" + d + "' is not one calmon reads");
  }
  dtype.byte_order = d[0];
  dtype.kind = d[1];
  std::size_t size = 0;
  for (std::size_t i = 2; i < d.size(); ++i) {
    if (d[i] < '0' || d[i] > '9' || size > 1'000'000) throw Error(path + ": dtype '" + d + "' is not one calmon reads");
    size = size * 10 + static_cast<std::size_t>(d[i] - '0');
  }
  dtype.item_size = dtype.kind == 'U' ? size * 4 : size;
  const std::size_t count = element_count(header.shape, path);
  if (dtype.item_size != 0 && count > held / dtype.item_size) {
    throw Error(path + ": the data is cut short: shape " + detail::npy_shape_text(header.shape) + " of '" + d +
                "' needs more than the " + std::to_string(held) + " bytes after its header");
  }
  std::string raw(reinterpret_cast<const char*>(data.data()), count * dtype.item_size);
  return std::make_unique<PickleDocument>(dtype, header.shape, header.fortran_order, std::move(raw));
}

}  // namespace calmon::io
