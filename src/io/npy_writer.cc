// npy_writer.cc — the .npy format 1.0, written by hand.
//
// A .npy file is the magic "\x93NUMPY", the version (1, 0), a little-endian uint16
// header length, then a Python dict literal such as
//   {'descr': '<u2', 'fortran_order': False, 'shape': (3, 4), }
// padded with spaces and ended by '\n' so that the data starts at a multiple of 64
// bytes, then the raw C-order data. NpyAppender sizes its header for a 20-digit row
// count, so a flush rewrites the shape in place without ever moving the data.
#include "io/npy_writer.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <numeric>

#include "core/error.h"

namespace calmon::io {
namespace {

static_assert(std::endian::native == std::endian::little,
              "npy_writer writes the host's bytes under a little-endian ('<') descr");

constexpr char kMagic[] = "\x93NUMPY";      // 6 bytes and a terminating NUL
constexpr std::size_t kPreambleBytes = 10;  // magic, version, header length
constexpr std::size_t kHeaderAlignment = 64;
constexpr std::size_t kWidestRowCount = 20;  // digits of 2^64 - 1

template <class T>
constexpr const char* numpy_descr();
template <>
constexpr const char* numpy_descr<std::uint8_t>() {
  return "|u1";
}
template <>
constexpr const char* numpy_descr<std::uint16_t>() {
  return "<u2";
}
template <>
constexpr const char* numpy_descr<std::int16_t>() {
  return "<i2";
}
template <>
constexpr const char* numpy_descr<std::uint32_t>() {
  return "<u4";
}
template <>
constexpr const char* numpy_descr<std::int32_t>() {
  return "<i4";
}
template <>
constexpr const char* numpy_descr<std::int64_t>() {
  return "<i8";
}
template <>
constexpr const char* numpy_descr<float>() {
  return "<f4";
}
template <>
constexpr const char* numpy_descr<double>() {
  return "<f8";
}

// Python's repr of a shape tuple: "()", "(5,)", "(3, 4)".
std::string shape_tuple(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string header_dict(const char* descr, const std::vector<std::size_t>& shape) {
  return std::string("{'descr': '") + descr +
         "', 'fortran_order': False, 'shape': " + shape_tuple(shape) + ", }";
}

// The whole header: preamble, `dict`, spaces and '\n', `total_bytes` long.
std::string header_bytes(const std::string& dict, std::size_t total_bytes,
                         const std::string& path) {
  if (total_bytes - kPreambleBytes > 0xffff) {
    throw Error(path + ": the shape is too long for a .npy format 1.0 header");
  }
  std::string header(kMagic, 6);
  header += '\x01';
  header += '\x00';
  const std::size_t header_len = total_bytes - kPreambleBytes;
  header += static_cast<char>(header_len & 0xff);
  header += static_cast<char>(header_len >> 8);
  header += dict;
  header.append(total_bytes - header.size() - 1, ' ');
  header += '\n';
  return header;
}

// The smallest multiple of 64 that holds the preamble, `dict` and the final '\n'.
std::size_t aligned_header_size(const std::string& dict) {
  const std::size_t needed = kPreambleBytes + dict.size() + 1;
  return (needed + kHeaderAlignment - 1) / kHeaderAlignment * kHeaderAlignment;
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

[[noreturn]] void fail_io(const std::string& path, const std::string& what) {
  throw Error(path + ": " + what + ": " + (errno != 0 ? std::strerror(errno) : "unknown error"));
}

void write_all(std::FILE* file, const void* data, std::size_t bytes, const std::string& path) {
  errno = 0;
  if (bytes > 0 && std::fwrite(data, 1, bytes, file) != bytes) fail_io(path, "write failed");
}

std::size_t product(const std::vector<std::size_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

}  // namespace

template <class T>
void write_npy(const std::string& path, std::span<const T> values,
               const std::vector<std::size_t>& shape) {
  if (product(shape) != values.size()) {
    throw Error(path + ": shape " + shape_tuple(shape) + " does not hold " +
                std::to_string(values.size()) + " values");
  }
  const std::string dict = header_dict(numpy_descr<T>(), shape);
  const std::string header = header_bytes(dict, aligned_header_size(dict), path);
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) fail_io(path, "cannot create");
  write_all(file.get(), header.data(), header.size(), path);
  write_all(file.get(), values.data(), values.size_bytes(), path);
  errno = 0;
  if (std::fclose(file.release()) != 0) fail_io(path, "write failed on close");
}

template <class T>
NpyAppender<T>::NpyAppender(const std::string& path, std::vector<std::size_t> row_shape)
    : path_(path), row_shape_(std::move(row_shape)), row_size_(product(row_shape_)) {
  errno = 0;
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) fail_io(path_, "cannot create");
  try {
    flush();  // a valid, empty array from the start
  } catch (...) {
    std::fclose(file_);
    throw;
  }
}

template <class T>
NpyAppender<T>::~NpyAppender() {
  try {
    flush();
  } catch (...) {
    // A destructor cannot report; callers who care call flush() themselves.
  }
  std::fclose(file_);
}

template <class T>
void NpyAppender<T>::append(std::span<const T> row) {
  if (row.size() != row_size_) {
    throw Error(path_ + ": cannot append a row of " + std::to_string(row.size()) +
                " values, rows have shape " + shape_tuple(row_shape_));
  }
  write_all(file_, row.data(), row.size_bytes(), path_);
  ++rows_;
}

template <class T>
void NpyAppender<T>::flush() {
  // The header is always as long as the one for the widest row count, so the data
  // never moves: the shape is rewritten in place, after the data it describes.
  std::vector<std::size_t> widest = row_shape_;
  widest.insert(widest.begin(), ~std::size_t{0});
  const std::size_t header_size = aligned_header_size(header_dict(numpy_descr<T>(), widest));
  std::vector<std::size_t> shape = row_shape_;
  shape.insert(shape.begin(), rows_);
  const std::string header = header_bytes(header_dict(numpy_descr<T>(), shape), header_size, path_);
  errno = 0;
  if (std::fflush(file_) != 0) fail_io(path_, "write failed");
  if (std::fseek(file_, 0, SEEK_SET) != 0) fail_io(path_, "cannot seek");
  write_all(file_, header.data(), header.size(), path_);
  if (std::fflush(file_) != 0) fail_io(path_, "write failed");
  if (std::fseek(file_, 0, SEEK_END) != 0) fail_io(path_, "cannot seek");
}

#define CALMON_INSTANTIATE_NPY(T)                                    \
  template void write_npy<T>(const std::string&, std::span<const T>, \
                             const std::vector<std::size_t>&);       \
  template class NpyAppender<T>;

CALMON_INSTANTIATE_NPY(std::uint8_t)
CALMON_INSTANTIATE_NPY(std::uint16_t)
CALMON_INSTANTIATE_NPY(std::int16_t)
CALMON_INSTANTIATE_NPY(std::uint32_t)
CALMON_INSTANTIATE_NPY(std::int32_t)
CALMON_INSTANTIATE_NPY(std::int64_t)
CALMON_INSTANTIATE_NPY(float)
CALMON_INSTANTIATE_NPY(double)

#undef CALMON_INSTANTIATE_NPY

}  // namespace calmon::io
