// npy_writer.h — writes numpy .npy arrays (format 1.0, little-endian, C order).
//
// `write_npy` writes a whole array at once. `NpyAppender` grows an array along its
// first axis row by row (a trace as frames arrive) and rewrites the header's shape on
// every flush, so the file numpy opens is valid after each flush, not only at the end.
// Each row is written to the file as it is appended (unbuffered), so when the writer
// dies every file holds every row appended, past the header's row count since the last
// flush: count_npy_rows() and set_npy_rows() find and keep them (calmon-record --repair),
// and files of rows of a few bytes lose no more than files of large rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::io {

template <class T>
void write_npy(const std::string& path, std::span<const T> values, const std::vector<std::size_t>& shape);

// 1-D convenience: shape (values.size(),).
template <class T> void write_npy(const std::string& path, std::span<const T> values) {
  write_npy<T>(path, values, {values.size()});
}

// An object array (dtype '|O') of `shape`: `pickle` is its pickle, as np.save writes it
// with allow_pickle (pickle_writer.h makes one); np.load(path, allow_pickle=True) reads it.
void write_npy_object_array(const std::string& path, std::string_view pickle, const std::vector<std::size_t>& shape);

// The rows of an array NpyAppender wrote: as many as its header says, and the whole rows
// its data holds (a partial row at the end is not counted). `whole` may exceed
// `in_header` after a crash; for rows of zero bytes it is `in_header`. Row r starts at
// byte header_bytes + r * row_bytes.
struct NpyRowCount {
  std::size_t in_header = 0;
  std::size_t whole = 0;
  std::size_t header_bytes = 0;
  std::size_t row_bytes = 0;
};
// Throws calmon::Error for a file that is not a C-order .npy format 1.0 array with at
// least one axis.
NpyRowCount count_npy_rows(const std::string& path);
// Keeps the first `rows` rows (at most the whole rows held): cuts the file after them
// and rewrites the header's row count in place, without moving the data.
void set_npy_rows(const std::string& path, std::size_t rows);

template <class T> class NpyAppender {
 public:
  // `row_shape` is the shape of one row; {} for a 1-D array of scalars.
  NpyAppender(const std::string& path, std::vector<std::size_t> row_shape = {});
  ~NpyAppender();
  NpyAppender(const NpyAppender&) = delete;
  NpyAppender& operator=(const NpyAppender&) = delete;

  void append(std::span<const T> row);  // row.size() == product of row_shape
  void flush();                         // header rewritten with the current row count
  std::size_t rows() const { return rows_; }

 private:
  std::string path_;
  std::vector<std::size_t> row_shape_;
  std::size_t row_size_ = 1;
  std::size_t rows_ = 0;
  std::FILE* file_ = nullptr;
};

}  // namespace calmon::io
