// trace_files.cc — one NpyAppender per quantity; see the header for the layout.
#include "io/trace_files.h"

#include <span>

namespace calmon::io {

namespace {
template <class T> std::span<const T> row(const std::vector<T>& values) { return {values.data(), values.size()}; }
}  // namespace

TraceFiles::TraceFiles(const std::string& directory, std::size_t roi_count, bool global_traces)
    : f_(directory + "/F.npy", {roi_count}),
      fneu_(directory + "/Fneu.npy", {roi_count}),
      fcorr_(directory + "/Fcorr.npy", {roi_count}),
      f0_live_(directory + "/F0_live.npy", {roi_count}),
      dff_live_(directory + "/dff_live.npy", {roi_count}),
      flags_live_(directory + "/flags_live.npy", {roi_count}),
      f0_settled_(directory + "/F0_settled.npy", {roi_count}),
      dff_settled_(directory + "/dff_settled.npy", {roi_count}),
      flags_settled_(directory + "/flags_settled.npy", {roi_count}) {
  if (global_traces) {
    global_mean_ = std::make_unique<Doubles>(directory + "/global_mean.npy");
    global_median_ = std::make_unique<Doubles>(directory + "/global_median.npy");
    global_min_ = std::make_unique<Doubles>(directory + "/global_min.npy");
  }
}

void TraceFiles::append_live(const FrameResult& result) {
  f_.append(row(result.f));
  fneu_.append(row(result.fneu));
  fcorr_.append(row(result.fcorr));
  f0_live_.append(row(result.f0));
  dff_live_.append(row(result.dff));
  flags_live_.append(row(result.flags));
  if (global_mean_ && result.global) {
    global_mean_->append(std::span<const double>(&result.global->mean, 1));
    global_median_->append(std::span<const double>(&result.global->median, 1));
    global_min_->append(std::span<const double>(&result.global->min, 1));
  }
}

void TraceFiles::append_settled(const SettledRow& settled) {
  f0_settled_.append(row(settled.f0));
  dff_settled_.append(row(settled.dff));
  flags_settled_.append(row(settled.flags));
}

void TraceFiles::flush() {
  for (Doubles* file : {&f_, &fneu_, &fcorr_, &f0_live_, &dff_live_, &f0_settled_, &dff_settled_}) file->flush();
  flags_live_.flush();
  flags_settled_.flush();
  for (auto* file : {global_mean_.get(), global_median_.get(), global_min_.get()}) {
    if (file) file->flush();
  }
}

}  // namespace calmon::io
