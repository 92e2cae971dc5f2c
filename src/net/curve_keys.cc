// curve_keys.cc — key pairs from libzmq, certificate files written and parsed; see the header.
#include "net/curve_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"

namespace calmon::net {

namespace {

constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
constexpr std::size_t kMaxCertificateBytes = 64 * 1024;
constexpr std::size_t kIndent = 4;  // ZPL: four spaces per level

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("$-_@.&+/").find(c) != std::string_view::npos;
}

bool is_z85_char(char c) { return kZ85Alphabet.find(c) != std::string_view::npos; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string line_error(std::size_t line, const std::string& problem) {
  return "line " + std::to_string(line) + ": " + problem;
}

// Checks that `value` is a 32-byte key in Z85; returns it.
std::string checked_key(const std::string& value, std::string_view name, std::size_t line) {
  const bool z85 = value.size() == kZ85KeyLength && std::all_of(value.begin(), value.end(), is_z85_char);
  std::uint8_t binary[32];
  if (!z85 || zmq_z85_decode(binary, value.c_str()) == nullptr) {
    throw Error(line_error(line, std::string(name) + " is not a CURVE key (40 characters of Z85), got '" +
                                     value.substr(0, 48) + (value.size() > 48 ? "...'" : "'")));
  }
  return value;
}

// One content line after its indentation: NAME [= VALUE] [# comment].
struct Property {
  std::string name;
  std::string value;
};

Property parse_property(std::string_view text, std::size_t line) {
  std::size_t at = 0;
  while (at < text.size() && is_name_char(text[at])) ++at;
  Property property{std::string(text.substr(0, at)), {}};
  if (property.name.empty()) throw Error(line_error(line, "expected a name, got '" + std::string(text) + "'"));
  while (at < text.size() && is_blank(text[at])) ++at;
  if (at == text.size() || text[at] == '#') return property;
  if (text[at] != '=') {
    throw Error(
        line_error(line, "expected '=' after '" + property.name + "', got '" + std::string(text.substr(at)) + "'"));
  }
  ++at;
  while (at < text.size() && is_blank(text[at])) ++at;
  if (at < text.size() && (text[at] == '"' || text[at] == '\'')) {
    const char quote = text[at];
    const std::size_t close = text.find(quote, at + 1);
    if (close == std::string_view::npos) {
      throw Error(line_error(line, "the value of '" + property.name + "' has no closing quote"));
    }
    property.value = std::string(text.substr(at + 1, close - at - 1));
    at = close + 1;
    while (at < text.size() && is_blank(text[at])) ++at;
    if (at < text.size() && text[at] != '#') {
      throw Error(line_error(line, "unexpected text after the quoted value of '" + property.name + "'"));
    }
    return property;
  }
  const std::size_t end = std::min(text.find('#', at), text.size());
  std::string_view value = text.substr(at, end - at);
  while (!value.empty() && is_blank(value.back())) value.remove_suffix(1);
  property.value = std::string(value);
  return property;
}

std::string read_small_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string() + ": cannot read it: " + std::strerror(errno));
  std::string text;
  text.resize(kMaxCertificateBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxCertificateBytes) throw Error(file.string() + ": larger than 64 KiB, not a key file");
  return text;
}

CertificateKeys parse_file(const std::filesystem::path& file) {
  const std::string text = read_small_file(file);
  try {
    return parse_certificate(text);
  } catch (const Error& e) {
    throw Error(file.string() + ": " + e.what());
  }
}

std::string certificate_text(std::string_view comment, std::string_view what, const CurveKeyPair& keys,
                             bool with_secret) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &local);
  std::ostringstream text;
  text << "#   " << comment << ", " << date << "\n"
       << "#   " << what << "\n\n"
       << "metadata\n"
       << "curve\n"
       << "    public-key = \"" << keys.public_key << "\"\n";
  if (with_secret) text << "    secret-key = \"" << keys.secret_key << "\"\n";
  return text.str();
}

void write_new_file(const std::filesystem::path& file, const std::string& text, mode_t mode) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw Error(file.string() + ": cannot create it: " + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int saved_errno = errno;
  if (::close(fd) != 0 || !written) {
    throw Error(file.string() + ": cannot write it: " + std::strerror(written ? errno : saved_errno));
  }
}

}  // namespace

void require_curve_support() {
  if (zmq_has("curve") == 0) {
    throw Error("this libzmq cannot do CURVE (it was built without libsodium); Debian 12's libzmq5 can");
  }
}

CurveKeyPair generate_curve_key_pair() {
  require_curve_support();
  char public_key[kZ85KeyLength + 1];
  char secret_key[kZ85KeyLength + 1];
  if (zmq_curve_keypair(public_key, secret_key) != 0) {
    throw Error(std::string("cannot make a CURVE key pair: ") + zmq_strerror(zmq_errno()));
  }
  return {public_key, secret_key};
}

KeyPairFiles write_curve_key_pair(const std::filesystem::path& base, const CurveKeyPair& keys,
                                  std::string_view comment) {
  KeyPairFiles files{base.string() + ".key", base.string() + ".key_secret"};
  for (const auto& file : {files.public_file, files.secret_file}) {
    if (std::filesystem::exists(std::filesystem::symlink_status(file))) {
      throw Error(file.string() + ": exists already; keys are never overwritten (remove it, or pick another name)");
    }
  }
  const std::string secret_text =
      certificate_text(comment, "CURVE secret key: keep it private (mode 0600), never hand it out", keys, true);
  const std::string public_text =
      certificate_text(comment, "CURVE public key: hand it to the peers that must know this one", keys, false);
  write_new_file(files.secret_file, secret_text, S_IRUSR | S_IWUSR);
  write_new_file(files.public_file, public_text, S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH);
  return files;
}

CertificateKeys parse_certificate(std::string_view text) {
  CertificateKeys keys;
  std::vector<std::string> path;  // the names enclosing the current line
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto is_control = [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; };
    if (std::any_of(line.begin(), line.end(), is_control)) {
      throw Error(line_error(line_number, "a control character: not a text file"));
    }
    std::size_t spaces = 0;
    while (spaces < line.size() && line[spaces] == ' ') ++spaces;
    const std::string_view content = line.substr(spaces);
    if (content.empty() || content.front() == '#') continue;
    if (content.front() == '\t') {
      throw Error(line_error(line_number, "indented with a tab; ZPL indents with four spaces"));
    }
    if (spaces % kIndent != 0) {
      throw Error(
          line_error(line_number, "indented by " + std::to_string(spaces) + " spaces; ZPL indents by four per level"));
    }
    const std::size_t level = spaces / kIndent;
    if (level > path.size()) throw Error(line_error(line_number, "indented deeper than the line it belongs to"));
    Property property = parse_property(content, line_number);
    path.resize(level);
    path.push_back(property.name);
    if (path.size() != 2 || path[0] != "curve") continue;
    std::optional<std::string>* key = path[1] == "public-key"   ? &keys.public_key
                                      : path[1] == "secret-key" ? &keys.secret_key
                                                                : nullptr;
    if (key == nullptr) continue;
    if (key->has_value()) throw Error(line_error(line_number, "a second " + path[1]));
    *key = checked_key(property.value, path[1], line_number);
  }
  return keys;
}

std::string load_curve_public_key(const std::filesystem::path& file) {
  const CertificateKeys keys = parse_file(file);
  if (keys.secret_key) {
    throw Error(file.string() + ": holds a secret key; give the public key file (NAME.key), and keep this one private");
  }
  if (!keys.public_key) throw Error(file.string() + ": no public-key in a curve section: not a CURVE public key file");
  return *keys.public_key;
}

CurveKeyPair load_curve_secret_key(const std::filesystem::path& file) {
  const CertificateKeys keys = parse_file(file);
  if (!keys.secret_key) {
    throw Error(file.string() + ": no secret-key in a curve section: give the secret key file (NAME.key_secret)");
  }
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) throw Error(file.string() + ": cannot read it: " + std::strerror(errno));
  if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    throw Error(file.string() + ": a secret key must be private, but group or others may access it (mode " + mode +
                "); chmod 600 " + file.string());
  }
  if (!keys.public_key) throw Error(file.string() + ": no public-key in its curve section");
  char derived[kZ85KeyLength + 1];
  require_curve_support();
  if (zmq_curve_public(derived, keys.secret_key->c_str()) != 0 || *keys.public_key != derived) {
    throw Error(file.string() + ": its public-key is not the one of its secret-key");
  }
  return {*keys.public_key, *keys.secret_key};
}

std::vector<std::string> load_curve_public_keys(const std::filesystem::path& folder) {
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    throw Error(folder.string() + ": not a folder (of client public keys, NAME.key)");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    std::error_code not_a_file;
    if (entry.path().extension() == ".key" && entry.is_regular_file(not_a_file)) files.push_back(entry.path());
  }
  if (error) throw Error(folder.string() + ": cannot list it: " + error.message());
  std::set<std::string> keys;
  for (const auto& file : files) keys.insert(load_curve_public_key(file));
  if (keys.empty()) throw Error(folder.string() + ": no public key files (NAME.key) in it: no client could connect");
  return {keys.begin(), keys.end()};
}

std::string z85_key(std::string_view binary_key) {
  if (binary_key.size() != 32) return "(not a 32-byte key)";
  char text[kZ85KeyLength + 1];
  zmq_z85_encode(text, reinterpret_cast<const std::uint8_t*>(binary_key.data()), binary_key.size());
  return text;
}

}  // namespace calmon::net
