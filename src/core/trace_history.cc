// trace_history.cc — rows in by ROI id, the oldest frames out past the budget, min/max per bucket; see the header.
#include "core/trace_history.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace calmon {

namespace {

constexpr std::array<std::string_view, kHistoryTraces> kTraceNames{"dff", "f", "fcorr", "f0", "fneu", "f0_settled"};
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

}  // namespace

std::string_view history_trace_name(HistoryTrace trace) { return kTraceNames[static_cast<std::size_t>(trace)]; }

std::string history_trace_names() {
  std::string names;
  for (std::string_view name : kTraceNames) names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

std::optional<HistoryTrace> history_trace_named(std::string_view name) {
  for (std::size_t t = 0; t < kHistoryTraces; ++t) {
    if (kTraceNames[t] == name) return static_cast<HistoryTrace>(t);
  }
  return std::nullopt;
}

TraceHistory::Session* TraceHistory::find(std::uint64_t number) {
  for (Session& session : sessions_) {
    if (session.number == number) return &session;
  }
  return nullptr;
}

const TraceHistory::Session* TraceHistory::find(std::uint64_t number) const {
  for (const Session& session : sessions_) {
    if (session.number == number) return &session;
  }
  return nullptr;
}

std::vector<std::uint64_t> TraceHistory::sessions() const {
  std::vector<std::uint64_t> numbers;
  for (const Session& session : sessions_) numbers.push_back(session.number);
  return numbers;
}

bool TraceHistory::append(const HistoryFrame& frame, const HistoryRoiSet& set,
                          const std::array<std::span<const double>, kLiveHistoryTraces>& live) {
  for (const auto& values : live) {
    if (values.size() != set.ids.size()) return false;
  }
  Session* session = find(frame.session);
  if (session == nullptr) {
    sessions_.emplace_back();
    sessions_.back().number = frame.session;
    while (sessions_.size() > kMaxSessions) {
      bytes_ -= sessions_.front().bytes;
      frames_dropped_ += sessions_.front().frames.size();
      sessions_.pop_front();
    }
    session = find(frame.session);
  }
  if (!session->frames.empty() && frame.frame_index <= session->frames.back()) return false;
  const std::size_t slot = session->base_slot + session->frames.size();
  session->frames.push_back(frame.frame_index);
  session->times.push_back(frame.time_s);
  session->gaps.push_back(frame.gap ? 1 : 0);
  std::size_t added = kBytesPerFrame;
  if (session->named_version != set.version) {
    for (std::size_t i = 0; i < set.ids.size() && i < set.names.size(); ++i) session->names[set.ids[i]] = set.names[i];
    session->named_version = set.version;
  }
  for (std::size_t i = 0; i < set.ids.size(); ++i) {
    auto [found, is_new] = session->columns.try_emplace(set.ids[i]);
    Column& column = found->second;
    if (is_new || column.size() == 0) column.first_slot = slot;
    while (column.first_slot + column.size() < slot) {  // absent from some frames: NaN there
      for (auto& values : column.values) values.push_back(kNaN);
      added += kHistoryTraces * kBytesPerValue;
    }
    for (std::size_t t = 0; t < kLiveHistoryTraces; ++t) column.values[t].push_back(static_cast<float>(live[t][i]));
    column.values[static_cast<std::size_t>(HistoryTrace::kF0Settled)].push_back(kNaN);
    added += kHistoryTraces * kBytesPerValue;
  }
  session->bytes += added;
  bytes_ += added;
  keep_within_budget();
  return true;
}

void TraceHistory::settle(std::uint64_t number, std::int64_t frame_index, const HistoryRoiSet& set,
                          std::span<const double> f0) {
  Session* session = find(number);
  if (session == nullptr) return;
  const auto at = std::lower_bound(session->frames.begin(), session->frames.end(), frame_index);
  if (at == session->frames.end() || *at != frame_index) return;
  const std::size_t slot = session->base_slot + static_cast<std::size_t>(at - session->frames.begin());
  for (std::size_t i = 0; i < set.ids.size() && i < f0.size(); ++i) {
    const auto found = session->columns.find(set.ids[i]);
    if (found == session->columns.end()) continue;
    Column& column = found->second;
    if (slot < column.first_slot || slot >= column.first_slot + column.size()) continue;
    column.values[static_cast<std::size_t>(HistoryTrace::kF0Settled)][slot - column.first_slot] =
        static_cast<float>(f0[i]);
  }
}

void TraceHistory::drop_oldest_frames(Session& session, std::size_t count) {
  count = std::min(count, session.frames.size());
  const auto n = static_cast<std::ptrdiff_t>(count);
  session.frames.erase(session.frames.begin(), session.frames.begin() + n);
  session.times.erase(session.times.begin(), session.times.begin() + n);
  session.gaps.erase(session.gaps.begin(), session.gaps.begin() + n);
  session.base_slot += count;
  std::size_t freed = count * kBytesPerFrame;
  for (auto it = session.columns.begin(); it != session.columns.end();) {
    Column& column = it->second;
    if (column.first_slot < session.base_slot) {
      const std::size_t gone = std::min(column.size(), session.base_slot - column.first_slot);
      for (auto& values : column.values)
        values.erase(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(gone));
      column.first_slot += gone;
      freed += gone * kHistoryTraces * kBytesPerValue;
    }
    if (column.size() == 0) {
      it = session.columns.erase(it);
    } else {
      ++it;
    }
  }
  session.bytes -= freed;
  bytes_ -= freed;
  frames_dropped_ += count;
}

void TraceHistory::keep_within_budget() {
  while (bytes_ > max_bytes_ && !sessions_.empty()) {
    if (sessions_.size() > 1) {
      bytes_ -= sessions_.front().bytes;
      frames_dropped_ += sessions_.front().frames.size();
      sessions_.pop_front();
      continue;
    }
    Session& newest = sessions_.back();
    if (newest.frames.empty()) break;
    drop_oldest_frames(newest, std::max<std::size_t>(1, newest.frames.size() / 16));
  }
}

HistoryAnswer TraceHistory::query(const HistoryQuery& query) const {
  HistoryAnswer answer;
  answer.sessions = sessions();
  const auto refuse = [&answer](std::string error) {
    HistoryAnswer refused;
    refused.sessions = std::move(answer.sessions);
    refused.error = std::move(error);
    return refused;
  };
  if (query.points <= 0 || query.points > kMaxPoints) {
    return refuse("points must be 1 to " + std::to_string(kMaxPoints) + ", not " + std::to_string(query.points));
  }
  if (query.first_frame < 0) return refuse("first_frame must be 0 or more, not " + std::to_string(query.first_frame));
  if (query.last_frame < -1) return refuse("last_frame must be a frame index, or -1 for the newest");
  if (query.last_frame >= 0 && query.last_frame < query.first_frame) {
    return refuse("last_frame " + std::to_string(query.last_frame) + " is before first_frame " +
                  std::to_string(query.first_frame));
  }
  if (query.traces.empty()) return refuse("no trace asked for");
  const Session* session = nullptr;
  if (query.session == 0) {
    if (!sessions_.empty()) session = &sessions_.back();
  } else {
    session = find(query.session);
    if (session == nullptr) {
      std::string held;
      for (const std::uint64_t number : answer.sessions) held += (held.empty() ? "" : ", ") + std::to_string(number);
      return refuse("no history of session " + std::to_string(query.session) + " (calmond holds " +
                    (held.empty() ? std::string("none") : "sessions " + held) + ")");
    }
  }
  std::vector<std::uint32_t> ids = query.roi_ids;
  if (ids.empty() && session != nullptr) {
    for (const auto& [id, column] : session->columns) ids.push_back(id);
  }
  answer.first_frame = query.first_frame;
  answer.last_frame = query.last_frame;
  if (session == nullptr) return answer;
  answer.session = session->number;
  const auto& frames = session->frames;
  for (const std::uint32_t id : ids) {
    for (const HistoryTrace trace : query.traces) {
      const auto name = session->names.find(id);
      answer.series.push_back({.roi_id = id,
                               .name = name == session->names.end() ? std::string() : name->second,
                               .trace = trace,
                               .min = {},
                               .max = {}});
    }
  }
  if (frames.empty()) return answer;
  const std::int64_t first = std::max(query.first_frame, frames.front());
  const std::int64_t last = query.last_frame < 0 ? frames.back() : std::min(query.last_frame, frames.back());
  answer.first_frame = first;
  answer.last_frame = last;
  if (last < first) return answer;
  const auto lo = static_cast<std::size_t>(std::lower_bound(frames.begin(), frames.end(), first) - frames.begin());
  const auto hi = static_cast<std::size_t>(std::upper_bound(frames.begin(), frames.end(), last) - frames.begin());
  const std::int64_t span = last - first + 1;
  const std::int64_t bucket = (span + query.points - 1) / query.points;
  answer.bucket_frames = bucket;

  // The points: where each starts among the session's frames (its bucket's first frame held).
  std::vector<std::size_t> starts;
  std::int64_t current_bucket = -1;
  for (std::size_t s = lo; s < hi; ++s) {
    const bool gap = session->gaps[s] != 0 || (s > 0 && frames[s] != frames[s - 1] + 1);
    const std::int64_t b = (frames[s] - first) / bucket;
    if (b != current_bucket) {
      current_bucket = b;
      starts.push_back(s);
      answer.frame_index.push_back(static_cast<double>(frames[s]));
      answer.time_s.push_back(session->times[s]);
      answer.gap_before.push_back(gap ? 1 : 0);
    } else if (gap) {
      answer.gap_before.back() = 1;
    }
  }
  starts.push_back(hi);
  const std::size_t points = starts.size() - 1;
  if (answer.series.size() * points > kMaxAnswerPoints) {
    return refuse("the answer would hold " + std::to_string(answer.series.size()) + " series of " +
                  std::to_string(points) + " points, over the " + std::to_string(kMaxAnswerPoints) +
                  " points one answer may hold: ask for fewer points, ROIs or traces");
  }

  for (HistorySeries& series : answer.series) {
    series.min.assign(points, kNaN);
    series.max.assign(points, kNaN);
    const auto found = session->columns.find(series.roi_id);
    if (found == session->columns.end()) continue;
    const Column& column = found->second;
    const auto& values = column.values[static_cast<std::size_t>(series.trace)];
    // The column's range among the session's frames: [begin, end).
    const std::size_t begin = column.first_slot - session->base_slot;
    const std::size_t end = begin + column.size();
    for (std::size_t p = 0; p < points; ++p) {
      const std::size_t from = std::max(starts[p], begin);
      const std::size_t to = std::min(starts[p + 1], end);
      if (from >= to) continue;
      float low = std::numeric_limits<float>::infinity();
      float high = -low;
      bool any = false;
      const auto stop = values.begin() + static_cast<std::ptrdiff_t>(to - begin);
      for (auto it = values.begin() + static_cast<std::ptrdiff_t>(from - begin); it != stop; ++it) {
        const float v = *it;
        if (std::isnan(v)) continue;
        low = std::min(low, v);
        high = std::max(high, v);
        any = true;
      }
      if (any) {
        series.min[p] = low;
        series.max[p] = high;
      }
    }
  }
  return answer;
}

}  // namespace calmon
