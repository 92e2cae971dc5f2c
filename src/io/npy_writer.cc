// npy_writer.cc — the .npy format 1.0, written by hand.
//
// A .npy file is the magic "\x93NUMPY", the version (1, 0), a little-endian uint16
// header length, then a Python dict literal such as
//   {'descr': '<u2', 'fortran_order': False, 'shape': (3, 4), }
// padded with spaces and ended by '\n' so that the data starts at a multiple of 64
// bytes, then the raw C-order data. NpyAppender sizes its header for a 20-digit row
// count, so a flush rewrites the shape in place without ever moving the data, and so can
// set_npy_rows() after a crash. Existing files' headers are read by npy_header.h.
#include "io/npy_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>

#include "core/error.h"
#include "io/npy_header.h"

namespace calmon::io {
namespace {

static_assert(std::endian::native == std::endian::little,
              "npy_writer writes the host's bytes under a little-endian ('<') descr");

constexpr char kMagic[] = "\x93NUMPY";      // 6 bytes and a terminating NUL
constexpr std::size_t kPreambleBytes = 10;  // magic, version, header length
constexpr std::size_t kHeaderAlignment = 64;

template <class T> constexpr const char* numpy_descr();
template <> constexpr const char* numpy_descr<std::uint8_t>() { return "|u1"; }
template <> constexpr const char* numpy_descr<std::uint16_t>() { return "<u2"; }
template <> constexpr const char* numpy_descr<std::int16_t>() { return "<i2"; }
template <> constexpr const char* numpy_descr<std::uint32_t>() { return "<u4"; }
template <> constexpr const char* numpy_descr<std::int32_t>() { return "<i4"; }
template <> constexpr const char* numpy_descr<std::int64_t>() { return "<i8"; }
template <> constexpr const char* numpy_descr<float>() { return "<f4"; }
template <> constexpr const char* numpy_descr<double>() { return "<f8"; }

std::string header_dict(const char* descr, const std::vector<std::size_t>& shape) {
  return std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + detail::npy_shape_text(shape) +
         ", }";
}

// The whole header: preamble, `dict`, spaces and '\n', `total_bytes` long.
std::string header_bytes(const std::string& dict, std::size_t total_bytes, const std::string& path) {
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

// What the header of an array calmon wrote says.
struct ExistingHeader {
  std::size_t bytes = 0;  // the data starts here
  std::string descr;
  std::size_t item_bytes = 0;
  std::vector<std::size_t> shape;
  std::uint64_t file_bytes = 0;
};

// A read-write POSIX file descriptor, closed on destruction.
struct OpenFile {
  int fd = -1;
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

// The header npy_header.h reads, held to what this file writes and set_npy_rows() can
// rewrite in place: format 1.0, C order, at least one axis, a dtype with its size ("<f8").
ExistingHeader read_existing_header(int fd, const std::string& path) {
  const std::string not_ours = "not a .npy array calmon writes";
  const detail::NpyHeader npy = detail::read_npy_header(fd, path, not_ours);
  const auto refuse = [&](const std::string& why) { return Error(path + ": " + not_ours + " (" + why + ")"); };
  if (npy.major_version != 1) throw refuse("format version is not 1.0");
  ExistingHeader header{static_cast<std::size_t>(npy.data_offset), npy.descr, 0, npy.shape, npy.file_bytes};
  const char* const digits = header.descr.data() + std::min<std::size_t>(header.descr.size(), 2);
  const char* const end = header.descr.data() + header.descr.size();
  const auto [rest, error] = std::from_chars(digits, end, header.item_bytes);
  if (header.descr.size() < 3 || error != std::errc() || rest != end || header.item_bytes == 0) {
    throw refuse("descr '" + header.descr + "'");
  }
  if (npy.fortran_order) throw refuse("not C order");
  if (header.shape.empty()) throw refuse("no rows: a 0-d array");
  return header;
}

std::size_t row_bytes_of(const ExistingHeader& header) {
  return header.item_bytes * product(std::vector<std::size_t>(header.shape.begin() + 1, header.shape.end()));
}

NpyRowCount count_rows(const ExistingHeader& header) {
  const std::size_t row_bytes = row_bytes_of(header);
  const std::uint64_t data_bytes = header.file_bytes - header.bytes;
  return {header.shape[0], row_bytes == 0 ? header.shape[0] : static_cast<std::size_t>(data_bytes / row_bytes),
          header.bytes, row_bytes};
}

}  // namespace

NpyRowCount count_npy_rows(const std::string& path) {
  OpenFile file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail_io(path, "cannot open");
  return count_rows(read_existing_header(file.fd, path));
}

void set_npy_rows(const std::string& path, std::size_t rows) {
  OpenFile file{::open(path.c_str(), O_RDWR | O_CLOEXEC)};
  if (file.fd < 0) fail_io(path, "cannot open");
  ExistingHeader header = read_existing_header(file.fd, path);
  const NpyRowCount count = count_rows(header);
  if (rows > count.whole) {
    throw Error(path + ": cannot keep " + std::to_string(rows) + " rows, it holds " + std::to_string(count.whole));
  }
  header.shape[0] = rows;
  const std::string dict = header_dict(header.descr.c_str(), header.shape);
  if (kPreambleBytes + dict.size() + 1 > header.bytes) {
    throw Error(path + ": the header has no room for a row count of " + std::to_string(rows));
  }
  const std::string bytes = header_bytes(dict, header.bytes, path);
  // The header first: the rows it counts are all there, before and after the cut.
  errno = 0;
  if (::pwrite(file.fd, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    fail_io(path, "cannot write the header");
  }
  if (::ftruncate(file.fd, static_cast<off_t>(header.bytes + rows * row_bytes_of(header))) != 0) {
    fail_io(path, "cannot cut");
  }
}

template <class T>
void write_npy(const std::string& path, std::span<const T> values, const std::vector<std::size_t>& shape) {
  if (product(shape) != values.size()) {
    throw Error(path + ": shape " + detail::npy_shape_text(shape) + " does not hold " + std::to_string(values.size()) +
                " values");
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

void write_npy_object_array(const std::string& path, std::string_view pickle, const std::vector<std::size_t>& shape) {
  const std::string dict = header_dict("|O", shape);
  const std::string header = header_bytes(dict, aligned_header_size(dict), path);
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
  if (!file) fail_io(path, "cannot create");
  write_all(file.get(), header.data(), header.size(), path);
  write_all(file.get(), pickle.data(), pickle.size(), path);
  errno = 0;
  if (std::fclose(file.release()) != 0) fail_io(path, "write failed on close");
}

template <class T>
NpyAppender<T>::NpyAppender(const std::string& path, std::vector<std::size_t> row_shape)
    : path_(path), row_shape_(std::move(row_shape)), row_size_(product(row_shape_)) {
  errno = 0;
  file_ = std::fopen(path_.c_str(), "wb");
  if (file_ == nullptr) fail_io(path_, "cannot create");
  // No stdio buffer: each row is written as it is appended, so files whose rows are a few
  // bytes (time.npy) hold as many rows past their header as files of kilobyte rows.
  std::setvbuf(file_, nullptr, _IONBF, 0);
  try {
    flush();  // a valid, empty array from the start
  } catch (...) {
    std::fclose(file_);
    throw;
  }
}

template <class T> NpyAppender<T>::~NpyAppender() {
  try {
    flush();
  } catch (...) {
    // A destructor cannot report; callers who care call flush() themselves.
  }
  std::fclose(file_);
}

template <class T> void NpyAppender<T>::append(std::span<const T> row) {
  if (row.size() != row_size_) {
    throw Error(path_ + ": cannot append a row of " + std::to_string(row.size()) + " values, rows have shape " +
                detail::npy_shape_text(row_shape_));
  }
  write_all(file_, row.data(), row.size_bytes(), path_);
  ++rows_;
}

template <class T> void NpyAppender<T>::flush() {
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

#define CALMON_INSTANTIATE_NPY(T)                                                                      \
  template void write_npy<T>(const std::string&, std::span<const T>, const std::vector<std::size_t>&); \
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
