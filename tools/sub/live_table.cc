// live_table.cc — the table, drawn with ANSI escapes; see the header.
#include "live_table.h"

#include <algorithm>
#include <cmath>

#include "motion_text.h"

namespace calmon::sub_tool {
namespace {

constexpr const char* kHideCursor = "\x1b[?25l";
constexpr const char* kShowCursor = "\x1b[?25h";
constexpr const char* kClearBelow = "\x1b[J";

std::string fixed(double value, const char* format) {
  if (!std::isfinite(value)) return "nan";
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// Characters on screen, for UTF-8 text: every byte but continuation bytes (10xxxxxx).
std::size_t screen_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pad_right(const std::string& text, std::size_t width) {
  const std::size_t used = screen_width(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

std::string pad_left(const std::string& text, std::size_t width) {
  const std::size_t used = screen_width(text);
  return used >= width ? text : std::string(width - used, ' ') + text;
}

}  // namespace

LiveTable::LiveTable(const RoiColumns& columns, bool show_settled, double rate_hz, std::string endpoint, std::FILE* out)
    : columns_(columns),
      show_settled_(show_settled),
      interval_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate_hz))),
      endpoint_(std::move(endpoint)),
      out_(out) {
  std::fputs(kHideCursor, out_);
  cursor_hidden_ = true;
}

LiveTable::~LiveTable() {
  if (cursor_hidden_) {
    std::fputs(kShowCursor, out_);
    std::fflush(out_);
  }
}

void LiveTable::on_roi_set(const pb::RoiSetInfo&) { dirty_ = true; }

void LiveTable::on_status(const pb::Status& status) {
  status_ = status;
  dirty_ = true;
}

void LiveTable::on_update(const pb::TraceUpdate& update) {
  if (carries_live_values(update)) {
    shown_ = columns_.columns(update.roi_set_version(), static_cast<std::size_t>(update.dff_size()));
    for (const Column& column : shown_) {
      Row& row = rows_[column.label];
      row.live = update.dff(static_cast<int>(column.index));
      row.recent.add(row.live);
    }
    latest_ = update;
    ended_ = false;
  }
  for (const pb::SettledValues& settled : update.settled()) {
    for (const Column& column :
         columns_.columns(settled.roi_set_version(), static_cast<std::size_t>(settled.dff_size()))) {
      rows_[column.label].settled = settled.dff(static_cast<int>(column.index));
    }
    settled_frame_ = settled.frame_index();
  }
  if (update.end_of_stream()) ended_ = true;
  dirty_ = true;
}

Display::Clock::duration LiveTable::refresh(Clock::time_point now) {
  const Clock::time_point due = last_draw_ + interval_;
  if (!dirty_) return interval_;
  if (now < due) return due - now;
  draw();
  last_draw_ = now;
  return interval_;
}

void LiveTable::finish() {
  if (dirty_) draw();
  std::fputs(kShowCursor, out_);
  std::fflush(out_);
  cursor_hidden_ = false;
}

std::string LiveTable::status_line() const {
  std::string line = "calmon-sub \u2190 " + endpoint_;
  if (!status_) return line + " \u00b7 waiting for calmond\u2026";
  line += status_->streaming() ? " \u00b7 streaming" : " \u00b7 idle";
  line += " \u00b7 " + fixed(status_->frame_rate_hz(), "%.1f") + " frames/s";
  line += " \u00b7 latency p50 " + fixed(status_->latency_p50_us() / 1000.0, "%.2f") + " ms, max " +
          fixed(status_->latency_max_us() / 1000.0, "%.2f") + " ms";
  if (status_->missing_frames() > 0) line += " \u00b7 " + std::to_string(status_->missing_frames()) + " frames missing";
  return line;
}

void LiveTable::draw() {
  std::vector<std::string> lines{status_line()};
  if (latest_) {
    std::string frame = "frame " + std::to_string(latest_->frame_index()) +
                        (latest_->has_time_s() ? " \u00b7 " + fixed(latest_->time_s(), "%.3f") + " s" : std::string()) +
                        " \u00b7 sequence " + std::to_string(latest_->sequence()) + " \u00b7 ROI set " +
                        std::to_string(latest_->roi_set_version());
    if (latest_->has_motion()) frame += " \u00b7 " + motion_table_text(latest_->motion());
    if (show_settled_ && settled_frame_) frame += " \u00b7 settled up to frame " + std::to_string(*settled_frame_);
    if (ended_) frame += " \u00b7 end of stream";
    lines.push_back(frame);
    std::size_t label_width = 3;
    for (const Column& column : shown_) label_width = std::max(label_width, screen_width(column.label));
    std::string header = pad_right("ROI", label_width) + "  " + pad_left("\u0394F/F\u2080 live", 11);
    if (show_settled_) header += "  " + pad_left("\u0394F/F\u2080 settled", 14);
    lines.push_back(header + "  recent \u0394F/F\u2080");
    for (const Column& column : shown_) {
      const Row& row = rows_[column.label];
      std::string line = pad_right(column.label, label_width) + "  " + pad_left(fixed(row.live, "%+.4f"), 11);
      if (show_settled_) line += "  " + pad_left(row.settled ? fixed(*row.settled, "%+.4f") : "-", 14);
      lines.push_back(line + "  " + row.recent.render());
    }
  }
  std::string text;
  if (drawn_lines_ > 0) text += "\x1b[" + std::to_string(drawn_lines_) + "F";  // back to the first line drawn
  text += kClearBelow;
  for (const std::string& line : lines) text += line + "\n";
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
  drawn_lines_ = static_cast<int>(lines.size());
  dirty_ = false;
}

}  // namespace calmon::sub_tool
