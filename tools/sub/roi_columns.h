// roi_columns.h — which trace columns calmon-sub shows, and what it calls them.
//
// The user picks ROIs by name (--roi, repeatable; none: every ROI). Names come from the
// daemon's RoiSetInfo, one per ROI-set version; until the set of an update's version is
// known, ROIs are shown by index ("#2") — or, when names were asked for, not at all,
// since an index cannot be matched to a name yet. The first ROI set received is checked:
// a name it does not have is the user's mistake (check_names throws). A later set that
// lacks a chosen name just leaves that column out (and says so once).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "calmon/wire.pb.h"

namespace calmon::sub_tool {

struct Column {
  std::size_t index = 0;  // into the update's per-ROI arrays
  std::string label;      // the ROI's name, or "#<index>" while names are unknown
};

class RoiColumns {
 public:
  explicit RoiColumns(std::vector<std::string> wanted) : wanted_(std::move(wanted)) {}

  // Remembers the set's names. Returns the lines worth telling the user (a chosen name
  // missing from a later set).
  std::vector<std::string> on_roi_set(const pb::RoiSetInfo& info);
  // Throws calmon::Error naming the first chosen ROI `info` does not have, and listing
  // the names it has.
  void check_names(const pb::RoiSetInfo& info) const;

  // The columns to show for arrays of `roi_count` values of ROI set `version`.
  std::vector<Column> columns(std::uint32_t version, std::size_t roi_count) const;
  bool names_known(std::uint32_t version) const { return names_.count(version) > 0; }

 private:
  std::vector<std::string> wanted_;
  std::map<std::uint32_t, std::vector<std::string>> names_;  // by ROI-set version
  std::map<std::uint32_t, bool> warned_;
};

}  // namespace calmon::sub_tool
