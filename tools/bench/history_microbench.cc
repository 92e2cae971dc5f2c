// history_microbench.cc — calmon-microbench's figures for the dashboard's trace history
// (docs/benchmarks.md, docs/dashboard.md):
//   HistoryQuery/points:2000      an hour at 30 Hz of 500 ROIs held (108,000 frames, all
//                                 five traces), one query for every ROI's dff in 2000
//                                 points: the min/max reduction a late page waits for
//                                 (without the JSON and the network, which calmon-bench
//                                 --pages measures)
//   HistoryAppend/rois:500        one frame of 500 ROIs into the history (the dashboard
//                                 thread's work per frame), with the oldest frames dropped
//                                 past a 64 MiB budget as they would be past the default
//   HandOver/copy:0, copy:1       the pipeline thread's cost of one 500-ROI TraceUpdate:
//                                 serialized into the subscribers' buffer alone (no
//                                 dashboard), or serialized into the dashboard's string
//                                 and copied into the subscribers' buffer (tee_publisher.h)
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "calmon/wire.pb.h"
#include "core/trace_history.h"

namespace {

using calmon::HistoryFrame;
using calmon::HistoryRoiSet;
using calmon::TraceHistory;

constexpr int kRois = 500;
constexpr std::int64_t kHourFrames = 30 * 3600;

HistoryRoiSet roi_set() {
  HistoryRoiSet set;
  set.version = 1;
  for (int i = 0; i < kRois; ++i) {
    set.ids.push_back(static_cast<std::uint32_t>(i + 1));
    set.names.push_back("roi" + std::to_string(i + 1));
  }
  return set;
}

std::vector<double> row(std::int64_t frame, double scale) {
  std::vector<double> values(kRois);
  for (int i = 0; i < kRois; ++i) values[static_cast<std::size_t>(i)] = scale * std::sin(0.01 * frame + i);
  return values;
}

void fill(TraceHistory& history, std::int64_t from, std::int64_t frames) {
  const HistoryRoiSet set = roi_set();
  for (std::int64_t frame = from; frame < from + frames; ++frame) {
    const std::vector<double> dff = row(frame, 1.0), f = row(frame, 100.0);
    if (!history.append({.session = 1, .frame_index = frame, .time_s = frame / 30.0, .gap = false}, set,
                        {dff, f, f, f, f})) {
      throw std::logic_error("TraceHistory refused a row");
    }
  }
}

void HistoryQuery(benchmark::State& state) {
  static TraceHistory history(std::size_t{1250} << 20);
  if (history.sessions().empty()) fill(history, 0, kHourFrames);
  const calmon::HistoryQuery query{.session = 0,
                                   .first_frame = 0,
                                   .last_frame = -1,
                                   .points = state.range(0),
                                   .roi_ids = {},
                                   .traces = {calmon::HistoryTrace::kDff}};
  for (auto _ : state) {
    const calmon::HistoryAnswer answer = history.query(query);
    benchmark::DoNotOptimize(answer.series.data());
  }
  state.counters["held_mib"] = static_cast<double>(history.bytes()) / (1 << 20);
}
BENCHMARK(HistoryQuery)->ArgName("points")->Arg(2000)->Unit(benchmark::kMillisecond);

void HistoryAppend(benchmark::State& state) {
  TraceHistory history(std::size_t{64} << 20);
  const HistoryRoiSet set = roi_set();
  const std::vector<double> dff = row(0, 1.0), f = row(0, 100.0);
  std::int64_t frame = 0;
  for (auto _ : state) {
    if (!history.append({.session = 1, .frame_index = frame++, .time_s = 0.0, .gap = false}, set, {dff, f, f, f, f})) {
      state.SkipWithError("TraceHistory refused a row");
      break;
    }
  }
}
BENCHMARK(HistoryAppend)->ArgName("rois")->Arg(kRois)->Unit(benchmark::kMicrosecond);

void HandOver(benchmark::State& state) {
  calmon::pb::TraceUpdate update;
  const std::vector<double> values = row(7, 100.0);
  for (auto* field :
       {update.mutable_f(), update.mutable_fneu(), update.mutable_fcorr(), update.mutable_f0(), update.mutable_dff()}) {
    field->Assign(values.begin(), values.end());
  }
  for (int i = 0; i < kRois; ++i) update.add_flags(0);
  std::vector<std::uint8_t> payload;
  for (auto _ : state) {
    const std::size_t size = update.ByteSizeLong();
    payload.resize(size);
    if (state.range(0) == 0) {
      update.SerializeWithCachedSizesToArray(payload.data());
    } else {
      std::string bytes = update.SerializeAsString();
      std::memcpy(payload.data(), bytes.data(), bytes.size());
      benchmark::DoNotOptimize(bytes.data());
    }
    benchmark::DoNotOptimize(payload.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * update.ByteSizeLong()));
}
BENCHMARK(HandOver)->ArgName("copy")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
