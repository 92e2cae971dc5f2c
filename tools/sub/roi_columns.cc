// roi_columns.cc — names to column indices, per ROI-set version; see the header.
#include "roi_columns.h"

#include <algorithm>

#include "core/error.h"

namespace calmon::sub_tool {
namespace {

std::vector<std::string> names_of(const pb::RoiSetInfo& info) {
  std::vector<std::string> names;
  for (const pb::RoiInfo& roi : info.rois()) names.push_back(roi.name());
  return names;
}

std::string listing(const std::vector<std::string>& names) {
  if (names.empty()) return "no ROIs";
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

std::vector<std::string> RoiColumns::on_roi_set(const pb::RoiSetInfo& info) {
  std::vector<std::string> notes;
  const std::vector<std::string> names = names_of(info);
  names_[info.version()] = names;
  if (warned_[info.version()]) return notes;
  for (const std::string& name : wanted_) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      notes.push_back("ROI set " + std::to_string(info.version()) + " has no ROI named '" + name + "'; it has " +
                      listing(names));
      warned_[info.version()] = true;
    }
  }
  return notes;
}

void RoiColumns::check_names(const pb::RoiSetInfo& info) const {
  const std::vector<std::string> names = names_of(info);
  for (const std::string& name : wanted_) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw Error("no ROI named '" + name + "'; the ROI set has " + listing(names));
    }
  }
}

std::vector<Column> RoiColumns::columns(std::uint32_t version, std::size_t roi_count) const {
  std::vector<Column> columns;
  const auto known = names_.find(version);
  if (known == names_.end() || known->second.size() != roi_count) {
    if (!wanted_.empty()) return columns;  // names asked for, none to match yet
    for (std::size_t i = 0; i < roi_count; ++i) columns.push_back({i, "#" + std::to_string(i)});
    return columns;
  }
  const std::vector<std::string>& names = known->second;
  if (wanted_.empty()) {
    for (std::size_t i = 0; i < names.size(); ++i) columns.push_back({i, names[i]});
    return columns;
  }
  for (const std::string& name : wanted_) {
    const auto found = std::find(names.begin(), names.end(), name);
    if (found != names.end()) columns.push_back({static_cast<std::size_t>(found - names.begin()), name});
  }
  return columns;
}

}  // namespace calmon::sub_tool
