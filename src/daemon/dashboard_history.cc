// dashboard_history.cc — wire messages into the trace history, requests answered; see the header.
#include "daemon/dashboard_history.h"

#include <cmath>
#include <limits>
#include <span>

#include "daemon/dashboard_json.h"

namespace calmon::daemon {

void DashboardHistory::add_roi_set(const std::string& serialized) {
  // The set is republished with every Status: the same bytes again are not parsed again
  // (with rings resolved to masks, 500 ROIs' set is about a megabyte).
  if (serialized == last_roi_set_) return;
  last_roi_set_ = serialized;
  if (!info_.ParseFromString(serialized)) return;
  HistoryRoiSet& set = sets_[{info_.session(), info_.version()}];
  if (!set.ids.empty() || info_.rois_size() == 0) return;  // a reminder: the same set again
  set.version = info_.version();
  for (const pb::RoiInfo& roi : info_.rois()) {
    set.ids.push_back(roi.id());
    set.names.push_back(roi.name());
  }
  while (sets_.size() > kMaxVersions) sets_.erase(sets_.begin());
}

const HistoryRoiSet* DashboardHistory::find_set(std::uint64_t session, std::uint32_t version) const {
  const auto found = sets_.find({session, version});
  if (found != sets_.end()) return &found->second;
  // A live edit before the first frame is published with session 0 (none yet).
  const auto before = sets_.find({0, version});
  return before != sets_.end() ? &before->second : nullptr;
}

void DashboardHistory::add_trace_update(const std::string& serialized) {
  if (!update_.ParseFromString(serialized)) return;
  const std::uint64_t session = update_.session();
  if (!update_.settled_only()) {
    const HistoryRoiSet* set = find_set(session, update_.roi_set_version());
    if (set != nullptr) {
      const auto span = [](const google::protobuf::RepeatedField<double>& values) {
        return std::span<const double>(values.data(), static_cast<std::size_t>(values.size()));
      };
      const HistoryFrame frame{
          .session = session,
          .frame_index = update_.frame_index(),
          .time_s = update_.has_time_s() ? update_.time_s() : std::numeric_limits<double>::quiet_NaN(),
          .gap = update_.missing_before() > 0};
      (void)history_.append(
          frame, *set,
          {span(update_.dff()), span(update_.f()), span(update_.fcorr()), span(update_.f0()), span(update_.fneu())});
    }
  }
  for (const pb::SettledValues& row : update_.settled()) {
    const HistoryRoiSet* set = find_set(session, row.roi_set_version());
    if (set == nullptr) continue;
    history_.settle(session, row.frame_index(), *set,
                    std::span<const double>(row.f0().data(), static_cast<std::size_t>(row.f0_size())));
  }
}

std::string DashboardHistory::answer(std::string_view request) const {
  HistoryQuery query;
  double id = 0.0;
  const std::string error = parse_history_request(request, query, id);
  if (!error.empty()) {
    HistoryAnswer refused;
    refused.sessions = history_.sessions();
    refused.error = error;
    return encode_history(refused, id);
  }
  return encode_history(history_.query(query), id);
}

}  // namespace calmon::daemon
