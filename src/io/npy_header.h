// npy_header.h — the header of an existing .npy file, read: format version, dtype,
// memory order, shape, and where the data starts.
//
// A .npy file is the magic "\x93NUMPY", the format version (major, minor), the header's
// length (a little-endian uint16 for version 1.0, uint32 for 2.0 and 3.0), then the
// header: a Python dict literal such as
//   {'descr': '<u2', 'fortran_order': False, 'shape': (3, 4), }
// padded with spaces and ended by '\n'; the data follows. The dict is read as numpy's
// literal_eval reads it, as far as a plain array needs: quoted keys and strings (either
// quote), True/False, a tuple of whole numbers, any spacing. A structured dtype (a list
// as descr) is refused, and so is a header over 1 MiB (never allocated). One reader for
// every caller: count_npy_rows (npy_writer.h) and reference images (reference_image.h).
//
// Internal to src/io.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace calmon::io::detail {

struct NpyHeader {
  int major_version = 0;           // 1, 2 or 3
  int minor_version = 0;           // 0
  std::uint64_t data_offset = 0;   // the data starts here: preamble and header
  std::uint64_t file_bytes = 0;    // the file's size
  std::string descr;               // numpy's dtype.str: "<f8", "|u1", ">i2", ...
  bool fortran_order = false;      // column-major data
  std::vector<std::size_t> shape;  // empty for a 0-d array
};

// The header of the file open as `fd` (read with pread, from offset 0). Throws
// calmon::Error "<path>: <not_what> (<why>)" for a file that is not a .npy array, e.g.
// "a.npy: not a .npy array (no .npy magic)", and "<path>: cannot read: <errno text>".
NpyHeader read_npy_header(int fd, const std::string& path, const std::string& not_what);

// Python's repr of a shape tuple: "()", "(5,)", "(3, 4)".
std::string npy_shape_text(const std::vector<std::size_t>& shape);

}  // namespace calmon::io::detail
