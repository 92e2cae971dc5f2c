// detector.h — the camera / photomultiplier: photons in, pixel values out.
//
// Light arrives as photons, so the number detected in a pixel during a frame is Poisson
// with the expected count as its mean (shot noise). The electronics multiply by a gain,
// add an offset (so that noise around zero light is not clipped) and gaussian read
// noise; the ADC rounds and saturates at the pixel type's range. For the 16- and 32-bit
// types one count is one photon on an offset of 100, as in CaImAn's demoMovie.tif
// (background a few hundred counts); for uint8 the gain is 0.1 counts per photon so the
// movie fits 0..255. Float pixel types keep the unrounded value, as a processed movie
// (motion-corrected, averaged) would.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/pixel_type.h"
#include "synth/random_stream.h"

namespace calmon::synth {

struct Detector {
  double offset_counts = 100.0;
  double counts_per_photon = 1.0;
  double read_noise_counts = 4.0;

  static Detector for_pixel_type(PixelType type);

  // One noisy reading of a pixel that expects `photons`: offset + gain·Poisson + normal.
  double measure(double expected_photons, RandomStream& random) const;
  // The noise-free mean reading.
  double expected_counts(double expected_photons) const { return offset_counts + counts_per_photon * expected_photons; }
};

// A reading stored as pixel type T: integers round to nearest and saturate at T's
// range; floats are converted as they are.
template <class T> T to_pixel(double counts) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(counts);
  } else {
    constexpr double lowest = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double highest = static_cast<double>(std::numeric_limits<T>::max());
    const double rounded = std::floor(counts + 0.5);
    if (!(rounded > lowest)) return std::numeric_limits<T>::min();  // NaN saturates low
    if (rounded >= highest) return std::numeric_limits<T>::max();
    return static_cast<T>(rounded);
  }
}

}  // namespace calmon::synth
