// calcium_trace.h — a train of events convolved with a calcium-indicator kernel.
//
// Each spike (or, for the neuropil, each population event) adds a transient of fixed
// shape: a fast rise and an exponential decay, the difference of two exponentials
// scaled to peak at 1. The trace is the sum of the transients times their amplitudes,
// so `value_at(t)` is the true ΔF/F of a cell at time t.
//
// Random access in O(log n + k): events are kept sorted, and a transient is cut off
// after `kernel.support_s()` (12 decay constants, below 1e-5 of its peak), so only the
// k events in that window are summed. Frame t can be asked for without computing frames
// 0..t-1, and the memory is the event list, not a per-frame array.
#pragma once

#include <vector>

namespace calmon::synth {

class CalciumKernel {
 public:
  // rise_s < decay_s, both > 0; throws calmon::Error otherwise.
  CalciumKernel(double rise_s, double decay_s);

  double rise_s() const { return rise_s_; }
  double decay_s() const { return decay_s_; }
  // Time after the event at which the transient peaks.
  double peak_time_s() const { return peak_time_s_; }
  // Time after which the transient is taken to be zero.
  double support_s() const { return 12.0 * decay_s_; }
  // The transient `dt` seconds after its event: 0 before, 1 at the peak.
  double value(double dt) const;

 private:
  double rise_s_;
  double decay_s_;
  double peak_time_s_;
  double peak_scale_;
};

struct CalciumEvent {
  double time_s = 0;
  double amplitude = 0;
};

class CalciumTrace {
 public:
  // Events in any order; they are sorted by time.
  CalciumTrace(CalciumKernel kernel, std::vector<CalciumEvent> events);

  const CalciumKernel& kernel() const { return kernel_; }
  const std::vector<CalciumEvent>& events() const { return events_; }
  // Σ amplitude · kernel(time_s − event time) over the events.
  double value_at(double time_s) const;

 private:
  CalciumKernel kernel_;
  std::vector<CalciumEvent> events_;
};

}  // namespace calmon::synth
