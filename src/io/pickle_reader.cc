// pickle_reader.cc — the opcodes of pickle_reader.h, walked without executing anything.
#include "io/pickle_reader.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "core/error.h"

namespace calmon::io {
namespace {

using Kind = PickleValue::Kind;

bool is_numpy_module(std::string_view module, std::string_view tail) {
  // numpy 1 writes numpy.core.<tail>, numpy 2 numpy._core.<tail>.
  return module == std::string("numpy.core.") + std::string(tail) ||
         module == std::string("numpy._core.") + std::string(tail);
}

bool known_global(std::string_view module, std::string_view name) {
  if (module == "numpy") return name == "ndarray" || name == "dtype";
  if (is_numpy_module(module, "multiarray")) return name == "_reconstruct" || name == "scalar";
  if (is_numpy_module(module, "numeric")) return name == "_frombuffer";
  if (module == "datetime") {
    return name == "datetime" || name == "date" || name == "time" || name == "timedelta" || name == "timezone";
  }
  return false;
}

bool global_is(const PickleValue& value, std::string_view tail) {
  if (value.kind != Kind::kGlobal) return false;
  const std::string& t = value.text;
  return t == std::string("numpy.core.") + std::string(tail) || t == std::string("numpy._core.") + std::string(tail) ||
         t == "numpy." + std::string(tail);
}

// A dtype from numpy's type string ("f8", "<i4", "O8", "b1", "U5").
bool parse_dtype_text(std::string_view text, NumpyDType& dtype) {
  if (text.empty()) return false;
  std::size_t at = 0;
  char order = '|';
  if (text[0] == '<' || text[0] == '>' || text[0] == '|' || text[0] == '=') order = text[at++];
  if (at >= text.size()) return false;
  const char kind = text[at++];
  if (std::string_view("biufcOUSVMm?").find(kind) == std::string_view::npos) return false;
  std::size_t size = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    if (size > 1'000'000'000) return false;
    size = size * 10 + static_cast<std::size_t>(text[at] - '0');
  }
  if (at < text.size() && text[at] != '[') return false;  // "M8[ns]": units ignored
  dtype.kind = kind == '?' ? 'b' : kind;
  dtype.byte_order = order;
  dtype.item_size = kind == '?' ? 1 : kind == 'O' ? 8 : size;
  if (kind == 'U') dtype.item_size = size * 4;
  return true;
}

class Parser {
 public:
  Parser(std::span<const std::byte> bytes, const std::string& name, std::deque<PickleValue>& values)
      : bytes_(bytes), name_(name), values_(values) {}

  PickleValue* run() {
    while (true) {
      if (at_ >= bytes_.size()) fail("the pickle ends before its STOP opcode (truncated?)");
      const std::size_t opcode_at = at_;
      const auto op = static_cast<unsigned char>(bytes_[at_++]);
      switch (op) {
        case 0x80: {  // PROTO
          const unsigned version = u8();
          if (version < 2 || version > 5)
            fail("pickle protocol " + std::to_string(version) + " is not one numpy writes");
          break;
        }
        case 0x95: take(8); break;  // FRAME: a length hint
        case '.': {                 // STOP
          if (stack_.size() != 1 || !marks_.empty())
            fail("the pickle stops with " + std::to_string(stack_.size()) + " values on its stack");
          return stack_.back();
        }
        case '(': marks_.push_back(stack_.size()); break;
        case '0': pop(); break;
        case '1': pop_mark(); break;
        case '2': push(top()); break;
        case 'N': push(add(Kind::kNone)); break;
        case 0x88: push_bool(true); break;
        case 0x89: push_bool(false); break;
        case 'J': push_int(static_cast<std::int32_t>(le(4))); break;
        case 'K': push_int(u8()); break;
        case 'M': push_int(static_cast<std::int64_t>(le(2))); break;
        case 0x8a: push_long(u8()); break;
        case 0x8b: {
          const auto n = static_cast<std::int32_t>(le(4));
          if (n < 0) fail("negative length");
          push_long(static_cast<std::size_t>(n));
          break;
        }
        case 'G': {  // BINFLOAT, big-endian
          std::uint64_t bits = 0;
          for (const std::byte b : take(8)) bits = (bits << 8) | static_cast<std::uint64_t>(b);
          PickleValue* v = add(Kind::kFloat);
          v->number = std::bit_cast<double>(bits);
          push(v);
          break;
        }
        case 'X': push_text(Kind::kString, le(4)); break;
        case 0x8c: push_text(Kind::kString, u8()); break;
        case 0x8d: push_text(Kind::kString, le(8)); break;
        case 'T': {
          const auto n = static_cast<std::int32_t>(le(4));
          if (n < 0) fail("negative length");
          push_text(Kind::kString, static_cast<std::uint64_t>(n));
          break;
        }
        case 'U': push_text(Kind::kString, u8()); break;
        case 'B': push_text(Kind::kBytes, le(4)); break;
        case 'C': push_text(Kind::kBytes, u8()); break;
        case 0x8e: push_text(Kind::kBytes, le(8)); break;
        case 0x96: push_text(Kind::kBytes, le(8)); break;  // BYTEARRAY8
        case ')': push(add(Kind::kTuple)); break;
        case 't': push(sequence(Kind::kTuple, pop_mark())); break;
        case 0x85: push(sequence(Kind::kTuple, pop_n(1))); break;
        case 0x86: push(sequence(Kind::kTuple, pop_n(2))); break;
        case 0x87: push(sequence(Kind::kTuple, pop_n(3))); break;
        case ']': push(add(Kind::kList)); break;
        case 'l': push(sequence(Kind::kList, pop_mark())); break;
        case 'a': {
          PickleValue* item = pop();
          mutable_of(Kind::kList, "APPEND")->items.push_back(item);
          break;
        }
        case 'e': {
          std::vector<PickleValue*> items = pop_mark();
          PickleValue* list = mutable_of(Kind::kList, "APPENDS");
          list->items.insert(list->items.end(), items.begin(), items.end());
          break;
        }
        case 0x8f: push(add(Kind::kSet)); break;
        case 0x90: {
          std::vector<PickleValue*> items = pop_mark();
          PickleValue* set = mutable_of(Kind::kSet, "ADDITEMS");
          set->items.insert(set->items.end(), items.begin(), items.end());
          break;
        }
        case 0x91: push(sequence(Kind::kSet, pop_mark())); break;
        case '}': push(add(Kind::kDict)); break;
        case 'd': {
          PickleValue* dict = add(Kind::kDict);
          set_items(dict, pop_mark());
          push(dict);
          break;
        }
        case 's': {
          std::vector<PickleValue*> pair = pop_n(2);
          set_items(mutable_of(Kind::kDict, "SETITEM"), pair);
          break;
        }
        case 'u': {
          std::vector<PickleValue*> items = pop_mark();
          set_items(mutable_of(Kind::kDict, "SETITEMS"), items);
          break;
        }
        case 'c': {
          const std::string module = line();
          const std::string name = line();
          push(global(module, name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          std::vector<PickleValue*> names = pop_n(2);
          if (names[0]->kind != Kind::kString || names[1]->kind != Kind::kString)
            fail("STACK_GLOBAL of a value that is not a str");
          push(global(names[0]->text, names[1]->text));
          break;
        }
        case 'R': {
          PickleValue* args = pop();
          PickleValue* callable = pop();
          push(reduce(*callable, *args));
          break;
        }
        case 0x81: {  // NEWOBJ: cls.__new__(cls, *args)
          PickleValue* args = pop();
          PickleValue* cls = pop();
          push(reduce(*cls, *args));
          break;
        }
        case 'b': {
          PickleValue* state = pop();
          build(*top(), *state);
          break;
        }
        case 'q': memo_put(u8()); break;
        case 'r': memo_put(le(4)); break;
        case 0x94: memo_put(memo_.size()); break;
        case 'h': memo_get(u8()); break;
        case 'j': memo_get(le(4)); break;
        case 'p': memo_put(decimal(line())); break;
        case 'g': memo_get(decimal(line())); break;
        default: {
          static const char* hex = "0123456789abcdef";
          std::string code = "0x";
          code += hex[op >> 4];
          code += hex[op & 15];
          at_ = opcode_at;
          fail("pickle opcode " + code + " is not one numpy's pickles use");
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(name_ + ": " + why + " (pickle byte " + std::to_string(at_) + ")");
  }

  std::span<const std::byte> take(std::uint64_t n) {
    if (n > bytes_.size() - at_) fail("the file ends inside its pickle (truncated?)");
    std::span<const std::byte> out = bytes_.subspan(at_, static_cast<std::size_t>(n));
    at_ += static_cast<std::size_t>(n);
    return out;
  }
  unsigned u8() { return static_cast<unsigned>(take(1)[0]); }
  std::uint64_t le(int n) {
    std::uint64_t v = 0;
    std::span<const std::byte> b = take(static_cast<std::uint64_t>(n));
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint64_t>(b[static_cast<std::size_t>(i)]);
    return v;
  }
  std::string line() {
    std::string out;
    while (true) {
      if (at_ >= bytes_.size()) fail("the file ends inside its pickle (truncated?)");
      const char c = static_cast<char>(bytes_[at_++]);
      if (c == '\n') return out;
      if (out.size() > 1000) fail("a text argument longer than 1000 characters");
      out += c;
    }
  }
  std::uint64_t decimal(const std::string& text) {
    if (text.empty() || text.size() > 9) fail("memo index '" + text + "' is not a small number");
    std::uint64_t v = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') fail("memo index '" + text + "' is not a number");
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
  }

  PickleValue* add(Kind kind) {
    if (values_.size() >= kMaxPickleValues) {
      fail("the pickle makes more than " + std::to_string(kMaxPickleValues) + " values, more than calmon reads");
    }
    PickleValue& v = values_.emplace_back();
    v.kind = kind;
    return &v;
  }
  void push(PickleValue* v) { stack_.push_back(v); }
  void push_bool(bool b) {
    PickleValue* v = add(Kind::kBool);
    v->boolean = b;
    push(v);
  }
  void push_int(std::int64_t i) {
    PickleValue* v = add(Kind::kInt);
    v->integer = i;
    push(v);
  }
  void push_long(std::size_t n) {
    std::span<const std::byte> b = take(n);
    if (n > 8) fail("an integer of " + std::to_string(n) + " bytes, larger than calmon reads");
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = (v << 8) | static_cast<std::uint64_t>(b[i]);
    if (n > 0 && n < 8 && (static_cast<unsigned>(b[n - 1]) & 0x80)) v |= ~std::uint64_t{0} << (8 * n);  // sign-extend
    push_int(static_cast<std::int64_t>(v));
  }
  void push_text(Kind kind, std::uint64_t n) {
    std::span<const std::byte> b = take(n);
    PickleValue* v = add(kind);
    v->text.assign(reinterpret_cast<const char*>(b.data()), b.size());
    push(v);
  }
  PickleValue* top() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("an opcode needs a value and the stack has none");
    return stack_.back();
  }
  PickleValue* pop() {
    PickleValue* v = top();
    stack_.pop_back();
    return v;
  }
  std::vector<PickleValue*> pop_n(std::size_t n) {
    const std::size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() < floor + n) fail("an opcode needs " + std::to_string(n) + " values and the stack has fewer");
    std::vector<PickleValue*> out(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
    stack_.resize(stack_.size() - n);
    return out;
  }
  std::vector<PickleValue*> pop_mark() {
    if (marks_.empty()) fail("an opcode needs a MARK and there is none");
    const std::size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<PickleValue*> out(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return out;
  }
  PickleValue* sequence(Kind kind, std::vector<PickleValue*> items) {
    PickleValue* v = add(kind);
    v->items = std::move(items);
    return v;
  }
  PickleValue* mutable_of(Kind kind, const char* opcode) {
    PickleValue* v = top();
    if (v->kind != kind) fail(std::string(opcode) + " on a " + v->type_name());
    return v;
  }
  void set_items(PickleValue* dict, const std::vector<PickleValue*>& items) {
    if (items.size() % 2 != 0) fail("a dict's items are not key, value pairs");
    for (std::size_t i = 0; i < items.size(); i += 2) dict->entries.emplace_back(items[i], items[i + 1]);
  }
  void memo_put(std::uint64_t index) {
    PickleValue* v = top();
    if (index > kMaxPickleValues)
      fail("memo index " + std::to_string(index) + " beyond what a pickle of this size uses");
    memo_[index] = v;
  }
  void memo_get(std::uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo index " + std::to_string(index) + " was never set");
    push(it->second);
  }

  PickleValue* global(const std::string& module, const std::string& name) {
    if (!known_global(module, name)) {
      throw Error(name_ + ": pickle uses " + module + "." + name + ", which calmon does not read");
    }
    PickleValue* v = add(Kind::kGlobal);
    v->text = module + "." + name;
    return v;
  }

  const PickleValue& arg(const PickleValue& args, std::size_t i, const std::string& call) const {
    if (args.kind != Kind::kTuple || args.items.size() <= i) fail(call + " called with too few arguments");
    return *args.items[i];
  }

  PickleValue* reduce(const PickleValue& callable, const PickleValue& args) {
    if (callable.kind != Kind::kGlobal) fail("REDUCE of a " + callable.type_name() + ", which is not a name");
    if (args.kind != Kind::kTuple) fail(callable.text + " called with arguments that are not a tuple");
    if (callable.text.starts_with("datetime.")) {
      PickleValue* v = add(Kind::kOpaque);
      v->text = callable.text;
      return v;
    }
    if (global_is(callable, "multiarray._reconstruct")) {
      if (!global_is(arg(args, 0, callable.text), "ndarray")) {
        fail(callable.text + " of something other than numpy.ndarray");
      }
      PickleValue* v = add(Kind::kArray);
      return v;  // BUILD gives it shape, dtype and data
    }
    if (callable.text == "numpy.dtype") {
      const PickleValue& text = arg(args, 0, callable.text);
      PickleValue* v = add(Kind::kDType);
      if (text.kind != Kind::kString || !parse_dtype_text(text.text, v->dtype)) {
        fail("numpy.dtype of '" + (text.kind == Kind::kString ? text.text : text.type_name()) +
             "', which calmon does not read");
      }
      return v;
    }
    if (global_is(callable, "multiarray.scalar")) {
      const PickleValue& dtype = arg(args, 0, callable.text);
      if (dtype.kind != Kind::kDType) fail(callable.text + " of a " + dtype.type_name() + ", not a dtype");
      if (args.items.size() < 2 || args.items[1]->kind != Kind::kBytes) {
        PickleValue* v = add(Kind::kOpaque);  // an object scalar, whatever it holds
        v->text = "numpy scalar";
        return v;
      }
      return scalar(dtype.dtype, args.items[1]->text);
    }
    if (global_is(callable, "numeric._frombuffer")) {
      const PickleValue& buffer = arg(args, 0, callable.text);
      const PickleValue& dtype = arg(args, 1, callable.text);
      const PickleValue& shape = arg(args, 2, callable.text);
      const PickleValue& order = arg(args, 3, callable.text);
      if (buffer.kind != Kind::kBytes || dtype.kind != Kind::kDType || order.kind != Kind::kString) {
        fail(callable.text + " with arguments of the wrong types");
      }
      PickleValue* v = add(Kind::kArray);
      v->dtype = dtype.dtype;
      v->shape = shape_of(shape);
      v->fortran_order = order.text == "F";
      set_array_data(*v, buffer);
      return v;
    }
    fail(callable.text + " is not something calmon calls");
  }

  PickleValue* scalar(const NumpyDType& dtype, const std::string& bytes) {
    if (bytes.size() != dtype.item_size)
      fail("a numpy scalar of " + dtype.str() + " with " + std::to_string(bytes.size()) + " bytes");
    PickleValue probe;
    probe.kind = Kind::kArray;
    probe.dtype = dtype;
    probe.shape = {};
    probe.text = bytes;
    probe.built = true;
    if (dtype.kind == 'b') {
      PickleValue* v = add(Kind::kBool);
      v->boolean = bytes[0] != 0;
      return v;
    }
    if (dtype.kind == 'i' || dtype.kind == 'u') {
      PickleValue* v = add(Kind::kInt);
      v->integer = array_integers(probe, name_)[0];
      return v;
    }
    if (dtype.kind == 'f' && dtype.item_size != 2) {
      PickleValue* v = add(Kind::kFloat);
      v->number = array_doubles(probe, name_)[0];
      return v;
    }
    PickleValue* v = add(Kind::kOpaque);
    v->text = "numpy scalar of " + dtype.str();
    return v;
  }

  std::vector<std::size_t> shape_of(const PickleValue& shape) {
    if (shape.kind == Kind::kInt) shape_check(shape.integer);
    if (shape.kind == Kind::kInt) return {static_cast<std::size_t>(shape.integer)};
    if (shape.kind != Kind::kTuple && shape.kind != Kind::kList) fail("an array shape that is a " + shape.type_name());
    std::vector<std::size_t> out;
    for (const PickleValue* d : shape.items) {
      if (d->kind != Kind::kInt) fail("an array shape with a " + d->type_name());
      shape_check(d->integer);
      out.push_back(static_cast<std::size_t>(d->integer));
    }
    element_count(out, name_);
    return out;
  }
  void shape_check(std::int64_t d) {
    if (d < 0) fail("an array shape with a negative length");
  }

  void set_array_data(PickleValue& array, const PickleValue& data) {
    if (array.dtype.kind == 'O') fail("an object array's data given as bytes");
    const std::size_t n = element_count(array.shape, name_);
    if (array.dtype.item_size != 0 && n > std::numeric_limits<std::size_t>::max() / array.dtype.item_size) {
      fail("an array too large");
    }
    if (n * array.dtype.item_size != data.text.size()) {
      fail("a numpy array of " + std::to_string(n) + " elements of " + array.dtype.str() + " holds " +
           std::to_string(data.text.size()) + " bytes");
    }
    array.source = &data;
    array.built = true;
  }

  void build(PickleValue& object, const PickleValue& state) {
    if (object.kind == Kind::kOpaque) return;  // a datetime's state: not looked into
    if (object.kind == Kind::kDType) {
      // (version, byte order, subarray, names, fields, item size, alignment, flags[, metadata])
      if (state.kind != Kind::kTuple || state.items.size() < 8) fail("a numpy dtype's state is not numpy's");
      const PickleValue& order = *state.items[1];
      if (order.kind != Kind::kString || order.text.size() != 1 ||
          std::string_view("<>|=").find(order.text[0]) == std::string_view::npos) {
        fail("a numpy dtype's byte order is not '<', '>', '|' or '='");
      }
      object.dtype.byte_order = order.text[0];
      const PickleValue& size = *state.items[5];
      if (size.kind == Kind::kInt && size.integer > 0) {
        if (size.integer > 1'000'000'000) fail("a numpy dtype of more than 1e9 bytes");
        object.dtype.item_size = static_cast<std::size_t>(size.integer);
      }
      if (state.items[4]->kind != Kind::kNone || state.items[2]->kind != Kind::kNone) object.dtype.kind = 'V';
      return;
    }
    if (object.kind != Kind::kArray || object.built)
      fail("BUILD of a " + object.type_name() + ", which calmon does not read");
    // (version, shape, dtype, is_fortran, data)
    if (state.kind != Kind::kTuple || state.items.size() != 5) fail("a numpy array's state is not numpy's");
    const PickleValue& dtype = *state.items[2];
    if (dtype.kind != Kind::kDType) fail("a numpy array's dtype is a " + dtype.type_name());
    object.dtype = dtype.dtype;
    object.shape = shape_of(*state.items[1]);
    const PickleValue& fortran = *state.items[3];
    object.fortran_order =
        fortran.kind == Kind::kBool ? fortran.boolean : fortran.kind == Kind::kInt && fortran.integer != 0;
    const PickleValue& data = *state.items[4];
    if (object.dtype.kind == 'O') {
      if (data.kind != Kind::kList) fail("an object array's data is a " + data.type_name() + ", not a list");
      if (data.items.size() != element_count(object.shape, name_))
        fail("an object array's list does not match its shape");
      object.source = &data;
      object.built = true;
      return;
    }
    if (data.kind != Kind::kBytes && data.kind != Kind::kString) fail("a numpy array's data is a " + data.type_name());
    set_array_data(object, data);
  }

  std::span<const std::byte> bytes_;
  const std::string& name_;
  std::deque<PickleValue>& values_;
  std::size_t at_ = 0;
  std::vector<PickleValue*> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, PickleValue*> memo_;
};

template <class T> T load(const char* p, bool swap) {
  std::array<char, sizeof(T)> raw;
  std::memcpy(raw.data(), p, sizeof(T));
  if (swap) std::reverse(raw.begin(), raw.end());
  return std::bit_cast<T>(raw);
}

void check_numeric(const PickleValue& value, const std::string& what, bool integers_only) {
  if (value.kind != Kind::kArray) throw Error(what + ": is a " + value.type_name() + ", not a numpy array");
  const char k = value.dtype.kind;
  const std::size_t s = value.dtype.item_size;
  const bool ok_kind = k == 'b' || k == 'i' || k == 'u' || (!integers_only && k == 'f');
  const bool ok_size = k == 'f' ? (s == 4 || s == 8) : (s == 1 || s == 2 || s == 4 || s == 8);
  if (!ok_kind || !ok_size) {
    throw Error(what + ": dtype " + value.dtype.str() + " is not " +
                (integers_only ? "an integer type" : "a number type"));
  }
}

}  // namespace

std::string NumpyDType::str() const {
  if (kind == 'O') return "|O";
  std::string out(1, byte_order);
  out += kind;
  out += std::to_string(kind == 'U' ? item_size / 4 : item_size);
  return out;
}

const PickleValue* PickleValue::find(std::string_view key) const {
  if (kind != Kind::kDict) return nullptr;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->first->kind == Kind::kString && it->first->text == key) return it->second;
  }
  return nullptr;
}

const std::vector<PickleValue*>& PickleValue::elements() const {
  static const std::vector<PickleValue*> kNone;
  return kind == Kind::kArray && dtype.kind == 'O' && source != nullptr ? source->items : kNone;
}

std::string PickleValue::type_name() const {
  switch (kind) {
    case Kind::kNone: return "None";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "str";
    case Kind::kBytes: return "bytes";
    case Kind::kTuple: return "tuple";
    case Kind::kList: return "list";
    case Kind::kSet: return "set";
    case Kind::kDict: return "dict";
    case Kind::kArray: return "numpy array";
    case Kind::kDType: return "numpy dtype";
    case Kind::kGlobal: return "name " + text;
    case Kind::kOpaque: return text;
  }
  return "value";
}

PickleDocument::PickleDocument(std::span<const std::byte> bytes, std::string name) {
  Parser parser(bytes, name, values_);
  root_ = parser.run();
}

PickleDocument::PickleDocument(NumpyDType dtype, std::vector<std::size_t> shape, bool fortran_order, std::string data) {
  root_ = add(Kind::kArray);
  root_->dtype = dtype;
  root_->shape = std::move(shape);
  root_->fortran_order = fortran_order;
  root_->text = std::move(data);
  root_->built = true;
}

PickleValue* PickleDocument::add(PickleValue::Kind kind) {
  PickleValue& v = values_.emplace_back();
  v.kind = kind;
  return &v;
}

std::size_t element_count(const std::vector<std::size_t>& shape, const std::string& what) {
  std::size_t n = 1;
  for (const std::size_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d)
      throw Error(what + ": an array shape whose size overflows");
    n *= d;
  }
  return n;
}

std::vector<double> array_doubles(const PickleValue& value, const std::string& what) {
  check_numeric(value, what, false);
  const std::size_t size = value.dtype.item_size;
  const std::string_view raw = value.bytes();
  const std::size_t n = raw.size() / size;
  const bool swap = value.dtype.byte_order == '>' && size > 1;
  std::vector<double> out(n);
  const char* p = raw.data();
  for (std::size_t i = 0; i < n; ++i, p += size) {
    switch (value.dtype.kind) {
      case 'b': out[i] = *p != 0 ? 1.0 : 0.0; break;
      case 'f': out[i] = size == 4 ? static_cast<double>(load<float>(p, swap)) : load<double>(p, swap); break;
      case 'i':
        out[i] = size == 1   ? load<std::int8_t>(p, false)
                 : size == 2 ? load<std::int16_t>(p, swap)
                 : size == 4 ? load<std::int32_t>(p, swap)
                             : static_cast<double>(load<std::int64_t>(p, swap));
        break;
      default:
        out[i] = size == 1   ? load<std::uint8_t>(p, false)
                 : size == 2 ? load<std::uint16_t>(p, swap)
                 : size == 4 ? load<std::uint32_t>(p, swap)
                             : static_cast<double>(load<std::uint64_t>(p, swap));
    }
  }
  return out;
}

std::vector<std::int64_t> array_integers(const PickleValue& value, const std::string& what) {
  check_numeric(value, what, true);
  const std::size_t size = value.dtype.item_size;
  const std::string_view raw = value.bytes();
  const std::size_t n = raw.size() / size;
  const bool swap = value.dtype.byte_order == '>' && size > 1;
  std::vector<std::int64_t> out(n);
  const char* p = raw.data();
  for (std::size_t i = 0; i < n; ++i, p += size) {
    if (value.dtype.kind == 'b') {
      out[i] = *p != 0;
    } else if (value.dtype.kind == 'i') {
      out[i] = size == 1   ? load<std::int8_t>(p, false)
               : size == 2 ? load<std::int16_t>(p, swap)
               : size == 4 ? load<std::int32_t>(p, swap)
                           : load<std::int64_t>(p, swap);
    } else {
      const std::uint64_t u = size == 1   ? load<std::uint8_t>(p, false)
                              : size == 2 ? load<std::uint16_t>(p, swap)
                              : size == 4 ? load<std::uint32_t>(p, swap)
                                          : load<std::uint64_t>(p, swap);
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw Error(what + ": an integer beyond int64");
      out[i] = static_cast<std::int64_t>(u);
    }
  }
  return out;
}

double scalar_number(const PickleValue& value, const std::string& what) {
  switch (value.kind) {
    case Kind::kBool: return value.boolean ? 1.0 : 0.0;
    case Kind::kInt: return static_cast<double>(value.integer);
    case Kind::kFloat: return value.number;
    case Kind::kArray: {
      const std::vector<double> v = array_doubles(value, what);
      if (v.size() == 1) return v[0];
      throw Error(what + ": an array of " + std::to_string(v.size()) + " numbers, not one number");
    }
    default: throw Error(what + ": is a " + value.type_name() + ", not a number");
  }
}

}  // namespace calmon::io
