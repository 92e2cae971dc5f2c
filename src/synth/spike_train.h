// spike_train.h — random spike times of one neuron: Poisson bursts.
//
// Cortical neurons under a calcium indicator show up as sparse events, many of them
// short bursts. The model: burst onsets are a Poisson process of rate `burst_rate_hz`;
// a burst has 1 + Poisson(`mean_extra_spikes`) spikes separated by intervals drawn
// uniformly from [min_interval_s, max_interval_s). One spike gives a small transient,
// a burst of three or four gives ΔF/F of one to two — the range seen in GCaMP data.
#pragma once

#include <vector>

#include "synth/random_stream.h"

namespace calmon::synth {

struct BurstStatistics {
  double burst_rate_hz = 0.12;
  double mean_extra_spikes = 1.0;
  double min_interval_s = 0.015;
  double max_interval_s = 0.05;
};

// Sorted spike times in [0, duration_s).
std::vector<double> draw_spike_times(const BurstStatistics& statistics, double duration_s, RandomStream& random);

}  // namespace calmon::synth
