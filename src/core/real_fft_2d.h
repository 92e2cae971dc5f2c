// real_fft_2d.h — one 2-D real-to-complex FFT size, planned once, run many times.
//
// Holds FFTW3 single-precision plans (fftwf) for a height x width real image and its
// half spectrum (height x (width/2 + 1) complex values, the last axis halved as numpy's
// rfft2 does), with the aligned buffers they run on. Plans are made in the constructor
// and destroyed in the destructor, each under one process-wide mutex because FFTW's
// planner is not thread-safe (fftwf_execute is, on distinct plans, so forward() and
// inverse() need no lock). The planner runs with FFTW_ESTIMATE: planning is immediate
// and the plan depends only on the size, never on timings, so every run of calmon on
// every machine with the same FFTW picks the same algorithm and rounds the same way
// (FFTW_MEASURE times candidates, may pick differently from run to run, and costs
// ~0.1-1 s per size). Nothing here allocates after construction.
#pragma once

#include <complex>
#include <cstddef>

#include "core/frame_view.h"

struct fftwf_plan_s;  // FFTW's opaque plan (fftw3.h stays out of this header)

namespace calmon {

class RealFft2d {
 public:
  explicit RealFft2d(FrameShape shape);  // Error for a size FFTW cannot plan
  ~RealFft2d();
  RealFft2d(const RealFft2d&) = delete;
  RealFft2d& operator=(const RealFft2d&) = delete;

  FrameShape shape() const { return shape_; }
  int spectrum_width() const { return shape_.width / 2 + 1; }
  std::size_t spectrum_size() const { return static_cast<std::size_t>(shape_.height) * spectrum_width(); }

  // The real image, row-major: forward()'s input, inverse()'s output.
  float* image() { return image_; }
  // The half spectrum, row-major (spectrum_width() values a row): forward()'s output,
  // inverse()'s input.
  std::complex<float>* spectrum() { return spectrum_; }

  void forward();  // image → spectrum (unnormalized, numpy's rfft2)
  void inverse();  // spectrum → image, scaled by width*height (numpy's irfft2 times that);
                   // overwrites the spectrum

 private:
  FrameShape shape_;
  float* image_ = nullptr;
  std::complex<float>* spectrum_ = nullptr;
  fftwf_plan_s* forward_plan_ = nullptr;
  fftwf_plan_s* inverse_plan_ = nullptr;
};

}  // namespace calmon
