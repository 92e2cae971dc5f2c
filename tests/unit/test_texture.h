// test_texture.h — a textured test image that can be moved by any (subpixel) amount exactly.
//
// Gaussian blobs of random place, size and brightness, evaluated at any position, so a
// shifted copy is computed, not interpolated. The blobs are small (σ about 1 px) so the
// texture has power up to the Nyquist frequency, as a real image with its noise has:
// phase correlation weighs every frequency alike.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "core/frame_view.h"

namespace calmon::testing {

class Texture {
 public:
  explicit Texture(unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> place(-20.0, 150.0), size(0.7, 1.6), brightness(50.0, 400.0);
    for (int i = 0; i < 1500; ++i) blobs_.push_back({place(rng), place(rng), size(rng), brightness(rng)});
  }
  double at(double y, double x) const {
    double value = 100.0;
    for (const Blob& b : blobs_) {
      if (std::abs(y - b.y) > 8.0 || std::abs(x - b.x) > 8.0) continue;  // below 1e-10 of it
      const double d2 = (y - b.y) * (y - b.y) + (x - b.x) * (x - b.x);
      value += b.brightness * std::exp(-d2 / (2.0 * b.size * b.size));
    }
    return value;
  }
  // The texture with its content moved by (ty, tx): image(y, x) = at(y − ty, x − tx).
  std::vector<float> image(FrameShape shape, double ty = 0.0, double tx = 0.0) const {
    std::vector<float> pixels(shape.pixel_count());
    for (int y = 0; y < shape.height; ++y) {
      for (int x = 0; x < shape.width; ++x) pixels[y * shape.width + x] = static_cast<float>(at(y - ty, x - tx));
    }
    return pixels;
  }

 private:
  struct Blob {
    double y, x, size, brightness;
  };
  std::vector<Blob> blobs_;
};

}  // namespace calmon::testing
