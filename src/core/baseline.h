// baseline.h — the baseline F0 of one ROI's trace, live and settled.
//
// Every baseline answers twice (docs/baselines.md): a live F0 for the sample just pushed, from
// the samples so far; and, later, the settled F0 of an earlier sample, the value the
// notebook's offline computation gives. Settled values arrive in frame order, each with
// its sample, `settled_lag()` samples late (a moving window's (w - 1) / 2), or all at
// finish() for cumulative baselines, whose offline value needs the whole trace.
//
// Kinds (BaselineSettings):
//   cumulative mean / quantile  np.mean / np.median / np.percentile of the trace
//   moving quantile             median_filter / percentile_filter(F, w), live: trailing window
//   maximin                     Suite2p: gaussian_filter1d, minimum_filter1d, maximum_filter1d
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/quantile.h"

namespace calmon {

struct BaselineSettings {
  enum class Kind { kCumulativeMean, kCumulativeQuantile, kMovingQuantile, kMaximin };
  Kind kind = Kind::kMovingQuantile;
  std::int64_t window = 501;                       // moving quantile, maximin
  QuantileSpec quantile = QuantileSpec::median();  // cumulative / moving quantile
  double sigma = 0.0;                              // maximin smoothing, in frames

  // Throws calmon::Error on a window < 1 or a sigma outside [0, GaussianWindow::kMaxSigma].
  void validate() const;
  // "moving median, window 501", for summaries and messages.
  std::string describe() const;
  // The most bytes a baseline of these (valid) settings holds at once, whatever its
  // trace: its object and every buffer at its window's size, the centered filters'
  // warm-up copies included (they live while the first window fills). Per window frame
  // about 40 bytes for a moving quantile (20 once the window is full) and 120 for
  // maximin (88 once full), plus about 28 per frame of maximin's gaussian (2 * int(4 *
  // sigma + 0.5) + 1 frames). Finishing a trace briefly takes one more window's worth,
  // for the baseline being finished. A cumulative baseline counts its object only: it
  // keeps the whole trace, 8 bytes a frame (16 for a quantile), which no window bounds.
  std::uint64_t max_state_bytes() const;
  // Baseline::settled_lag() of a baseline of these (valid) settings, without building it.
  std::int64_t settled_lag() const;
};

// A sample with its settled baseline.
struct SettledSample {
  double f;
  double f0;
};

class Baseline {
 public:
  virtual ~Baseline() = default;

  // Adds the next sample of the trace and returns its live F0. Appends the samples whose
  // settled F0 became known with it, in frame order.
  virtual double push(double f, std::vector<SettledSample>& settled) = 0;
  // End of the trace: appends every sample not yet settled, in frame order.
  virtual void finish(std::vector<SettledSample>& settled) = 0;
  // How many samples after its own a sample's settled F0 arrives; -1: only at finish().
  virtual std::int64_t settled_lag() const = 0;
  // Forgets every sample: a new trace starts.
  virtual void clear() = 0;
  // A hint, with no effect on any result: the next push() is coming soon, so start
  // fetching the memory it will touch beyond the object's first kHotBytes. Worth it when
  // many baselines are pushed in turn (one per ROI per frame) and their state no longer
  // fits in the caches: prefetch the object's first kHotBytes a few pushes ahead, then
  // call this a couple of pushes ahead, when it reads the object from the cache. The
  // default does nothing.
  virtual void prefetch() const {}
  // The same for the lines found through those prefetch() fetched: call it a push or so
  // after prefetch(), when they are in. The default does nothing.
  virtual void prefetch_deeper() const {}
  // How much of the object a caller prefetches ahead: a moving quantile's push reads
  // no more of it; maximin's larger object reads beyond, unfetched.
  static constexpr std::size_t kHotBytes = 192;
};

std::unique_ptr<Baseline> make_baseline(const BaselineSettings& settings);

}  // namespace calmon
