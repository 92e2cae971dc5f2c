// random_stream.cc — xoshiro256** and its samplers (see random_stream.h).
#include "synth/random_stream.h"

#include <cmath>

#include "core/error.h"
#include "synth/portable_math.h"

namespace calmon::synth {
namespace {

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;

std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Means below this are sampled by inversion (cost ~ mean), above by rejection (O(1)).
constexpr double kPoissonRejectionThreshold = 12.0;

}  // namespace

std::uint64_t splitmix64_mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

RandomStream::RandomStream(std::uint64_t seed) {
  std::uint64_t counter = seed;
  for (std::uint64_t& word : state_) {
    counter += kGoldenGamma;
    word = splitmix64_mix(counter);
  }
}

RandomStream RandomStream::for_stream(std::uint64_t seed, std::uint64_t purpose, std::uint64_t index) {
  std::uint64_t key = splitmix64_mix(seed + kGoldenGamma);
  key = splitmix64_mix(key ^ (purpose * kGoldenGamma + 1));
  key = splitmix64_mix(key ^ (index + 0x632BE59BD9B4E019ULL));
  return RandomStream(key);
}

std::uint64_t RandomStream::next_u64() {
  const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

double RandomStream::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1p-53; }

double RandomStream::uniform(double low, double high) { return low + (high - low) * uniform(); }

double RandomStream::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  // Marsaglia's polar method: a uniform point in the unit disk gives two normals.
  double u = 0, v = 0, s = 0;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double scale = std::sqrt(-2.0 * portable_log(s) / s);
  spare_normal_ = v * scale;
  has_spare_normal_ = true;
  return u * scale;
}

double RandomStream::exponential(double mean) {
  return -mean * portable_log(1.0 - uniform());  // 1 - u is in (0, 1]
}

std::int64_t RandomStream::poisson(double mean) {
  if (!(mean >= 0) || !std::isfinite(mean)) {
    throw Error("poisson: mean must be finite and >= 0, got " + std::to_string(mean));
  }
  if (mean == 0) return 0;
  return mean < kPoissonRejectionThreshold ? poisson_by_inversion(mean) : poisson_by_rejection(mean);
}

// Walks the cumulative distribution from 0 until it passes a uniform draw.
std::int64_t RandomStream::poisson_by_inversion(double mean) {
  const double u = uniform();
  double probability = portable_exp(-mean);
  double cumulative = probability;
  std::int64_t k = 0;
  while (u >= cumulative && k < 1000) {  // the cap only guards against rounding stalls
    ++k;
    probability *= mean / static_cast<double>(k);
    cumulative += probability;
  }
  return k;
}

// W. Hörmann, "The transformed rejection method for generating Poisson random
// variables", Insurance: Mathematics and Economics 12 (1993): PTRS, valid for mean >= 10.
std::int64_t RandomStream::poisson_by_rejection(double mean) {
  const double sqrt_mean = std::sqrt(mean);
  const double log_mean = portable_log(mean);
  const double b = 0.931 + 2.53 * sqrt_mean;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  const double log_inv_alpha = portable_log(inv_alpha);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    const double log_accept = portable_log(v) + log_inv_alpha - portable_log(a / (us * us) + b);
    if (log_accept <= -mean + k * log_mean - portable_log_factorial(k)) {
      return static_cast<std::int64_t>(k);
    }
  }
}

}  // namespace calmon::synth
