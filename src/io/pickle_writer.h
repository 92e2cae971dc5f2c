// pickle_writer.h — writes the pickles of numpy object arrays that np.load(allow_pickle=True)
// reads back: the stat.npy and ops.npy of a Suite2p folder.
//
// Protocol 3, the one np.save uses, with only what such a file needs: None, bools, ints,
// floats, strs, lists, dicts, numeric numpy arrays and object arrays. A numpy array is
// written as numpy writes one — numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')
// and a BUILD with (1, shape, dtype, False, raw bytes) — so numpy 1 and numpy 2 both load it
// (numpy 2 still answers to numpy.core's names), and pickle_reader.h reads it. Values are
// written in the order given, like a stack program: a container's items go between its
// begin and end; a dict's as key, value, key, value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::io {

class PickleWriter {
 public:
  PickleWriter();

  void none();
  void boolean(bool value);
  void integer(std::int64_t value);
  void number(double value);
  void text(std::string_view value);

  void begin_list();
  void end_list();
  void begin_dict();
  void end_dict();

  // A numeric array: `descr` is numpy's dtype.str ("<f8", "<i4", "|b1", "<f4"), `data` its
  // C-order bytes.
  void array(std::string_view descr, const std::vector<std::size_t>& shape, std::span<const std::byte> data);
  void array(std::span<const double> values, const std::vector<std::size_t>& shape);
  void array(std::span<const float> values, const std::vector<std::size_t>& shape);
  void array(std::span<const std::int32_t> values);
  void array(const std::vector<bool>& values);
  // An object array of `shape`: its elements are the values written until end_object_array.
  void begin_object_array(const std::vector<std::size_t>& shape);
  void end_object_array();

  // The pickle, ended with STOP. The writer is spent.
  std::string finish();

 private:
  void op(unsigned char code) { out_ += static_cast<char>(code); }
  void le(std::uint64_t value, int bytes);
  void short_bytes(std::string_view data);
  void array_prefix();
  void dtype(std::string_view descr);
  void shape_tuple(const std::vector<std::size_t>& shape);

  std::string out_;
  std::vector<std::vector<std::size_t>> object_shapes_;
};

}  // namespace calmon::io
