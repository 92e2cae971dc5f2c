// baseline.cc — baseline settings and the factory that picks the implementation.
#include "core/baseline.h"

#include "core/cumulative_baseline.h"
#include "core/error.h"
#include "core/format_number.h"
#include "core/gaussian_window.h"
#include "core/maximin_baseline.h"
#include "core/moving_baseline.h"
#include "core/moving_quantile.h"

namespace calmon {

void BaselineSettings::validate() const {
  if ((kind == Kind::kMovingQuantile || kind == Kind::kMaximin) && window < 1) {
    throw Error("baseline window " + std::to_string(window) + " is below 1");
  }
  if (kind == Kind::kMaximin && !(sigma >= 0.0 && sigma <= GaussianWindow::kMaxSigma)) {  // false for NaN too
    throw Error("maximin sigma " + format_number(sigma) + " must be between 0 (no smoothing) and " +
                format_number(GaussianWindow::kMaxSigma) + " frames");
  }
}

std::string BaselineSettings::describe() const {
  switch (kind) {
    case Kind::kCumulativeMean: return "cumulative mean";
    case Kind::kCumulativeQuantile: return "cumulative " + quantile.describe();
    case Kind::kMovingQuantile: return "moving " + quantile.describe() + ", window " + std::to_string(window);
    case Kind::kMaximin: return "maximin, window " + std::to_string(window) + ", sigma " + format_number(sigma);
  }
  return "unknown";
}

namespace {

// A centered filter holds its trailing reducer and, while the first window fills, a
// warm-up copy of it (none for a window of 1: nothing lies behind the first sample).
std::uint64_t reducers_of_centered(std::int64_t window) { return window >= 2 ? 2 : 1; }

std::uint64_t maximin_bytes(std::int64_t window, double sigma) {
  const auto w = static_cast<std::uint64_t>(window);
  const auto radius = static_cast<std::uint64_t>(GaussianWindow::radius_for(sigma));
  const std::uint64_t lag = radius + 2 * ((w - 1) / 2);
  // The gaussian: its weights (radius + 1) and its ring of 2 * radius + 1 samples.
  const std::uint64_t gaussian = sizeof(double) * (radius + 1 + 2 * radius + 1);
  // The centered minimum and maximum: a ring of the samples, and their queues.
  constexpr std::uint64_t kQueueEntry = MovingMin::kEntryBytes;
  const std::uint64_t centered_extremum = sizeof(double) * w + reducers_of_centered(window) * kQueueEntry * w;
  return sizeof(MaximinBaseline) + reducers_of_centered(2 * static_cast<std::int64_t>(radius) + 1) * gaussian +
         2 * centered_extremum + 2 * kQueueEntry * w +  // the live minimum and maximum
         sizeof(double) * (lag + 1);                    // the samples awaiting their settled value
}

}  // namespace

std::uint64_t BaselineSettings::max_state_bytes() const {
  switch (kind) {
    case Kind::kCumulativeMean:
    case Kind::kCumulativeQuantile: return sizeof(CumulativeBaseline);
    case Kind::kMovingQuantile:
      return sizeof(MovingBaseline) + reducers_of_centered(window) * MovingQuantile::block_bytes(window, quantile);
    case Kind::kMaximin: return maximin_bytes(window, sigma);
  }
  return 0;
}

std::int64_t BaselineSettings::settled_lag() const {
  switch (kind) {
    case Kind::kCumulativeMean:
    case Kind::kCumulativeQuantile: return -1;
    case Kind::kMovingQuantile: return (window - 1) / 2;
    case Kind::kMaximin: return GaussianWindow::radius_for(sigma) + 2 * ((window - 1) / 2);
  }
  return -1;
}

std::unique_ptr<Baseline> make_baseline(const BaselineSettings& settings) {
  settings.validate();
  switch (settings.kind) {
    case BaselineSettings::Kind::kCumulativeMean: return std::make_unique<CumulativeBaseline>(std::nullopt);
    case BaselineSettings::Kind::kCumulativeQuantile: return std::make_unique<CumulativeBaseline>(settings.quantile);
    case BaselineSettings::Kind::kMovingQuantile:
      return std::make_unique<MovingBaseline>(settings.window, settings.quantile);
    case BaselineSettings::Kind::kMaximin: return std::make_unique<MaximinBaseline>(settings.window, settings.sigma);
  }
  throw Error("unknown baseline kind");
}

}  // namespace calmon
