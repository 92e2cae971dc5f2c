// trace_history_test.cc — TraceHistory against a brute-force reference: every frame kept as
// doubles in a map, bucketed and reduced by a plain loop; ROIs added and removed mid-session,
// missing frames, settled F0, several sessions and the memory budget.
#include "core/trace_history.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace calmon {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr std::size_t kSettled = static_cast<std::size_t>(HistoryTrace::kF0Settled);

// What the store should hold: session -> frame -> id -> the 6 traces (NaN: no value).
struct Reference {
  struct Frame {
    double time_s = kNaN;
    bool gap = false;
    std::map<std::uint32_t, std::array<double, kHistoryTraces>> values;
  };
  std::map<std::uint64_t, std::map<std::int64_t, Frame>> sessions;
};

class Recorder {
 public:
  explicit Recorder(std::size_t max_bytes = std::size_t{1} << 30) : history(max_bytes) {}

  // Frame `frame` of `session` with ROIs `ids`: trace t of ROI id is value(id, frame, t).
  void append(std::uint64_t session, std::int64_t frame, const std::vector<std::uint32_t>& ids, bool gap = false,
              std::uint32_t version = 1) {
    HistoryRoiSet set{.version = version, .ids = ids, .names = {}};
    for (const std::uint32_t id : ids) set.names.push_back("roi" + std::to_string(id));
    std::array<std::vector<double>, kLiveHistoryTraces> live;
    for (std::size_t t = 0; t < kLiveHistoryTraces; ++t) {
      for (const std::uint32_t id : ids) live[t].push_back(value(id, frame, t));
    }
    const double time = frame % 7 == 3 ? kNaN : 0.033 * static_cast<double>(frame);
    ASSERT_TRUE(history.append({.session = session, .frame_index = frame, .time_s = time, .gap = gap}, set,
                               {live[0], live[1], live[2], live[3], live[4]}));
    Reference::Frame& row = reference.sessions[session][frame];
    row.time_s = time;
    row.gap = gap;
    for (const std::uint32_t id : ids) {
      row.values[id] = {value(id, frame, 0), value(id, frame, 1), value(id, frame, 2),
                        value(id, frame, 3), value(id, frame, 4), kNaN};
    }
  }

  void settle(std::uint64_t session, std::int64_t frame, const std::vector<std::uint32_t>& ids) {
    std::vector<double> f0;
    for (const std::uint32_t id : ids) f0.push_back(value(id, frame, kSettled));
    history.settle(session, frame, {.version = 1, .ids = ids, .names = {}}, f0);
    auto& frames = reference.sessions[session];
    const auto row = frames.find(frame);  // a frame that never came settles nothing
    if (row == frames.end()) return;
    for (const std::uint32_t id : ids) {
      if (row->second.values.count(id) != 0) row->second.values[id][kSettled] = value(id, frame, kSettled);
    }
  }

  static double value(std::uint32_t id, std::int64_t frame, std::size_t trace) {
    const double x = static_cast<double>(frame);
    if (id == 2 && frame % 11 == 5 && trace == 0) return kNaN;  // a NaN ΔF/F₀ now and then
    return std::sin(0.37 * x + id) * (1.0 + static_cast<double>(trace)) + 0.001 * static_cast<double>(id) * x;
  }

  TraceHistory history;
  Reference reference;
};

// The reference answer, by a plain loop over every frame of the range.
HistoryAnswer brute_force(const Reference& reference, std::uint64_t number, const HistoryQuery& query) {
  HistoryAnswer answer;
  const auto& frames = reference.sessions.at(number);
  std::vector<std::uint32_t> ids = query.roi_ids;
  if (ids.empty()) {
    std::map<std::uint32_t, bool> seen;
    for (const auto& [frame, row] : frames) {
      for (const auto& [id, values] : row.values) seen[id] = true;
    }
    for (const auto& [id, _] : seen) ids.push_back(id);
  }
  const std::int64_t first = std::max(query.first_frame, frames.begin()->first);
  const std::int64_t last =
      query.last_frame < 0 ? frames.rbegin()->first : std::min(query.last_frame, frames.rbegin()->first);
  const std::int64_t bucket = (last - first + 1 + query.points - 1) / query.points;
  answer.session = number;
  answer.first_frame = first;
  answer.last_frame = last;
  answer.bucket_frames = bucket;
  std::map<std::int64_t, std::vector<std::int64_t>> buckets;  // bucket -> its frames
  std::int64_t previous = -1;
  std::map<std::int64_t, bool> gap;
  for (const auto& [frame, row] : frames) {
    const bool jumped = previous >= 0 && frame != previous + 1;
    previous = frame;
    if (frame < first || frame > last) continue;
    const std::int64_t b = (frame - first) / bucket;
    buckets[b].push_back(frame);
    gap[b] = gap[b] || row.gap || jumped;
  }
  for (const auto& [b, members] : buckets) {
    answer.frame_index.push_back(static_cast<double>(members.front()));
    answer.time_s.push_back(frames.at(members.front()).time_s);
    answer.gap_before.push_back(gap[b] ? 1 : 0);
  }
  for (const std::uint32_t id : ids) {
    for (const HistoryTrace trace : query.traces) {
      HistorySeries series{.roi_id = id, .name = "", .trace = trace, .min = {}, .max = {}};
      for (const auto& [b, members] : buckets) {
        float low = std::numeric_limits<float>::quiet_NaN(), high = low;
        for (const std::int64_t frame : members) {
          const auto& values = frames.at(frame).values;
          const auto found = values.find(id);
          if (found == values.end()) continue;
          const double v = found->second[static_cast<std::size_t>(trace)];
          if (std::isnan(v)) continue;
          const float f = static_cast<float>(v);
          low = std::isnan(low) ? f : std::min(low, f);
          high = std::isnan(high) ? f : std::max(high, f);
        }
        series.min.push_back(low);
        series.max.push_back(high);
      }
      answer.series.push_back(std::move(series));
    }
  }
  return answer;
}

// NaN equals NaN here; everything else bit for bit.
template <typename T> void expect_same(const std::vector<T>& got, const std::vector<T>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(static_cast<double>(want[i]))) {
      EXPECT_TRUE(std::isnan(static_cast<double>(got[i]))) << what << " point " << i;
    } else {
      EXPECT_EQ(got[i], want[i]) << what << " point " << i;
    }
  }
}

void expect_answer(const HistoryAnswer& got, const HistoryAnswer& want) {
  ASSERT_EQ(got.error, "");
  EXPECT_EQ(got.session, want.session);
  EXPECT_EQ(got.first_frame, want.first_frame);
  EXPECT_EQ(got.last_frame, want.last_frame);
  EXPECT_EQ(got.bucket_frames, want.bucket_frames);
  expect_same(got.frame_index, want.frame_index, "frame_index");
  expect_same(got.time_s, want.time_s, "time_s");
  EXPECT_EQ(got.gap_before, want.gap_before);
  ASSERT_EQ(got.series.size(), want.series.size());
  for (std::size_t s = 0; s < got.series.size(); ++s) {
    const std::string what =
        "ROI " + std::to_string(want.series[s].roi_id) + " " + std::string(history_trace_name(want.series[s].trace));
    EXPECT_EQ(got.series[s].roi_id, want.series[s].roi_id);
    EXPECT_EQ(got.series[s].trace, want.series[s].trace);
    expect_same(got.series[s].min, want.series[s].min, what + " min");
    expect_same(got.series[s].max, want.series[s].max, what + " max");
  }
}

const std::vector<HistoryTrace> kAllTraces{HistoryTrace::kDff, HistoryTrace::kF,    HistoryTrace::kFcorr,
                                           HistoryTrace::kF0,  HistoryTrace::kFneu, HistoryTrace::kF0Settled};

TEST(TraceHistory, TraceNamesRoundTrip) {
  for (const HistoryTrace trace : kAllTraces) EXPECT_EQ(history_trace_named(history_trace_name(trace)), trace);
  EXPECT_EQ(history_trace_named("neuropil"), std::nullopt);
}

TEST(TraceHistory, BucketsOfOneFrameGiveEveryValueAsFloat32AndNaNWhereAnRoiWasNot) {
  Recorder r;
  // ROI 1 all along, ROI 2 added at frame 10, ROI 3 removed after frame 19, ROI 4 added at 25.
  for (std::int64_t frame = 0; frame < 40; ++frame) {
    std::vector<std::uint32_t> ids{1};
    if (frame >= 10) ids.push_back(2);
    if (frame < 20) ids.push_back(3);
    if (frame >= 25) ids.push_back(4);
    r.append(1, frame, ids, false, frame < 10 ? 1 : frame < 20 ? 2 : frame < 25 ? 3 : 4);
    if (frame >= 2) r.settle(1, frame - 2, ids);
  }
  const HistoryQuery query{
      .session = 0, .first_frame = 0, .last_frame = -1, .points = 100, .roi_ids = {}, .traces = kAllTraces};
  const HistoryAnswer answer = r.history.query(query);
  expect_answer(answer, brute_force(r.reference, 1, query));
  EXPECT_EQ(answer.bucket_frames, 1);
  ASSERT_EQ(answer.series.size(), 4 * kAllTraces.size());
  const HistorySeries& added = answer.series[kAllTraces.size()];  // ROI 2's dff
  EXPECT_EQ(added.name, "roi2");
  EXPECT_TRUE(std::isnan(added.min[9]));
  EXPECT_EQ(added.min[10], static_cast<float>(Recorder::value(2, 10, 0)));
  EXPECT_EQ(added.max[10], added.min[10]);
  const HistorySeries& removed = answer.series[2 * kAllTraces.size() + 1];  // ROI 3's f
  EXPECT_EQ(removed.max[19], static_cast<float>(Recorder::value(3, 19, 1)));
  EXPECT_TRUE(std::isnan(removed.max[20]));
  const HistorySeries& settled = answer.series[kAllTraces.size() - 1];  // ROI 1's settled F0
  EXPECT_EQ(settled.min[37], static_cast<float>(Recorder::value(1, 37, kSettled)));
  EXPECT_TRUE(std::isnan(settled.min[38])) << "not settled yet";
}

TEST(TraceHistory, DecimatesAnyRangeLikeTheBruteForceLoop) {
  Recorder r;
  std::mt19937 random(14);
  std::vector<std::uint32_t> ids{1, 2, 3};
  std::uint32_t next_id = 4;
  std::int64_t frame = 0;
  for (int i = 0; i < 3000; ++i) {
    const unsigned roll = random() % 1000;
    bool gap = false;
    if (roll < 5) {  // frames went missing
      frame += 1 + static_cast<std::int64_t>(random() % 40);
      gap = true;
    } else if (roll < 8) {  // an update lost on the way: a jump without a gap flag
      frame += 2;
    }
    if (roll >= 990) ids.push_back(next_id++);
    if (roll >= 985 && roll < 990 && ids.size() > 1)
      ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(random() % ids.size()));
    r.append(1, frame, ids, gap);
    if (frame >= 30 && i % 3 != 0) r.settle(1, frame - 30, ids);
    ++frame;
  }
  for (const std::int64_t points : {1, 7, 100, 999, 2000, 5000}) {
    for (const auto& [first, last] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {0, -1}, {0, 100}, {517, 2400}, {1000, 1000}, {2900, -1}, {0, 1000000}}) {
      const HistoryQuery query{.session = 1,
                               .first_frame = first,
                               .last_frame = last,
                               .points = points,
                               .roi_ids = {},
                               .traces = kAllTraces};
      SCOPED_TRACE("points " + std::to_string(points) + ", frames " + std::to_string(first) + " to " +
                   std::to_string(last));
      expect_answer(r.history.query(query), brute_force(r.reference, 1, query));
    }
  }
  // Chosen ROIs, in the order asked, an unknown one all NaN.
  const HistoryQuery chosen{.session = 0,
                            .first_frame = 0,
                            .last_frame = -1,
                            .points = 300,
                            .roi_ids = {3, 1, 999},
                            .traces = {HistoryTrace::kF0Settled, HistoryTrace::kDff}};
  const HistoryAnswer answer = r.history.query(chosen);
  expect_answer(answer, brute_force(r.reference, 1, chosen));
  EXPECT_EQ(answer.series[4].name, "");
}

TEST(TraceHistory, KeepsSessionsApartAndAnswersTheNewestForSessionZero) {
  Recorder r;
  for (std::int64_t frame = 0; frame < 50; ++frame) r.append(1, frame, {1, 2});
  for (std::int64_t frame = 0; frame < 20; ++frame) r.append(2, frame, {2, 5});
  EXPECT_EQ(r.history.sessions(), (std::vector<std::uint64_t>{1, 2}));
  const HistoryQuery newest{
      .session = 0, .first_frame = 0, .last_frame = -1, .points = 10, .roi_ids = {}, .traces = kAllTraces};
  HistoryAnswer answer = r.history.query(newest);
  expect_answer(answer, brute_force(r.reference, 2, newest));
  EXPECT_EQ(answer.sessions, (std::vector<std::uint64_t>{1, 2}));
  HistoryQuery first = newest;
  first.session = 1;
  expect_answer(r.history.query(first), brute_force(r.reference, 1, first));
  // A frame_index not after the session's last is not taken.
  EXPECT_FALSE(r.history.append({.session = 2, .frame_index = 19, .time_s = 0.0, .gap = false},
                                {.version = 1, .ids = {2, 5}, .names = {}}, {}));
  first.session = 9;
  EXPECT_EQ(r.history.query(first).error, "no history of session 9 (calmond holds sessions 1, 2)");
  for (std::uint64_t session = 3; session < 3 + TraceHistory::kMaxSessions; ++session) r.append(session, 0, {1});
  EXPECT_EQ(r.history.sessions().size(), TraceHistory::kMaxSessions);
  EXPECT_EQ(r.history.sessions().front(), 3u);
}

TEST(TraceHistory, PastTheBudgetOlderSessionsGoThenTheOldestFrames) {
  const std::size_t per_frame = TraceHistory::kBytesPerFrame + 2 * kHistoryTraces * TraceHistory::kBytesPerValue;
  Recorder r(1000 * per_frame);
  for (std::int64_t frame = 0; frame < 500; ++frame) r.append(1, frame, {1, 2});
  for (std::int64_t frame = 0; frame < 500; ++frame) r.append(2, frame, {1, 2});
  EXPECT_EQ(r.history.bytes(), 1000 * per_frame);
  r.append(2, 500, {1, 2});
  EXPECT_EQ(r.history.sessions(), (std::vector<std::uint64_t>{2})) << "the older session went first";
  for (std::int64_t frame = 501; frame < 3000; ++frame) r.append(2, frame, {1, 2});
  EXPECT_LE(r.history.bytes(), r.history.max_bytes());
  EXPECT_GE(r.history.bytes(), r.history.max_bytes() * 15 / 16 - per_frame);
  const HistoryQuery all{
      .session = 0, .first_frame = 0, .last_frame = -1, .points = 5000, .roi_ids = {}, .traces = kAllTraces};
  const HistoryAnswer answer = r.history.query(all);
  ASSERT_EQ(answer.error, "");
  EXPECT_GT(answer.first_frame, 1999);
  EXPECT_EQ(answer.last_frame, 2999);
  // What is still held answers as before: the newest frames, exactly.
  auto& frames = r.reference.sessions[2];
  frames.erase(frames.begin(), frames.lower_bound(answer.first_frame));
  expect_answer(answer, brute_force(r.reference, 2, all));
  EXPECT_EQ(answer.gap_before.front(), 0) << "dropped for memory is not a gap in the stream";
  EXPECT_EQ(r.history.frames_dropped(), 500 + static_cast<std::uint64_t>(answer.first_frame));
}

const std::vector<double> kOneValue{1.0};
const std::span<const double> kOne(kOneValue);

TEST(TraceHistory, RefusesBadQueriesInOneLine) {
  Recorder r;
  r.append(1, 0, {1});
  HistoryQuery query;
  query.points = 0;
  EXPECT_EQ(r.history.query(query).error, "points must be 1 to 100000, not 0");
  query.points = 100001;
  EXPECT_EQ(r.history.query(query).error, "points must be 1 to 100000, not 100001");
  query.points = 10;
  query.first_frame = 5;
  query.last_frame = 4;
  EXPECT_EQ(r.history.query(query).error, "last_frame 4 is before first_frame 5");
  query.last_frame = -1;
  query.traces = {};
  EXPECT_EQ(r.history.query(query).error, "no trace asked for");
  query.traces = kAllTraces;
  query.first_frame = 0;
  query.points = 100000;
  query.roi_ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  EXPECT_EQ(r.history.query(query).error, "") << "one point each";
  for (std::int64_t frame = 1; frame < 30000; ++frame) {
    ASSERT_TRUE(r.history.append({.session = 1, .frame_index = frame, .time_s = 0.0, .gap = false},
                                 {.version = 1, .ids = {1}, .names = {"roi1"}}, {kOne, kOne, kOne, kOne, kOne}));
  }
  EXPECT_EQ(r.history.query(query).error,
            "the answer would hold 84 series of 30000 points, over the 2097152 points one answer may hold: "
            "ask for fewer points, ROIs or traces");
  query.points = 29000;
  EXPECT_EQ(r.history.query(query).error, "") << "15000 points of 2 frames";
  // Nothing held yet: an empty answer, no error.
  const TraceHistory empty(1000);
  const HistoryAnswer answer = empty.query(HistoryQuery{});
  EXPECT_EQ(answer.error, "");
  EXPECT_EQ(answer.session, 0u);
  EXPECT_TRUE(answer.series.empty());
}

}  // namespace
}  // namespace calmon
