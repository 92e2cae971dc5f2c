// frame_file_order.cc — PrairieView's names, globs and natural order; see the header.
#include "io/frame_file_order.h"

#include <algorithm>
#include <charconv>

namespace calmon::io {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool ends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

// The number at the start of `text` (digits only, at least one, no overflow), moving past it.
template <typename Number> std::optional<Number> take_number(std::string_view& text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) ++digits;
  Number value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (digits == 0 || ec != std::errc()) return std::nullopt;
  text.remove_prefix(digits);
  return value;
}

bool take(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// Fills missing_before along a list already in order.
void mark_gaps(std::vector<FrameFile>& files) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    FrameFile& file = files[i];
    const bool same_cycle = i > 0 && files[i - 1].cycle == file.cycle;
    const std::uint64_t previous = same_cycle ? files[i - 1].index : 0;
    file.missing_before = file.index > previous + 1 ? file.index - previous - 1 : 0;
  }
}

}  // namespace

std::optional<FrameFile> parse_prairieview_frame_name(std::string_view name) {
  std::string_view rest = name;
  if (ends_with(rest, ".ome.tif")) {
    rest.remove_suffix(8);
  } else if (ends_with(rest, ".tif")) {
    rest.remove_suffix(4);
  } else {
    return std::nullopt;
  }
  const std::size_t cycle_at = rest.rfind("_Cycle");
  if (cycle_at == std::string_view::npos) return std::nullopt;
  rest.remove_prefix(cycle_at + 6);
  FrameFile file;
  file.name = std::string(name);
  const auto cycle = take_number<std::uint32_t>(rest);
  if (!cycle) return std::nullopt;
  // PrairieView 4 put the parameter set's name between them: "_Cycle001_CurrentSettings_Ch1_".
  const std::size_t channel_at = rest.rfind("_Ch");
  if (channel_at == std::string_view::npos || (channel_at > 0 && rest[0] != '_')) return std::nullopt;
  rest.remove_prefix(channel_at);
  if (!take(rest, "_Ch")) return std::nullopt;
  const auto channel = take_number<std::uint32_t>(rest);
  if (!channel || !take(rest, "_")) return std::nullopt;
  const auto index = take_number<std::uint64_t>(rest);
  if (!index || !rest.empty()) return std::nullopt;
  file.cycle = *cycle;
  file.channel = *channel;
  file.index = *index;
  return file;
}

std::vector<FrameFile> prairieview_channel_files(std::span<const std::string> listing, std::uint32_t channel) {
  std::vector<FrameFile> files;
  for (const std::string& name : listing) {
    std::optional<FrameFile> file = parse_prairieview_frame_name(name);
    if (file && file->channel == channel) files.push_back(std::move(*file));
  }
  std::sort(files.begin(), files.end(), [](const FrameFile& a, const FrameFile& b) {
    if (a.cycle != b.cycle) return a.cycle < b.cycle;
    if (a.index != b.index) return a.index < b.index;
    return a.name < b.name;  // ".tif" and ".ome.tif" of one frame: a stable order all the same
  });
  mark_gaps(files);
  return files;
}

bool glob_matches(std::string_view pattern, std::string_view name) {
  // Greedy with one backtrack point, the last '*' seen: linear in practice, never exponential.
  std::size_t p = 0, n = 0;
  std::size_t star = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t i_end = i, j_end = j;
      while (i_end < a.size() && is_digit(a[i_end])) ++i_end;
      while (j_end < b.size() && is_digit(b[j_end])) ++j_end;
      std::size_t i_first = i, j_first = j;  // past leading zeros
      while (i_first + 1 < i_end && a[i_first] == '0') ++i_first;
      while (j_first + 1 < j_end && b[j_first] == '0') ++j_first;
      const std::string_view x = a.substr(i_first, i_end - i_first), y = b.substr(j_first, j_end - j_first);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if (i < a.size() || j < b.size()) return j < b.size();  // the shorter rest comes first
  return a < b;
}

std::vector<FrameFile> glob_frame_files(std::span<const std::string> listing, std::string_view pattern) {
  std::vector<FrameFile> files;
  for (const std::string& name : listing) {
    if (!glob_matches(pattern, name)) continue;
    FrameFile file;
    file.name = name;
    std::size_t end = name.size();
    while (end > 0 && !is_digit(name[end - 1])) --end;
    std::size_t start = end;
    while (start > 0 && is_digit(name[start - 1])) --start;
    std::string_view digits = std::string_view(name).substr(start, end - start);
    if (const auto index = take_number<std::uint64_t>(digits)) file.index = *index;
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(),
            [](const FrameFile& a, const FrameFile& b) { return natural_less(a.name, b.name); });
  mark_gaps(files);
  for (FrameFile& file : files) {
    if (file.index == 0) file.missing_before = 0;
  }
  return files;
}

namespace {

// Where the last run of digits before the extension is, as [begin, end); nullopt if none
// (or longer than 19 digits).
std::optional<std::pair<std::size_t, std::size_t>> counter_digits(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  const std::size_t base = slash == std::string_view::npos ? 0 : slash + 1;
  const std::size_t dot = name.find('.', base);
  std::size_t end = dot == std::string_view::npos ? name.size() : dot;
  while (end > base && !is_digit(name[end - 1])) --end;
  std::size_t begin = end;
  while (begin > base && is_digit(name[begin - 1])) --begin;
  if (begin == end || end - begin > 19) return std::nullopt;
  return std::make_pair(begin, end);
}

std::string replace_digits(std::string_view name, std::pair<std::size_t, std::size_t> at, std::uint64_t number) {
  std::string digits = std::to_string(number);
  const std::size_t width = at.second - at.first;
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return std::string(name.substr(0, at.first)) + digits + std::string(name.substr(at.second));
}

}  // namespace

std::optional<std::string> next_series_file_name(std::string_view name) {
  const auto at = counter_digits(name);
  if (!at) return std::nullopt;
  std::uint64_t number = 0;
  for (std::size_t i = at->first; i < at->second; ++i) number = number * 10 + static_cast<std::uint64_t>(name[i] - '0');
  return replace_digits(name, *at, number + 1);
}

std::optional<std::string> file_name_with_number(std::string_view name, std::uint64_t number) {
  const auto at = counter_digits(name);
  if (!at) return std::nullopt;
  return replace_digits(name, *at, number);
}

}  // namespace calmon::io
