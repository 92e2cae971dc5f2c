// plain_lines.cc — key=value lines; see the header.
#include "plain_lines.h"

#include "core/format_number.h"
#include "motion_text.h"

namespace calmon::sub_tool {
namespace {

template <class Values> std::string values_text(const std::vector<Column>& columns, const Values& values) {
  std::string text;
  for (const Column& column : columns)
    text += " " + column.label + "=" + format_number(values[static_cast<int>(column.index)]);
  return text;
}

}  // namespace

void PlainLines::on_roi_set(const pb::RoiSetInfo& info) {
  std::string names;
  for (const pb::RoiInfo& roi : info.rois()) names += (names.empty() ? "" : ", ") + roi.name();
  const auto [announced, first_time] = announced_.try_emplace(info.version(), names);
  if (!first_time && announced->second == names) return;
  announced->second = names;
  std::fprintf(out_, "# ROI set %u: %s\n", info.version(), names.empty() ? "no ROIs" : names.c_str());
  std::fflush(out_);
}

void PlainLines::on_update(const pb::TraceUpdate& update) {
  if (carries_live_values(update)) {
    const std::vector<Column> columns =
        columns_.columns(update.roi_set_version(), static_cast<std::size_t>(update.dff_size()));
    const std::string time = update.has_time_s() ? " t=" + format_number(update.time_s()) : std::string();
    const std::string motion = update.has_motion() ? " " + motion_plain_text(update.motion()) : std::string();
    std::fprintf(out_, "frame=%lld seq=%llu%s%s%s\n", static_cast<long long>(update.frame_index()),
                 static_cast<unsigned long long>(update.sequence()), time.c_str(), motion.c_str(),
                 values_text(columns, update.dff()).c_str());
  }
  if (show_settled_) {
    for (const pb::SettledValues& row : update.settled()) {
      const std::vector<Column> columns =
          columns_.columns(row.roi_set_version(), static_cast<std::size_t>(row.dff_size()));
      std::fprintf(out_, "settled frame=%lld seq=%llu%s\n", static_cast<long long>(row.frame_index()),
                   static_cast<unsigned long long>(row.sequence()), values_text(columns, row.dff()).c_str());
    }
  }
  if (update.end_of_stream()) {
    std::fprintf(out_, "# end of stream after %lld frames\n", static_cast<long long>(update.frame_index()));
  }
  std::fflush(out_);
}

}  // namespace calmon::sub_tool
