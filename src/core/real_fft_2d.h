// real_fft_2d.h — one 2-D real-to-complex FFT size, planned once, run many times.
//
// Holds FFTW3 single-precision plans (fftwf) for a height x width real image and its
// half spectrum (height x (width/2 + 1) complex values, the last axis halved as numpy's
// rfft2 does), with the aligned buffers they run on. Plans are made in the constructor
// and destroyed in the destructor, each under one process-wide mutex because FFTW's
// planner is not thread-safe (fftwf_execute is, on distinct plans, so forward() and
// inverse_near_origin() need no lock). The planner runs with FFTW_ESTIMATE: planning is
// immediate and the plan depends only on the size, never on timings, so every run of
// calmon on every machine with the same FFTW picks the same algorithm and rounds the
// same way (FFTW_MEASURE times candidates, may pick differently from run to run, and
// costs ~0.1-1 s per size). Nothing here allocates after construction.
//
// The spectrum is stored transposed: one frequency column (all height values of one kx)
// after the other. A 2-D FFT is 1-D FFTs along x of every row, then along y of every
// column; FFTW's 2-D plans do the second pass on columns a row apart in memory, which
// for 512x512 costs 1.5 times the first. Here the rows are transformed 16 at a time
// into a small buffer, which is transposed into the spectrum while it is in the cache,
// and the second pass runs on contiguous values (twice as fast here).
//
// A registration needs only the correlation near zero shift: inverse_near_origin()
// computes only the image rows within `origin_reach` r of row 0 (cyclically): the 1-D
// inverse along y of every frequency column (contiguous, into a buffer of its own, so the
// spectrum is kept), then along x for those 2r + 1 rows only.
#pragma once

#include <complex>
#include <cstddef>

#include "core/frame_view.h"

struct fftwf_plan_s;  // FFTW's opaque plan (fftw3.h stays out of this header)

namespace calmon {

class RealFft2d {
 public:
  // Error for a size FFTW cannot plan, or an origin_reach r not in [0, height/2).
  RealFft2d(FrameShape shape, int origin_reach);
  ~RealFft2d();
  RealFft2d(const RealFft2d&) = delete;
  RealFft2d& operator=(const RealFft2d&) = delete;

  FrameShape shape() const { return shape_; }
  int origin_reach() const { return origin_reach_; }
  int spectrum_width() const { return shape_.width / 2 + 1; }  // frequency columns kx
  // From one frequency column to the next: height rounded up to 4 (32 bytes); the
  // padding is zero.
  int spectrum_stride() const { return (shape_.height + 3) / 4 * 4; }
  std::size_t spectrum_size() const { return static_cast<std::size_t>(spectrum_width()) * spectrum_stride(); }

  // The real image, row-major: forward()'s input, inverse_near_origin()'s output.
  float* image() { return image_; }
  // The half spectrum, transposed: value (ky, kx) at kx·spectrum_stride() + ky.
  // forward()'s output, inverse_near_origin()'s input.
  std::complex<float>* spectrum() { return spectrum_; }

  void forward();  // image → spectrum (unnormalized, numpy's rfft2)
  // spectrum → image rows 0..r and height − r..height − 1, scaled by width·height
  // (numpy's irfft2 times that); the other rows are left as they were, and so is the
  // spectrum.
  void inverse_near_origin();

 private:
  static constexpr int kBlockRows = 16;  // rows transformed, then transposed, at a time
  int block_stride() const { return (spectrum_width() + 3) / 4 * 4; }
  // Destroys every plan and frees every buffer made (null ones skipped); the caller holds
  // the planner mutex.
  void release();

  FrameShape shape_;
  int origin_reach_ = 0;
  float* image_ = nullptr;
  std::complex<float>* spectrum_ = nullptr;
  std::complex<float>* block_ = nullptr;          // kBlockRows rows' half spectra, block_stride() apart
  std::complex<float>* scratch_ = nullptr;        // the spectrum's size: the inverse along y
  std::complex<float>* near_ = nullptr;           // 2r + 1 rows, block_stride() apart: y = 0..r, −r..−1
  fftwf_plan_s* block_plan_ = nullptr;            // along x, kBlockRows rows
  fftwf_plan_s* last_block_plan_ = nullptr;       // along x, the height % kBlockRows last rows
  fftwf_plan_s* columns_plan_ = nullptr;          // along y, in place
  fftwf_plan_s* columns_inverse_plan_ = nullptr;  // along y, spectrum → scratch
  fftwf_plan_s* near_rows_plan_ = nullptr;        // along x, near_ → the image's rows 0..r
  fftwf_plan_s* far_rows_plan_ = nullptr;         // along x, near_ → rows height − r.. (r > 0)
};

}  // namespace calmon
