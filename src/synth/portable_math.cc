// portable_math.cc — exp, log, sin from basic IEEE arithmetic (see portable_math.h).
//
// Each function reduces its argument exactly (Cody–Waite: the constant is split so that
// k * high_part has no rounding error) into a small interval, evaluates a Taylor
// polynomial long enough that the first dropped term is below 1e-17 relative, and
// rescales exactly (ldexp/frexp). No table, no libm call, no branch on the CPU.
#include "synth/portable_math.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace calmon::synth {
namespace {

// ln 2 split: kLn2High has its low 21 mantissa bits zero, so k * kLn2High is exact
// for |k| < 2^21.
constexpr double kLn2High = 6.93147180369123816490e-01;
constexpr double kLn2Low = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;

// pi/2 split into three parts; the first has 33 significant bits, so k * part is exact
// for |k| < 2^20.
constexpr double kHalfPi1 = 1.57079632673412561417e+00;
constexpr double kHalfPi2 = 6.07710050630396597660e-11;
constexpr double kHalfPi3 = 2.02226624879595063154e-21;
constexpr double kTwoOverPi = 6.36619772367581382433e-01;

constexpr double kHalfLogTwoPi = 0.91893853320467274178;

// Nearest integer, ties away from zero, independent of the rounding mode.
double round_half_away(double x) { return x >= 0 ? std::floor(x + 0.5) : -std::floor(-x + 0.5); }

// e^r for |r| <= ln2/2: Taylor to r^13 (next term < 4e-18).
double exp_reduced(double r) {
  double sum = 1.0;
  for (int n = 13; n >= 1; --n) sum = 1.0 + r * sum / n;
  return sum;
}

// sin and cos on |r| <= pi/4: Taylor to r^17 / r^18 (next terms < 1e-18).
double sin_reduced(double r) {
  const double r2 = r * r;
  double sum = 1.0;
  for (int n = 17; n >= 3; n -= 2) sum = 1.0 - r2 * sum / (n * (n - 1));
  return r * sum;
}
double cos_reduced(double r) {
  const double r2 = r * r;
  double sum = 1.0;
  for (int n = 18; n >= 2; n -= 2) sum = 1.0 - r2 * sum / (n * (n - 1));
  return sum;
}

}  // namespace

double portable_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.78) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  const double k = round_half_away(x * kInvLn2);
  const double r = (x - k * kLn2High) - k * kLn2Low;
  return std::ldexp(exp_reduced(r), static_cast<int>(k));
}

double portable_log(double x) {
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  int exponent = 0;
  double m = std::frexp(x, &exponent);  // x = m * 2^exponent, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    exponent -= 1;
  }
  // log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716: series to s^23 (next < 1e-18).
  const double f = m - 1.0;  // exact (Sterbenz)
  const double s = f / (2.0 + f);
  const double z = s * s;
  double series = 0.0;
  for (int n = 23; n >= 3; n -= 2) series = z * (1.0 / n + series);
  const double log_m = 2.0 * s + 2.0 * s * series;
  const double e = exponent;
  return e * kLn2High + (log_m + e * kLn2Low);
}

double portable_sin(double x) {
  if (!std::isfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  const double k = round_half_away(x * kTwoOverPi);
  const double r = ((x - k * kHalfPi1) - k * kHalfPi2) - k * kHalfPi3;
  const std::int64_t quadrant = static_cast<std::int64_t>(k) & 3;  // two's complement: k mod 4
  switch (quadrant) {
    case 0: return sin_reduced(r);
    case 1: return cos_reduced(r);
    case 2: return -sin_reduced(r);
    default: return -cos_reduced(r);
  }
}

double portable_log_factorial(double k) {
  if (k < 2) return 0.0;
  if (k < 18) {  // k! is exact in a double up to 18!
    double factorial = 1.0;
    for (double i = 2; i <= k; i += 1) factorial *= i;
    return portable_log(factorial);
  }
  // Stirling's series; the first dropped term is < 1e-14 absolute for k >= 18.
  const double inv = 1.0 / k;
  const double inv2 = inv * inv;
  const double correction = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
  return (k + 0.5) * portable_log(k) - k + kHalfLogTwoPi + correction;
}

}  // namespace calmon::synth
