// cpu_features.h — which vector instruction sets this CPU runs, asked once.
//
// The hot loops are compiled for baseline x86-64 and again for AVX or AVX2
// ([[gnu::target]]), and pick one at run time, so one binary runs on any x86-64 without
// -march=native. Every such pair does the same arithmetic lane by lane, so both give the
// same bits.
#pragma once

namespace calmon {

inline bool cpu_has_avx() {
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") != 0;
  }();
  return have;
}

inline bool cpu_has_avx2() {
  static const bool have = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return have;
}

}  // namespace calmon
