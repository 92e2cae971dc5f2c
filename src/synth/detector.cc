// detector.cc — shot noise, gain, offset, read noise (see detector.h).
#include "synth/detector.h"

namespace calmon::synth {

Detector Detector::for_pixel_type(PixelType type) {
  if (type == PixelType::kU8) return Detector{10.0, 0.1, 1.0};
  return Detector{};
}

double Detector::measure(double expected_photons, RandomStream& random) const {
  const double photons = static_cast<double>(random.poisson(expected_photons));
  return offset_counts + counts_per_photon * photons + read_noise_counts * random.normal();
}

}  // namespace calmon::synth
