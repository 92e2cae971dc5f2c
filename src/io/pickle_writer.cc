// pickle_writer.cc — the opcodes of pickle_writer.h: binary protocol 3, no memo.
#include "io/pickle_writer.h"

#include <bit>
#include <cstring>

#include "core/error.h"

namespace calmon::io {
namespace {

constexpr unsigned char kMark = '(';
constexpr unsigned char kTuple = 't';
constexpr unsigned char kEmptyTuple = ')';
constexpr unsigned char kReduce = 'R';
constexpr unsigned char kBuild = 'b';
constexpr unsigned char kNewFalse = 0x89;
constexpr unsigned char kNewTrue = 0x88;

}  // namespace

PickleWriter::PickleWriter() {
  op(0x80);  // PROTO 3
  op(3);
}

void PickleWriter::le(std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out_ += static_cast<char>((value >> (8 * i)) & 0xff);
}

void PickleWriter::none() { op('N'); }
void PickleWriter::boolean(bool value) { op(value ? kNewTrue : kNewFalse); }

void PickleWriter::integer(std::int64_t value) {
  if (value >= 0 && value < 256) {
    op('K');
    le(static_cast<std::uint64_t>(value), 1);
  } else if (value >= INT32_MIN && value <= INT32_MAX) {
    op('J');
    le(static_cast<std::uint32_t>(static_cast<std::int32_t>(value)), 4);
  } else {
    op(0x8a);  // LONG1, 8 bytes two's complement
    op(8);
    le(static_cast<std::uint64_t>(value), 8);
  }
}

void PickleWriter::number(double value) {
  op('G');  // BINFLOAT, big-endian
  const auto bits = std::bit_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i) out_ += static_cast<char>((bits >> (8 * i)) & 0xff);
}

void PickleWriter::text(std::string_view value) {
  op('X');  // BINUNICODE
  le(value.size(), 4);
  out_.append(value);
}

void PickleWriter::short_bytes(std::string_view data) {
  if (data.size() < 256) {
    op('C');
    le(data.size(), 1);
  } else if (data.size() <= 0xffffffffu) {
    op('B');
    le(data.size(), 4);
  } else {
    op(0x8e);
    le(data.size(), 8);
  }
  out_.append(data);
}

void PickleWriter::begin_list() {
  op(']');
  op(kMark);
}
void PickleWriter::end_list() { op('e'); }  // APPENDS
void PickleWriter::begin_dict() {
  op('}');
  op(kMark);
}
void PickleWriter::end_dict() { op('u'); }  // SETITEMS

void PickleWriter::array_prefix() {
  out_ += "cnumpy.core.multiarray\n_reconstruct\n";
  out_ += "cnumpy\nndarray\n";
  integer(0);
  op(0x85);  // TUPLE1: (0,)
  short_bytes("b");
  op(0x87);  // TUPLE3
  op(kReduce);
}

void PickleWriter::dtype(std::string_view descr) {
  // numpy.dtype('f8', False, True), then BUILD (3, '<', None, None, None, -1, -1, flags)
  out_ += "cnumpy\ndtype\n";
  const bool object = descr == "|O";
  text(object ? std::string_view("O8") : descr.substr(1));
  op(kNewFalse);
  op(kNewTrue);
  op(0x87);
  op(kReduce);
  op(kMark);
  integer(3);
  text(descr.substr(0, 1));
  none();
  none();
  none();
  integer(-1);
  integer(-1);
  integer(object ? 63 : 0);
  op(kTuple);
  op(kBuild);
}

void PickleWriter::shape_tuple(const std::vector<std::size_t>& shape) {
  if (shape.empty()) {
    op(kEmptyTuple);
    return;
  }
  op(kMark);
  for (const std::size_t d : shape) integer(static_cast<std::int64_t>(d));
  op(kTuple);
}

void PickleWriter::array(std::string_view descr, const std::vector<std::size_t>& shape,
                         std::span<const std::byte> data) {
  array_prefix();
  op(kMark);
  integer(1);
  shape_tuple(shape);
  dtype(descr);
  op(kNewFalse);
  short_bytes(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  op(kTuple);
  op(kBuild);
}

void PickleWriter::array(std::span<const double> values, const std::vector<std::size_t>& shape) {
  static_assert(std::endian::native == std::endian::little, "the pickle writes the host's bytes as '<'");
  array("<f8", shape, std::as_bytes(values));
}
void PickleWriter::array(std::span<const float> values, const std::vector<std::size_t>& shape) {
  array("<f4", shape, std::as_bytes(values));
}
void PickleWriter::array(std::span<const std::int32_t> values) { array("<i4", {values.size()}, std::as_bytes(values)); }
void PickleWriter::array(const std::vector<bool>& values) {
  std::vector<std::byte> bytes(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) bytes[i] = std::byte{values[i] ? std::uint8_t{1} : std::uint8_t{0}};
  array("|b1", {values.size()}, bytes);
}

void PickleWriter::begin_object_array(const std::vector<std::size_t>& shape) {
  array_prefix();
  op(kMark);
  integer(1);
  shape_tuple(shape);
  dtype("|O");
  op(kNewFalse);
  op(']');
  op(kMark);
  object_shapes_.push_back(shape);
}

void PickleWriter::end_object_array() {
  if (object_shapes_.empty()) throw Error("PickleWriter: end_object_array without begin_object_array");
  object_shapes_.pop_back();
  op('e');  // APPENDS the elements
  op(kTuple);
  op(kBuild);
}

std::string PickleWriter::finish() {
  op('.');
  return std::move(out_);
}

}  // namespace calmon::io
