// npy_writer.h — writes numpy .npy arrays (format 1.0, little-endian, C order).
//
// `write_npy` writes a whole array at once. `NpyAppender` grows an array along its
// first axis row by row (a trace as frames arrive) and rewrites the header's shape on
// every flush, so the file numpy opens is valid after each flush, not only at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace calmon::io {

template <class T> void write_npy(const std::string& path, std::span<const T> values,
                                  const std::vector<std::size_t>& shape);

// 1-D convenience: shape (values.size(),).
template <class T> void write_npy(const std::string& path, std::span<const T> values) {
  write_npy<T>(path, values, {values.size()});
}

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
