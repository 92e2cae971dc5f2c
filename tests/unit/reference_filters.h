// reference_filters.h — slow, obviously-correct statements of numpy's and scipy's
// definitions, written straight from their documentation, for the tests to compare the
// incremental structures against. Sorting copies everywhere; no cleverness.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace calmon::reference {

// np.median of the values.
inline double numpy_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

// np.percentile(values, p) with method='linear'.
inline double numpy_percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double n_minus_1 = static_cast<double>(v.size() - 1);
  const double virtual_index = n_minus_1 * (p / 100.0);
  if (virtual_index >= n_minus_1) return v.back();
  const double below = std::floor(virtual_index);
  const double a = v[static_cast<std::size_t>(below)];
  const double b = v[static_cast<std::size_t>(below) + 1];
  const double t = virtual_index - below;
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// scipy.ndimage 'reflect' extension of index i into [0, n).
inline std::int64_t reflect(std::int64_t i, std::int64_t n) {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i;
}

// The centered window of sample t for a filter of size w, with mirrored ends.
inline std::vector<double> centered_window(const std::vector<double>& x, std::int64_t t, std::int64_t w) {
  const auto n = static_cast<std::int64_t>(x.size());
  std::vector<double> window;
  for (std::int64_t j = t - w / 2; j < t - w / 2 + w; ++j) window.push_back(x[reflect(j, n)]);
  return window;
}

// scipy's rank for percentile_filter(size=w, percentile=p); median: w // 2.
inline std::int64_t scipy_rank(std::int64_t w, bool median, double p) {
  if (median) return w / 2;
  if (p == 100.0) return w - 1;
  return static_cast<std::int64_t>(static_cast<double>(w) * p / 100.0);
}

// scipy.ndimage.rank_filter(x, rank, size=w, mode='reflect').
inline std::vector<double> scipy_rank_filter(const std::vector<double>& x, std::int64_t w, std::int64_t rank) {
  std::vector<double> out;
  for (std::int64_t t = 0; t < static_cast<std::int64_t>(x.size()); ++t) {
    std::vector<double> window = centered_window(x, t, w);
    std::sort(window.begin(), window.end());
    out.push_back(window[static_cast<std::size_t>(rank)]);
  }
  return out;
}

// The last min(t + 1, w) samples up to t.
inline std::vector<double> trailing_window(const std::vector<double>& x, std::size_t t, std::size_t w) {
  const std::size_t first = t + 1 >= w ? t + 1 - w : 0;
  return std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(first),
                             x.begin() + static_cast<std::ptrdiff_t>(t + 1));
}

}  // namespace calmon::reference
