// baseline.cc — baseline settings and the factory that picks the implementation.
#include "core/baseline.h"


#include "core/cumulative_baseline.h"
#include "core/error.h"
#include "core/format_number.h"
#include "core/gaussian_window.h"
#include "core/maximin_baseline.h"
#include "core/moving_baseline.h"

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

std::unique_ptr<Baseline> make_baseline(const BaselineSettings& settings) {
  settings.validate();
  switch (settings.kind) {
    case BaselineSettings::Kind::kCumulativeMean:
      return std::make_unique<CumulativeBaseline>(std::nullopt);
    case BaselineSettings::Kind::kCumulativeQuantile:
      return std::make_unique<CumulativeBaseline>(settings.quantile);
    case BaselineSettings::Kind::kMovingQuantile:
      return std::make_unique<MovingBaseline>(settings.window, settings.quantile);
    case BaselineSettings::Kind::kMaximin:
      return std::make_unique<MaximinBaseline>(settings.window, settings.sigma);
  }
  throw Error("unknown baseline kind");
}

}  // namespace calmon
