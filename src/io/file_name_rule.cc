// file_name_rule.cc — the rule and the quoting; see the header.
#include "io/file_name_rule.h"

#include <cstdio>

namespace calmon::io {
namespace {

constexpr std::size_t kMaxQuotedChars = 60;

bool allowed_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

}  // namespace

bool is_valid_file_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFileNameChars || name.front() == '.') return false;
  for (const char c : name) {
    if (!allowed_char(c)) return false;
  }
  return true;
}

std::string quoted_name(std::string_view name) {
  std::string text = "\"";
  for (std::size_t i = 0; i < name.size() && i < kMaxQuotedChars; ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte < 0x20 || byte >= 0x7f || byte == '"' || byte == '\\') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      text += escaped;
    } else {
      text += static_cast<char>(byte);
    }
  }
  if (name.size() > kMaxQuotedChars) text += "...";
  return text + "\"";
}

}  // namespace calmon::io
