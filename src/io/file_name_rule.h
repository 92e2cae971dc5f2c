// file_name_rule.h — the one rule for names that become file names.
//
// Some names come from a config or over the wire and end up in the name of a file: a
// projection's name (<name>_<stat>.npy in calmon-analyze's --out folder, in calmond's
// snapshots and so in a recording), the name of each image of a ProjectionSnapshot
// (calmon-record writes <name>.npy and <name>.tif). Such a name must never lead out of
// the output folder ("../x", "/etc/x"), hide a file (".x"), be cut short by a NUL byte or
// be unwritable on a common file system, so every one of them must be 1 to 100
// characters of A-Z, a-z, 0-9, '.', '_' and '-', not starting with '.'. Config files are
// checked when they are loaded; calmon-record skips, with a warning, an image whose name
// breaks the rule.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace calmon::io {

inline constexpr std::size_t kMaxFileNameChars = 100;

// The rule, for messages.
inline constexpr std::string_view kFileNameRule = "1 to 100 characters of A-Z a-z 0-9 . _ -, not starting with '.'";

bool is_valid_file_name(std::string_view name);

// `name` in double quotes for a message: bytes other than printable ASCII as \xNN, and
// only the first 60 characters, so that any name fits on one line.
std::string quoted_name(std::string_view name);

}  // namespace calmon::io
