// real_fft_2d.h — one 2-D real-to-complex FFT size, planned once, run many times.
//
// Holds FFTW3 single-precision plans (fftwf) for a height x width real image and its
// half spectrum (height x (width/2 + 1) complex values, the last axis halved as numpy's
// rfft2 does), with the aligned buffers they run on. The spectrum's rows start every
// spectrum_stride() values, a multiple of 4 (32 bytes): with rows of width/2 + 1 values
// (odd for even widths) every other row would be misaligned, and FFTW's column pass
// could not use its SIMD code on them (~10% slower for 512x512). The padding is zero. Plans are made in the constructor
// and destroyed in the destructor, each under one process-wide mutex because FFTW's
// planner is not thread-safe (fftwf_execute is, on distinct plans, so forward() and
// inverse() need no lock). The planner runs with FFTW_ESTIMATE: planning is immediate
// and the plan depends only on the size, never on timings, so every run of calmon on
// every machine with the same FFTW picks the same algorithm and rounds the same way
// (FFTW_MEASURE times candidates, may pick differently from run to run, and costs
// ~0.1-1 s per size). Nothing here allocates after construction.
//
// A registration needs only the correlation near zero shift: with `origin_reach` r ≥ 0
// the constructor also plans inverse_near_origin(), which computes only the image rows
// within r of row 0 (cyclically). A 2-D inverse is the 1-D inverse along y of every
// spectrum column, then along x of every row; here the second stage runs on 2r + 1 rows
// instead of all of them (for r = 20 of a 512x512 image, 35% less than inverse()), and
// the first stage writes to a buffer of its own, so the spectrum is kept.
#pragma once

#include <complex>
#include <cstddef>

#include "core/frame_view.h"

struct fftwf_plan_s;  // FFTW's opaque plan (fftw3.h stays out of this header)

namespace calmon {

class RealFft2d {
 public:
  // Error for a size FFTW cannot plan, or an origin_reach of half the height or more.
  explicit RealFft2d(FrameShape shape, int origin_reach = -1);
  ~RealFft2d();
  RealFft2d(const RealFft2d&) = delete;
  RealFft2d& operator=(const RealFft2d&) = delete;

  FrameShape shape() const { return shape_; }
  int spectrum_width() const { return shape_.width / 2 + 1; }             // values used in a row
  int spectrum_stride() const { return (spectrum_width() + 3) / 4 * 4; }  // from one row to the next
  std::size_t spectrum_size() const { return static_cast<std::size_t>(shape_.height) * spectrum_stride(); }

  // The real image, row-major: forward()'s input, inverse()'s output.
  float* image() { return image_; }
  // The half spectrum, row-major (spectrum_width() values a row, spectrum_stride() apart):
  // forward()'s output, inverse()'s input.
  std::complex<float>* spectrum() { return spectrum_; }

  void forward();  // image → spectrum (unnormalized, numpy's rfft2)
  void inverse();  // spectrum → image, scaled by width*height (numpy's irfft2 times that);
                   // overwrites the spectrum
  // inverse() for image rows 0..r and height − r..height − 1 only (r = origin_reach); the
  // other rows are left as they were. Keeps the spectrum (unlike inverse()). Planned only
  // when the constructor got origin_reach ≥ 0.
  void inverse_near_origin();
  int origin_reach() const { return origin_reach_; }

 private:
  FrameShape shape_;
  float* image_ = nullptr;
  std::complex<float>* spectrum_ = nullptr;
  fftwf_plan_s* forward_plan_ = nullptr;
  fftwf_plan_s* inverse_plan_ = nullptr;
  int origin_reach_ = -1;
  std::complex<float>* scratch_ = nullptr;       // the spectrum's size: the first stage's output
  fftwf_plan_s* column_inverse_plan_ = nullptr;  // along y, every spectrum column, in place
  fftwf_plan_s* top_rows_plan_ = nullptr;        // along x, rows 0..r
  fftwf_plan_s* bottom_rows_plan_ = nullptr;     // along x, rows height − r..height − 1 (r > 0)
};

}  // namespace calmon
