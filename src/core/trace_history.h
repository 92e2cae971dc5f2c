// trace_history.h — each session's traces by ROI id, kept so that a late page gets the session so far.
//
// Rows go in as the pipeline made them (one frame: its index, time and whether frames
// went missing before it; each ROI's dff, f, fcorr, live f0 and fneu under the ROI's id), and
// settled F0 joins its row when it settles. A query asks for a session's range of
// frame_index and at most `points` points per series: the range is cut into buckets of
// bucket_frames consecutive frame indices and each series gives the min and max of its
// values in every bucket that holds a frame (one point per such bucket), NaN where the
// ROI had no value (added later, removed earlier, not settled yet). A bucket of one frame
// has min == max == the value as float32. ROIs are columns by id, so ROIs added or
// removed mid-session simply start or stop; ids are never reused, so a column never
// changes meaning.
//
// Memory is bounded by max_bytes (4 bytes per stored value, 6 values per ROI and frame,
// 17 bytes per frame): past it the oldest frames go — first whole older sessions, then
// the current session's oldest frames, in steps of 1/16 of what it holds — so a query
// gets the most recent part. At most kMaxSessions sessions are kept. Pure computation:
// the caller says which session a row belongs to.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace calmon {

enum class HistoryTrace : std::uint8_t { kDff, kF, kFcorr, kF0, kFneu, kF0Settled };
inline constexpr std::size_t kHistoryTraces = 6;
inline constexpr std::size_t kLiveHistoryTraces = 5;  // kDff .. kFneu, given with each row

// "dff", "f", "fcorr", "f0", "fneu", "f0_settled".
std::string_view history_trace_name(HistoryTrace trace);
// All of them, in that order, separated by ", " (for messages).
std::string history_trace_names();
std::optional<HistoryTrace> history_trace_named(std::string_view name);

// The ROIs a row's columns belong to: ids[i] (named names[i]) is column i of the row.
struct HistoryRoiSet {
  std::uint32_t version = 0;  // rows of one version share their ids and names
  std::vector<std::uint32_t> ids;
  std::vector<std::string> names;
};

struct HistoryFrame {
  std::uint64_t session = 0;
  std::int64_t frame_index = 0;
  double time_s = 0.0;  // NaN if unknown
  bool gap = false;     // frames went missing just before it
};

struct HistoryQuery {
  std::uint64_t session = 0;  // 0: the newest
  std::int64_t first_frame = 0;
  std::int64_t last_frame = -1;  // -1: up to the newest
  std::int64_t points = 2000;
  std::vector<std::uint32_t> roi_ids;  // empty: every ROI with history in the session, by id
  std::vector<HistoryTrace> traces{HistoryTrace::kDff};
};

struct HistorySeries {
  std::uint32_t roi_id = 0;
  std::string name;  // "" for an id without history in the session
  HistoryTrace trace = HistoryTrace::kDff;
  std::vector<float> min, max;  // one per point
};

struct HistoryAnswer {
  std::uint64_t session = 0;
  std::vector<std::uint64_t> sessions;            // held, oldest first
  std::int64_t first_frame = 0, last_frame = -1;  // the range answered (within what is held)
  std::int64_t bucket_frames = 1;
  std::vector<double> frame_index;       // per point: the first frame held in its bucket
  std::vector<double> time_s;            // per point: that frame's time, NaN if unknown
  std::vector<std::uint8_t> gap_before;  // per point: 1 if frames are missing in or before the bucket
  std::vector<HistorySeries> series;
  std::string error;  // non-empty: the query was refused, nothing else is filled but sessions
};

class TraceHistory {
 public:
  static constexpr std::size_t kMaxSessions = 4;
  static constexpr std::int64_t kMaxPoints = 100000;
  // An answer holds at most this many points over all its series (16 MiB of min and max);
  // a query that would give more is refused.
  static constexpr std::size_t kMaxAnswerPoints = std::size_t{2} << 20;
  static constexpr std::size_t kBytesPerValue = sizeof(float);
  static constexpr std::size_t kBytesPerFrame = 2 * sizeof(double) + 1;

  explicit TraceHistory(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // One frame's live values: live[t][i] is trace t (kDff .. kFneu) of ROI set.ids[i]. A
  // session number not held yet starts a session; a frame_index not above the session's
  // last is ignored (returns false), as is a row whose columns do not match set.ids.
  [[nodiscard]] bool append(const HistoryFrame& frame, const HistoryRoiSet& set,
                            const std::array<std::span<const double>, kLiveHistoryTraces>& live);
  // Settled F0 of an earlier frame of `session`: f0[i] is ROI set.ids[i]'s. Frames or
  // ROIs not held are skipped.
  void settle(std::uint64_t session, std::int64_t frame_index, const HistoryRoiSet& set, std::span<const double> f0);

  HistoryAnswer query(const HistoryQuery& query) const;

  std::vector<std::uint64_t> sessions() const;
  std::size_t bytes() const { return bytes_; }
  std::size_t max_bytes() const { return max_bytes_; }
  std::uint64_t frames_dropped() const { return frames_dropped_; }

 private:
  struct Column {
    std::size_t first_slot = 0;  // the session's slot of values[t].front()
    std::array<std::deque<float>, kHistoryTraces> values;
    std::size_t size() const { return values[0].size(); }
  };
  struct Session {
    std::uint64_t number = 0;
    std::size_t base_slot = 0;  // slot of frames.front(); slots count every frame appended
    std::deque<std::int64_t> frames;
    std::deque<double> times;
    std::deque<std::uint8_t> gaps;
    std::map<std::uint32_t, Column> columns;
    std::map<std::uint32_t, std::string> names;
    std::optional<std::uint32_t> named_version;
    std::size_t bytes = 0;
  };

  Session* find(std::uint64_t number);
  const Session* find(std::uint64_t number) const;
  void drop_oldest_frames(Session& session, std::size_t count);
  void keep_within_budget();

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t frames_dropped_ = 0;
  std::deque<Session> sessions_;  // oldest first; the back is the newest
};

}  // namespace calmon
