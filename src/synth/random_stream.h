// random_stream.h — a seeded random number stream with the same output on every machine.
//
// The generator is xoshiro256** (Blackman & Vigna), seeded through splitmix64. The
// standard library's engines are portable but its distributions are not: how
// std::normal_distribution or std::poisson_distribution turns bits into numbers is up to
// each library. So the samplers here are written out: uniform from the top 53 bits,
// normal by Marsaglia's polar method, exponential by inversion, Poisson by inversion for
// small means and by Hörmann's transformed rejection (PTRS) for large ones — all on
// portable_math, so a given seed gives the same numbers everywhere.
//
// Independent streams: `RandomStream::for_stream(seed, purpose, index)` derives a
// stream from the movie seed, a purpose tag and an index (a frame, a cell), so frame t's
// noise can be drawn without drawing frames 0..t-1 first.
#pragma once

#include <cstdint>

namespace calmon::synth {

// splitmix64's output function: a bijective 64-bit mix.
std::uint64_t splitmix64_mix(std::uint64_t x);

class RandomStream {
 public:
  explicit RandomStream(std::uint64_t seed);
  static RandomStream for_stream(std::uint64_t seed, std::uint64_t purpose, std::uint64_t index);

  std::uint64_t next_u64();
  double uniform();                         // [0, 1), 53 random bits
  double uniform(double low, double high);  // [low, high)
  double normal();                          // mean 0, standard deviation 1
  double exponential(double mean);
  std::int64_t poisson(double mean);  // mean >= 0

 private:
  std::int64_t poisson_by_inversion(double mean);
  std::int64_t poisson_by_rejection(double mean);

  std::uint64_t state_[4];
  double spare_normal_ = 0;
  bool has_spare_normal_ = false;
};

}  // namespace calmon::synth
