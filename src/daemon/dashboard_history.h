// dashboard_history.h — the dashboard's trace history: what calmond published, kept for pages that open late.
//
// On the dashboard (Asio) thread, never the pipeline's: the hub hands over every
// RoiSetInfo and TraceUpdate the feed collected (serialized, as published); they are
// decoded here and their rows stored by ROI id in a TraceHistory (core/trace_history.h)
// under the update's session — the live dff, f, fcorr and f0, and the settled F0 when it
// settles. A RoiSetInfo gives the column ids and names of its session's version (by
// session and version, as a set that does not fit a new session's frames is dropped from
// it under the same version; the last kMaxVersions are remembered); rows whose set was
// never described are skipped.
// A page's {"history": {...}} request is answered from it (dashboard_json.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "calmon/wire.pb.h"
#include "core/trace_history.h"

namespace calmon::daemon {

class DashboardHistory {
 public:
  static constexpr std::size_t kMaxVersions = 256;

  explicit DashboardHistory(std::size_t max_bytes) : history_(max_bytes) {}

  void add_roi_set(const std::string& serialized);
  void add_trace_update(const std::string& serialized);
  // The JSON answer to a page's history request (a refusal, in its `error`, if bad).
  std::string answer(std::string_view request) const;

  const TraceHistory& store() const { return history_; }

 private:
  TraceHistory history_;
  using SetKey = std::pair<std::uint64_t, std::uint32_t>;  // session, roi_set_version
  const HistoryRoiSet* find_set(std::uint64_t session, std::uint32_t version) const;

  std::map<SetKey, HistoryRoiSet> sets_;
  pb::TraceUpdate update_;    // reused
  pb::RoiSetInfo info_;       // reused
  std::string last_roi_set_;  // serialized, as last added
};

}  // namespace calmon::daemon
