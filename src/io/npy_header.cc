// npy_header.cc — the .npy preamble and header dict parsed by hand; see the header.
//
// The dict is scanned left to right by a cursor that takes one token at a time (a quoted
// string, a word, a number, a punctuation mark), skipping the spaces between them. Each
// of the three keys numpy writes must appear, and no other.
#include "io/npy_header.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "io/read_only_file.h"

namespace calmon::io::detail {
namespace {

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes and a terminating NUL
// A plain array's header is about 128 bytes; a 4-byte length could ask for 4 GiB, which is
// not allocated. (numpy's own np.load stops at 10000 bytes unless told otherwise.)
constexpr std::uint64_t kMaxHeaderBytes = 1 << 20;

// One token at a time from the dict's text.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  // Takes `c` (after any spaces) if it comes next.
  bool take(char c) {
    skip_spaces();
    if (text_.empty() || text_.front() != c) return false;
    text_.remove_prefix(1);
    return true;
  }
  bool next_is(char c) {
    skip_spaces();
    return !text_.empty() && text_.front() == c;
  }
  // A string in single or double quotes (numpy writes no escapes in a plain dtype). A
  // control character, which Python does not allow there, ends it: nothing but one line
  // of text goes from a file into a message.
  std::optional<std::string_view> quoted() {
    skip_spaces();
    if (text_.empty() || (text_.front() != '\'' && text_.front() != '"')) return std::nullopt;
    const std::size_t end = text_.find(text_.front(), 1);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view value = text_.substr(1, end - 1);
    if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      return std::nullopt;
    }
    text_.remove_prefix(end + 1);
    return value;
  }
  std::optional<bool> boolean() {
    skip_spaces();
    for (const bool value : {true, false}) {
      const std::string_view word = value ? "True" : "False";
      if (text_.starts_with(word)) {
        text_.remove_prefix(word.size());
        return value;
      }
    }
    return std::nullopt;
  }
  // A whole number; Python 2's long suffix 'L' (old numpy files) is taken too.
  std::optional<std::size_t> number() {
    skip_spaces();
    std::size_t value = 0;
    const auto [rest, error] = std::from_chars(text_.data(), text_.data() + text_.size(), value);
    if (error != std::errc()) return std::nullopt;
    text_.remove_prefix(static_cast<std::size_t>(rest - text_.data()));
    if (text_.starts_with('L')) text_.remove_prefix(1);
    return value;
  }

 private:
  void skip_spaces() {
    while (!text_.empty() && (text_.front() == ' ' || text_.front() == '\t' || text_.front() == '\n')) {
      text_.remove_prefix(1);
    }
  }
  std::string_view text_;
};

// Items of a parenthesized, comma-separated list, with a trailing comma or not:
// `item()` reads one and returns false if it cannot.
template <class ReadItem> bool read_tuple(Cursor& cursor, ReadItem item) {
  if (!cursor.take('(')) return false;
  while (!cursor.take(')')) {
    if (!item()) return false;
    if (!cursor.take(',') && !cursor.next_is(')')) return false;
  }
  return true;
}

}  // namespace

std::string npy_shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

NpyHeader read_npy_header(int fd, const std::string& path, const std::string& not_what) {
  const auto not_npy = [&](const std::string& why) { return Error(path + ": " + not_what + " (" + why + ")"); };
  const auto cannot_read = [&]() { return Error(path + ": cannot read: " + std::strerror(errno)); };
  struct stat status {};
  if (::fstat(fd, &status) != 0) throw cannot_read();
  NpyHeader header;
  header.file_bytes = static_cast<std::uint64_t>(status.st_size);

  unsigned char preamble[12] = {};  // magic, version, header length (2 or 4 bytes)
  if (!read_at(fd, 0, reinterpret_cast<std::byte*>(preamble), 10)) {
    if (errno != 0) throw cannot_read();
    throw not_npy("no .npy magic");
  }
  if (std::memcmp(preamble, kMagic, 6) != 0) throw not_npy("no .npy magic");
  header.major_version = preamble[6];
  header.minor_version = preamble[7];
  if (header.major_version < 1 || header.major_version > 3 || header.minor_version != 0) {
    throw not_npy("format version " + std::to_string(header.major_version) + "." +
                  std::to_string(header.minor_version) + ", not 1.0, 2.0 or 3.0");
  }
  std::uint64_t header_len = preamble[8] | (std::uint64_t{preamble[9]} << 8);
  std::uint64_t preamble_bytes = 10;
  if (header.major_version >= 2) {  // a uint32 length
    if (!read_at(fd, 10, reinterpret_cast<std::byte*>(preamble) + 10, 2)) throw not_npy("the header is cut short");
    header_len |= (std::uint64_t{preamble[10]} << 16) | (std::uint64_t{preamble[11]} << 24);
    preamble_bytes = 12;
  }
  if (header_len > kMaxHeaderBytes) {
    throw not_npy("a header of " + std::to_string(header_len) + " bytes; at most " + std::to_string(kMaxHeaderBytes) +
                  " are read");
  }
  header.data_offset = preamble_bytes + header_len;
  if (header.data_offset > header.file_bytes) throw not_npy("the header is cut short");
  std::string dict(header_len, '\0');
  if (!read_at(fd, preamble_bytes, reinterpret_cast<std::byte*>(dict.data()), dict.size())) {
    if (errno != 0) throw cannot_read();
    throw not_npy("the header is cut short");
  }

  Cursor cursor(dict);
  bool has_descr = false, has_order = false, has_shape = false;
  if (!cursor.take('{')) throw not_npy("the header is not a Python dict");
  while (!cursor.take('}')) {
    const std::optional<std::string_view> key = cursor.quoted();
    if (!key || !cursor.take(':')) throw not_npy("the header is not a Python dict");
    if (*key == "descr") {
      if (cursor.next_is('[')) throw not_npy("a structured dtype");
      const std::optional<std::string_view> descr = cursor.quoted();
      if (!descr) throw not_npy("its descr is not a dtype string");
      header.descr = std::string(*descr);
      has_descr = true;
    } else if (*key == "fortran_order") {
      const std::optional<bool> order = cursor.boolean();
      if (!order) throw not_npy("its fortran_order is not True or False");
      header.fortran_order = *order;
      has_order = true;
    } else if (*key == "shape") {
      const bool read = read_tuple(cursor, [&] {
        const std::optional<std::size_t> size = cursor.number();
        if (size) header.shape.push_back(*size);
        return size.has_value();
      });
      if (!read) throw not_npy("its shape is not a tuple of sizes");
      has_shape = true;
    } else {
      throw not_npy("the header has an unknown key '" + std::string(*key) + "'");
    }
    if (!cursor.take(',') && !cursor.next_is('}')) throw not_npy("the header is not a Python dict");
  }
  if (!has_descr || !has_order || !has_shape) {
    throw not_npy(std::string("the header has no '") +
                  (!has_descr   ? "descr"
                   : !has_order ? "fortran_order"
                                : "shape") +
                  "'");
  }
  return header;
}

}  // namespace calmon::io::detail
