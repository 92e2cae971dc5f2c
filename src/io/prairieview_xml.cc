// prairieview_xml.cc — a scanner over the tags of PrairieView's XML; see the header.
//
// Only tags matter: text between them is never needed. Each complete tag is read with its
// attributes; a tag, comment or declaration that the text cuts short ends the scan, as
// the end of the text does, and whatever frame was open then is left out.
#include "io/prairieview_xml.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>

#include "core/error.h"
#include "io/file_name_rule.h"

namespace calmon::io {
namespace {

struct Attribute {
  std::string_view name;
  std::string value;  // entities decoded
};

struct Tag {
  std::string_view name;
  bool closing = false;       // </name>
  bool self_closing = false;  // <name ... />
  std::vector<Attribute> attributes;

  const std::string* find(std::string_view attribute) const {
    for (const Attribute& a : attributes) {
      if (a.name == attribute) return &a.value;
    }
    return nullptr;
  }
};

[[noreturn]] void fail(const std::string& what) { throw Error("PrairieView XML: " + what); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string decode_entities(std::string_view raw) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (std::size_t i = 0; i < raw.size();) {
    bool replaced = false;
    if (raw[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (raw.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += raw[i++];
  }
  return out;
}

// The tag between '<' and '>' (both excluded), e.g. `Frame index="1" /`.
Tag parse_tag(std::string_view body) {
  Tag tag;
  const std::string_view whole = body;
  if (!body.empty() && body.front() == '/') {
    tag.closing = true;
    body.remove_prefix(1);
  }
  if (!body.empty() && body.back() == '/') {
    tag.self_closing = true;
    body.remove_suffix(1);
  }
  std::size_t i = 0;
  while (i < body.size() && !is_space(body[i])) ++i;
  tag.name = body.substr(0, i);
  if (tag.name.empty() || (tag.closing && tag.self_closing))
    fail("a malformed tag " + quoted_name("<" + std::string(whole) + ">"));
  while (true) {
    while (i < body.size() && is_space(body[i])) ++i;
    if (i == body.size()) break;
    const std::size_t attribute_start = i;
    while (i < body.size() && body[i] != '=' && !is_space(body[i])) ++i;
    const std::string_view attribute = body.substr(attribute_start, i - attribute_start);
    while (i < body.size() && is_space(body[i])) ++i;
    if (i == body.size() || body[i] != '=') {
      fail("<" + std::string(tag.name) + "> attribute " + quoted_name(attribute) + " has no value");
    }
    ++i;
    while (i < body.size() && is_space(body[i])) ++i;
    if (i == body.size() || (body[i] != '"' && body[i] != '\'')) {
      fail("<" + std::string(tag.name) + "> attribute " + quoted_name(attribute) + " has no quoted value");
    }
    const char quote = body[i++];
    const std::size_t end = body.find(quote, i);
    if (end == std::string_view::npos) {
      fail("<" + std::string(tag.name) + "> attribute " + quoted_name(attribute) + " is not closed");
    }
    tag.attributes.push_back({attribute, decode_entities(body.substr(i, end - i))});
    i = end + 1;
  }
  return tag;
}

// The next complete tag from `pos`, skipping text, comments, <?...?> and <!...>;
// nullopt at the end of the text or where it is cut inside a tag.
std::optional<Tag> next_tag(std::string_view text, std::size_t& pos) {
  while (true) {
    const std::size_t open = text.find('<', pos);
    if (open == std::string_view::npos) return std::nullopt;
    std::string_view end_mark = ">";
    if (text.substr(open, 4) == "<!--") {
      end_mark = "-->";
    } else if (text.substr(open, 2) == "<?") {
      end_mark = "?>";
    }
    std::size_t close;
    if (end_mark == ">") {  // a quoted '>' inside an attribute does not end the tag
      char quote = 0;
      for (close = open + 1; close < text.size(); ++close) {
        const char c = text[close];
        if (quote != 0) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      if (close >= text.size()) return std::nullopt;
    } else {
      close = text.find(end_mark, open);
      if (close == std::string_view::npos) return std::nullopt;
    }
    pos = close + end_mark.size();
    if (end_mark != ">" || text[open + 1] == '!') continue;
    return parse_tag(text.substr(open + 1, close - open - 1));
  }
}

// Where a message says the value came from: `<Frame index="3"> relativeTime`,
// `<PVStateValue key="framePeriod"> value`.
std::string where(const Tag& tag, std::string_view attribute) {
  std::string text = "<" + std::string(tag.name);
  for (const std::string_view name : {"key", "index"}) {
    if (const std::string* value = tag.find(name); value != nullptr && attribute != name) {
      text += " " + std::string(name) + "=" + quoted_name(*value);
    }
  }
  return text + "> " + std::string(attribute);
}

double number_attribute(const Tag& tag, std::string_view attribute, const std::string& value) {
  double number = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, number);
  if (value.empty() || ec != std::errc() || ptr != end) {
    fail(where(tag, attribute) + " is " + quoted_name(value) + ", not a number");
  }
  return number;
}

int positive_int_attribute(const Tag& tag, std::string_view attribute, const std::string& value) {
  int number = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, number);
  if (value.empty() || ec != std::errc() || ptr != end || number < 1) {
    fail(where(tag, attribute) + " is " + quoted_name(value) + ", not a whole number from 1");
  }
  return number;
}

double time_attribute(const Tag& tag, std::string_view attribute) {
  const std::string* value = tag.find(attribute);
  if (value == nullptr) return -1;  // not given
  const double seconds = number_attribute(tag, attribute, *value);
  if (!(seconds >= 0)) fail(where(tag, attribute) + " is " + quoted_name(*value) + ", a negative time");
  return seconds;
}

class Reader {
 public:
  PrairieViewScan read(std::string_view text) {
    std::size_t pos = 0;
    while (const std::optional<Tag> tag = next_tag(text, pos)) {
      if (tag->closing) {
        close(*tag);
      } else {
        open(*tag);
        if (tag->self_closing) close(*tag);
      }
      if (scan_.complete) break;
    }
    // No element yet (an empty file, or one cut before its root): the acquisition has
    // created the XML and not written it yet; no frames, not complete.
    return std::move(scan_);
  }

 private:
  void open(const Tag& tag) {
    if (!seen_root_) {
      if (tag.name != "PVScan") fail("the first element is <" + std::string(tag.name) + ">, not <PVScan>");
      seen_root_ = true;
      if (const std::string* version = tag.find("version")) scan_.version = *version;
      if (const std::string* date = tag.find("date")) scan_.date = *date;
    } else if (tag.name == "Sequence") {
      ++sequences_;
      const std::string* cycle = tag.find("cycle");
      cycle_ = cycle != nullptr ? positive_int_attribute(tag, "cycle", *cycle) : sequences_;
      frames_in_sequence_ = 0;
      if (const std::string* type = tag.find("type"); type != nullptr && scan_.sequence_type.empty()) {
        scan_.sequence_type = *type;
      }
    } else if (tag.name == "Frame") {
      open_frame(tag);
    } else if (tag.name == "File" && in_frame_) {
      const std::string* channel = tag.find("channel");
      const std::string* filename = tag.find("filename");
      if (channel == nullptr) fail("<File> in frame " + frame_name() + " has no channel");
      if (filename == nullptr || filename->empty()) fail("<File> in frame " + frame_name() + " has no filename");
      PrairieViewFile file;
      file.channel = positive_int_attribute(tag, "channel", *channel);
      if (const std::string* name = tag.find("channelName")) file.channel_name = *name;
      file.filename = *filename;
      frame_.files.push_back(std::move(file));
    } else if (tag.name == "PVStateValue" || tag.name == "Key") {
      state_value(tag);
    }
    if (!tag.self_closing) stack_.push_back(std::string(tag.name));
  }

  void close(const Tag& tag) {
    if (!tag.self_closing) {
      if (stack_.empty() || stack_.back() != tag.name) {
        fail("</" + std::string(tag.name) + "> closes <" + (stack_.empty() ? std::string() : stack_.back()) + ">");
      }
      stack_.pop_back();
    }
    if (tag.name == "Frame") close_frame();
    if (tag.name == "PVScan") scan_.complete = true;
  }

  void open_frame(const Tag& tag) {
    if (in_frame_) fail("<Frame> inside frame " + frame_name());
    in_frame_ = true;
    ++frames_in_sequence_;
    frame_ = PrairieViewFrame{};
    frame_.cycle = cycle_ > 0 ? cycle_ : 1;
    const std::string* index = tag.find("index");
    frame_.index = index != nullptr ? positive_int_attribute(tag, "index", *index) : frames_in_sequence_;
    const double relative = time_attribute(tag, "relativeTime");
    const double absolute = time_attribute(tag, "absoluteTime");
    frame_.relative_time_s = relative >= 0 ? relative : 0;
    frame_.absolute_time_s = absolute >= 0 ? absolute : frame_.relative_time_s;
  }

  void close_frame() {
    in_frame_ = false;
    if (frame_.files.empty()) fail("frame " + frame_name() + " has no <File>");
    std::vector<int> channels;
    for (const PrairieViewFile& file : frame_.files) channels.push_back(file.channel);
    std::sort(channels.begin(), channels.end());
    if (std::adjacent_find(channels.begin(), channels.end()) != channels.end()) {
      fail("frame " + frame_name() + " names a channel twice");
    }
    if (scan_.frames.empty()) {
      scan_.channels = channels;
    } else {
      if (channels != scan_.channels) {
        fail("frame " + frame_name() + " has " + channel_list(channels) + ", the first frame " +
             channel_list(scan_.channels));
      }
      const PrairieViewFrame& previous = scan_.frames.back();
      if (frame_.cycle < previous.cycle || (frame_.cycle == previous.cycle && frame_.index <= previous.index)) {
        fail("frame " + frame_name() + " (cycle/index) does not come after frame " + std::to_string(previous.cycle) +
             "/" + std::to_string(previous.index));
      }
    }
    scan_.frames.push_back(std::move(frame_));
    frame_ = PrairieViewFrame{};
  }

  // <PVStateValue key="pixelsPerLine" value="512"/> (version 5) or <Key key=... value=...> (4.x).
  void state_value(const Tag& tag) {
    const std::string* key = tag.find("key");
    const std::string* value = tag.find("value");
    if (key == nullptr || value == nullptr) return;  // an indexed value: its parts follow
    if (*key == "framePeriod") {
      const double period = number_attribute(tag, "value", *value);
      if (!(period > 0)) fail(where(tag, "value") + " is " + quoted_name(*value) + ", not above 0");
      if (scan_.frame_period_s == 0) scan_.frame_period_s = period;  // the scan's, then each frame's own
    } else if (*key == "pixelsPerLine") {
      set_size(scan_.pixels_per_line, tag, "value", *value);
    } else if (*key == "linesPerFrame") {
      set_size(scan_.lines_per_frame, tag, "value", *value);
    }
  }

  void set_size(int& size, const Tag& tag, std::string_view attribute, const std::string& value) {
    const int given = positive_int_attribute(tag, attribute, value);
    if (size != 0 && size != given) {
      fail(where(tag, attribute) + " is " + quoted_name(value) + ", but was " + std::to_string(size) + " before");
    }
    size = given;
  }

  std::string frame_name() const { return std::to_string(frame_.cycle) + "/" + std::to_string(frame_.index); }

  static std::string channel_list(const std::vector<int>& channels) {
    std::string text = "channels";
    for (const int c : channels) text += " " + std::to_string(c);
    return text;
  }

  PrairieViewScan scan_;
  std::vector<std::string> stack_;
  bool seen_root_ = false;
  int sequences_ = 0;
  int cycle_ = 0;
  int frames_in_sequence_ = 0;
  bool in_frame_ = false;
  PrairieViewFrame frame_;
};

}  // namespace

PrairieViewScan parse_prairieview_xml(std::string_view text) { return Reader().read(text); }

}  // namespace calmon::io
