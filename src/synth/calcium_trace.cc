// calcium_trace.cc — double-exponential transients summed over a sorted event list.
#include "synth/calcium_trace.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "core/error.h"
#include "synth/portable_math.h"

namespace calmon::synth {

CalciumKernel::CalciumKernel(double rise_s, double decay_s) : rise_s_(rise_s), decay_s_(decay_s) {
  if (!(rise_s > 0) || !(decay_s > rise_s) || !std::isfinite(decay_s)) {
    throw Error("calcium kernel: need 0 < rise < decay, got rise " + std::to_string(rise_s) + " s, decay " +
                std::to_string(decay_s) + " s");
  }
  // d/dt [e^(-t/decay) - e^(-t/rise)] = 0 at t = ln(decay/rise) · rise·decay / (decay − rise).
  peak_time_s_ = portable_log(decay_s / rise_s) * rise_s * decay_s / (decay_s - rise_s);
  peak_scale_ = 1.0 / (portable_exp(-peak_time_s_ / decay_s) - portable_exp(-peak_time_s_ / rise_s));
}

double CalciumKernel::value(double dt) const {
  if (dt <= 0 || dt > support_s()) return 0.0;
  return peak_scale_ * (portable_exp(-dt / decay_s_) - portable_exp(-dt / rise_s_));
}

CalciumTrace::CalciumTrace(CalciumKernel kernel, std::vector<CalciumEvent> events)
    : kernel_(kernel), events_(std::move(events)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const CalciumEvent& a, const CalciumEvent& b) { return a.time_s < b.time_s; });
}

double CalciumTrace::value_at(double time_s) const {
  const double earliest = time_s - kernel_.support_s();
  auto it = std::lower_bound(events_.begin(), events_.end(), earliest,
                             [](const CalciumEvent& e, double t) { return e.time_s < t; });
  double sum = 0.0;
  for (; it != events_.end() && it->time_s < time_s; ++it) {
    sum += it->amplitude * kernel_.value(time_s - it->time_s);
  }
  return sum;
}

}  // namespace calmon::synth
