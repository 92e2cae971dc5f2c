// cumulative_baseline.h — F0 from every sample so far: np.mean, np.median, np.percentile.
//
// Live, F0 is the statistic of the trace up to now; settled, it is the statistic of the
// whole trace, which the notebook computes once at the end, so every sample is settled
// at finish(). The mean is a compensated (Neumaier) sum, within an ulp or two of the
// exact mean at any length; quantiles are exact (cumulative_quantile.h). The trace is
// kept for the settled output: 8 bytes per sample (16 for quantiles).
#pragma once

#include <cmath>
#include <optional>

#include "core/baseline.h"
#include "core/cumulative_quantile.h"

namespace calmon {

class CumulativeBaseline final : public Baseline {
 public:
  // nullopt: the mean; otherwise that quantile.
  explicit CumulativeBaseline(std::optional<QuantileSpec> quantile) {
    if (quantile) quantile_.emplace(*quantile);
  }

  double push(double f, std::vector<SettledSample>&) override {
    trace_.push_back(f);
    if (quantile_) {
      quantile_->push(f);
      return quantile_->quantile();
    }
    add_to_sum(f);
    return current_mean();
  }

  void finish(std::vector<SettledSample>& settled) override {
    if (trace_.empty()) return;
    const double f0 = quantile_ ? quantile_->quantile() : current_mean();
    for (double f : trace_) settled.push_back({f, f0});
    trace_.clear();
  }

  std::int64_t settled_lag() const override { return -1; }

  void clear() override {
    trace_.clear();
    if (quantile_) quantile_->clear();
    sum_ = compensation_ = 0.0;
    count_ = 0;
  }

 private:
  void add_to_sum(double f) {
    const double total = sum_ + f;
    compensation_ += std::fabs(sum_) >= std::fabs(f) ? (sum_ - total) + f : (f - total) + sum_;
    sum_ = total;
    ++count_;
  }
  double current_mean() const { return (sum_ + compensation_) / static_cast<double>(count_); }

  std::optional<CumulativeQuantile> quantile_;
  std::vector<double> trace_;
  double sum_ = 0.0;
  double compensation_ = 0.0;
  std::int64_t count_ = 0;
};

}  // namespace calmon
