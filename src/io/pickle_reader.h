// pickle_reader.h — a restricted reader of the Python pickles numpy puts in .npy files
// (`np.save(..., allow_pickle=True)`): object arrays of dicts (Suite2p's stat.npy), a dict
// in a 0-d object array (ops.npy), and inside them lists, tuples, strings, numbers, numpy
// arrays, numpy scalars and dtypes.
//
// The idea: a pickle is a small stack program whose GLOBAL and REDUCE opcodes make Python
// import a name and call it. This reader never imports or calls anything. It walks the
// opcodes, builds a tree of plain values, and knows the handful of names numpy's pickles
// use by what they mean:
//   numpy.core.multiarray._reconstruct + BUILD   a numpy array (numpy 2: numpy._core...)
//   numpy.core.numeric._frombuffer               a numpy array (protocol 5's form)
//   numpy.ndarray, numpy.dtype + BUILD           the array's class, its dtype
//   numpy.core.multiarray.scalar                 a numpy scalar (np.int64(3), np.float32(...))
//   datetime.datetime, .date, .time, .timedelta, .timezone
//                                                kept as opaque values, never looked into
//                                                (Suite2p's ops.npy records when it ran)
// Any other name stops the read with "<name>: pickle uses <module.name>, which calmon does
// not read". Only the binary opcodes of protocols 2 to 5 (and PUT/GET) are read.
//
// Memory is bounded: every length is checked against the bytes left, and a pickle may make
// at most kMaxPickleValues values (a Suite2p stat.npy makes about 150 per ROI).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace calmon::io {

inline constexpr std::size_t kMaxPickleValues = std::size_t{16} << 20;

// A numpy dtype as far as calmon reads arrays: '<i4' is {'<', 'i', 4}.
struct NumpyDType {
  char byte_order = '|';  // '<' little, '>' big, '|' not applicable, '=' native
  char kind = 'V';        // numpy's dtype.kind: b i u f c O U S V M m
  std::size_t item_size = 0;

  std::string str() const;  // numpy's dtype.str: "<f8", "|b1", "|O"
};

struct PickleValue {
  enum class Kind {
    kNone,
    kBool,
    kInt,
    kFloat,
    kString,
    kBytes,
    kTuple,
    kList,
    kSet,
    kDict,
    kArray,
    kDType,
    kGlobal,
    kOpaque
  };

  Kind kind = Kind::kNone;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0.0;
  std::string text;                 // str (UTF-8), bytes, a global's "module.name", an opaque value's type
  std::vector<PickleValue*> items;  // tuple, list, set
  std::vector<std::pair<PickleValue*, PickleValue*>>
      entries;                     // dict, in the order set (a repeated key: the last counts)
  NumpyDType dtype;                // array, dtype
  std::vector<std::size_t> shape;  // array
  bool fortran_order = false;      // array
  bool built = false;              // array: its data has been set
  // An array's data is not copied: `source` is the bytes value (numeric) or the list
  // (object array) the pickle gave, which other arrays may share (a memo), so that no
  // pickle makes calmon copy a value many times. Null: the data is in `text`.
  const PickleValue* source = nullptr;

  // A numeric array's raw bytes.
  std::string_view bytes() const { return source != nullptr ? std::string_view(source->text) : std::string_view(text); }
  // An object array's elements (empty for anything else). The list may have grown after
  // the array was built: callers check its size against the shape.
  const std::vector<PickleValue*>& elements() const;

  bool is_number() const { return kind == Kind::kBool || kind == Kind::kInt || kind == Kind::kFloat; }
  // The dict's value for a string key; nullptr if absent (or not a dict).
  const PickleValue* find(std::string_view key) const;
  // "dict", "numpy array", "str", ... for messages.
  std::string type_name() const;
};

// The values of one pickle. Throws calmon::Error "<name>: ..." for anything it cannot read:
// a name it does not know, an opcode numpy does not write, a length beyond the end, a
// REDUCE or BUILD of something other than the names above, a malformed array state.
class PickleDocument {
 public:
  PickleDocument(std::span<const std::byte> bytes, std::string name);
  // A plain (not pickled) array, as a .npy file of a numeric dtype holds: `data` in the
  // dtype's own bytes, C or Fortran order as said.
  PickleDocument(NumpyDType dtype, std::vector<std::size_t> shape, bool fortran_order, std::string data);
  PickleDocument(const PickleDocument&) = delete;
  PickleDocument& operator=(const PickleDocument&) = delete;

  const PickleValue& root() const { return *root_; }

 private:
  PickleValue* add(PickleValue::Kind kind);

  std::deque<PickleValue> values_;
  PickleValue* root_ = nullptr;
};

// The number of elements of an array of this shape; throws calmon::Error "<what>: ..."
// when the product overflows.
std::size_t element_count(const std::vector<std::size_t>& shape, const std::string& what);

// A numeric array's elements (C order for a C array; the flat memory order otherwise) as
// doubles / as integers. Throws calmon::Error "<what>: ..." when `value` is not a numpy
// array of kind b, i, u or f (integers: b, i, u only) with 1 to 8-byte items.
std::vector<double> array_doubles(const PickleValue& value, const std::string& what);
std::vector<std::int64_t> array_integers(const PickleValue& value, const std::string& what);
// A Python or numpy number, or a one-element numeric array, as a double; throws otherwise.
double scalar_number(const PickleValue& value, const std::string& what);

}  // namespace calmon::io
