// spike_train.cc — Poisson burst onsets, Poisson burst sizes (see spike_train.h).
#include "synth/spike_train.h"

#include <algorithm>
#include <cstdint>

namespace calmon::synth {

std::vector<double> draw_spike_times(const BurstStatistics& statistics, double duration_s, RandomStream& random) {
  std::vector<double> spikes;
  if (!(statistics.burst_rate_hz > 0)) return spikes;
  const double mean_gap_s = 1.0 / statistics.burst_rate_hz;
  for (double onset = random.exponential(mean_gap_s); onset < duration_s; onset += random.exponential(mean_gap_s)) {
    const std::int64_t count = 1 + random.poisson(statistics.mean_extra_spikes);
    double time = onset;
    for (std::int64_t i = 0; i < count && time < duration_s; ++i) {
      spikes.push_back(time);
      time += random.uniform(statistics.min_interval_s, statistics.max_interval_s);
    }
  }
  std::sort(spikes.begin(), spikes.end());  // a burst may run past the next onset
  return spikes;
}

}  // namespace calmon::synth
