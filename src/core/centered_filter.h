// centered_filter.h — scipy.ndimage's centered window filters, streamed sample by sample.
//
// scipy filters a trace with a window centered on each sample: for a size w the window
// of sample t is [t - w/2, t - w/2 + w - 1] (w/2 behind, (w - 1)/2 ahead), and beyond
// the ends the trace is mirrored ('reflect': d c b a | a b c d | d c b a, repeating with
// period 2n when the window is longer than the trace). Read as a stream, that is a
// trailing window over the mirrored sequence e[j] = x[reflect(j - w/2)]:
//  - for t >= w/2 the window of t is exactly the last w samples when sample t + (w-1)/2
//    arrives, so one trailing reducer fed with the samples answers it (`trailing()`,
//    which the moving baseline also reads for its live value);
//  - for the first w/2 outputs a second, warm-up reducer is fed the mirrored head
//    x[w/2 - 1] ... x[0] followed by the samples, and is dropped once they are out;
//  - at the end of the stream the last (w - 1)/2 outputs come from one fresh reducer
//    fed the mirrored tail, built from the last w samples.
// So output t is published exactly `lag() = (w - 1) / 2` samples after sample t, and
// the outputs are scipy's, bit for bit, as long as the reducer computes the same value
// over the same window.
//
// A Reducer is a copyable trailing-window computation of fixed size w with
// `void push(double)`, `double value() const` (over a full window) and `void clear()`
// (which makes it a fresh reducer: the warm-up and tail reducers are cleared copies).
// The warm-up and the tail re-read the last w samples. A reducer that keeps them itself
// (`window()` >= w and `double recent(age) const`, the sample pushed age pushes ago,
// exactly as pushed or as it orders it) serves them from the trailing reducer; for any
// other the filter keeps its own ring of the last w samples (8 bytes per sample, taken as
// they arrive: sample_ring.h).
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/sample_ring.h"

namespace calmon {

// scipy's 'reflect' mode: the index in [0, n) that index i (any integer) mirrors to.
constexpr std::int64_t reflect_index(std::int64_t i, std::int64_t n) {
  const std::int64_t period = 2 * n;
  std::int64_t m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

// A reducer that can give back the last samples it was fed (see above).
template <class Reducer>
concept KeepsRecentSamples = requires(const Reducer& r, std::int64_t age) {
  { r.window() } -> std::convertible_to<std::int64_t>;
  { r.recent(age) } -> std::convertible_to<double>;
};

template <class Reducer> class CenteredFilter {
 public:
  // `empty` is a fresh reducer over a window of `window` samples.
  CenteredFilter(std::int64_t window, Reducer empty)
      : trailing_(std::move(empty)), window_(window), behind_(window / 2), ahead_((window - 1) / 2), recent_(window) {
    if (window < 1) throw Error("window " + std::to_string(window) + " is below 1");
    if constexpr (kReducerKeepsSamples) {
      if (trailing_.window() < window) {
        throw Error("internal: a reducer over " + std::to_string(trailing_.window()) +
                    " samples cannot serve a centered window of " + std::to_string(window));
      }
    }
  }

  std::int64_t window() const { return window_; }
  std::int64_t lag() const { return ahead_; }
  std::int64_t samples() const { return samples_; }
  std::int64_t next_output() const { return next_output_; }
  // The reducer over the last min(samples, window) samples: the causal view.
  const Reducer& trailing() const { return trailing_; }

  // Adds the next sample; returns the output for frame next_output() once its whole
  // window has arrived (at most one per sample).
  std::optional<double> push(double x) {
    if constexpr (!kReducerKeepsSamples) recent_.push(x);
    ++samples_;
    trailing_.push(x);
    // The warm-up reducer lives only while the first `behind` outputs are pending.
    if (next_output_ < behind_) feed_warm_up(x);
    if (next_output_ + ahead_ > samples_ - 1) return std::nullopt;
    const double output = next_output_ < behind_ ? warm_up_->value() : trailing_.value();
    if (++next_output_ == behind_) warm_up_.reset();
    return output;
  }

  // End of stream: appends the outputs of every frame not yet published, in order.
  void finish(std::vector<double>& outputs) {
    const std::int64_t n = samples_;
    const std::int64_t first = next_output_;
    if (first >= n) return;
    // Every index the remaining windows mirror to lies within the last w samples.
    const auto sample = [&](std::int64_t j) { return at(reflect_index(j, n)); };
    Reducer tail = fresh();
    for (std::int64_t j = first - behind_; j < first - behind_ + window_; ++j) tail.push(sample(j));
    outputs.push_back(tail.value());
    for (std::int64_t t = first + 1; t < n; ++t) {
      tail.push(sample(t + ahead_));
      outputs.push_back(tail.value());
    }
    next_output_ = n;
    warm_up_.reset();
  }

  void clear() {
    samples_ = 0;
    next_output_ = 0;
    trailing_.clear();
    warm_up_.reset();
    recent_.clear();
  }

 private:
  // The warm-up reducer sees e[j] = x[reflect(j - behind)]: once `behind` samples are
  // in, the mirrored head x[behind - 1] ... x[0] and those samples, then every sample.
  void feed_warm_up(double x) {
    if (samples_ == behind_) {
      warm_up_.emplace(fresh());
      for (std::int64_t i = behind_ - 1; i >= 0; --i) warm_up_->push(at(i));
      for (std::int64_t i = 0; i < behind_; ++i) warm_up_->push(at(i));
    } else if (warm_up_) {
      warm_up_->push(x);
    }
  }
  static constexpr bool kReducerKeepsSamples = KeepsRecentSamples<Reducer>;

  // Sample i, one of the last min(samples, w).
  double at(std::int64_t i) const {
    if constexpr (kReducerKeepsSamples) {
      return trailing_.recent(samples_ - 1 - i);
    } else {
      return recent_.at(i);
    }
  }
  Reducer fresh() const {
    Reducer r = trailing_;
    r.clear();
    return r;
  }

  // What every push reads, first (the trailing reducer starts with its own hot fields);
  // the warm-up reducer and the ring are cold once the first outputs are out.
  Reducer trailing_;
  std::int64_t samples_ = 0;
  std::int64_t next_output_ = 0;
  std::int64_t window_;
  std::int64_t behind_;  // w / 2 samples before t in its window
  std::int64_t ahead_;   // (w - 1) / 2 samples after t
  std::optional<Reducer> warm_up_;
  SampleRing recent_;  // unless the reducer keeps them: the last w samples (empty otherwise)
};

}  // namespace calmon
