// delta_f.h — ΔF and ΔF/F₀, and what a baseline that is not positive gives (NaN).
//
// ΔF/F₀ = (F - F0) / F0, computed in that order so it equals numpy's (F - F0) / F0 to
// the bit. A baseline F0 <= 0 (or NaN) makes the ratio meaningless: the answer is NaN,
// and callers flag the sample rather than publish a huge or sign-flipped number.
#pragma once

#include <limits>

namespace calmon {

inline bool baseline_usable(double f0) { return f0 > 0.0; }

inline double delta_f(double f, double f0) { return f - f0; }

inline double delta_f_over_f(double f, double f0) {
  return baseline_usable(f0) ? (f - f0) / f0 : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace calmon
