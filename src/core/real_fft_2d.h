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
// The forward transform does two rows' real FFTs as one complex FFT: row 2j is the real
// part, row 2j + 1 the imaginary part of one complex row (input_row() lays them out so;
// an odd height's last row is paired with zeros). The two half spectra are separated from
// the complex one's values at kx and −kx, A = (Z(kx) + conj Z(−kx))/2 and
// B = (Z(kx) − conj Z(−kx))/2i — halving is exact in floating point — and FFTW's complex
// transforms, vectorized, cost half what its real ones do here.
//
// The spectrum is stored transposed: one frequency column (all height values of one kx)
// after the other. A 2-D FFT is 1-D FFTs along x of every row, then along y of every
// column; FFTW's 2-D plans do the second pass on columns a row apart in memory, which
// for 512x512 costs 1.5 times the first. Here the row pairs are transformed 8 at a time
// into a small buffer, separated and transposed into a scratch buffer while they are in
// the cache, and the second pass runs on contiguous values (twice as fast here), from the
// scratch buffer into the spectrum (in place, FFTW would copy through a buffer of its own).
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
  // From one frequency column to the next: height rounded up to 8 values (a 64-byte
  // cache line), and to an odd number of lines, so the columns do not all fall into the
  // same cache sets (512 values apart they would: 4096 bytes); the padding is zero.
  int spectrum_stride() const {
    const int lines = (shape_.height + 7) / 8;
    return 8 * (lines % 2 == 1 ? lines : lines + 1);
  }
  std::size_t spectrum_size() const { return static_cast<std::size_t>(spectrum_width()) * spectrum_stride(); }

  // forward()'s input: row y's pixel x at input_row(y)[x·kInputStep] (two rows are
  // interleaved as one complex row). Kept by forward().
  static constexpr int kInputStep = 2;
  float* input_row(int y) {
    return reinterpret_cast<float*>(pairs_ + static_cast<std::size_t>(y / 2) * shape_.width) + y % 2;
  }
  // inverse_near_origin()'s output: the real image, row-major.
  float* image() { return image_; }
  // The half spectrum, transposed: value (ky, kx) at kx·spectrum_stride() + ky.
  // forward()'s output, inverse_near_origin()'s input.
  std::complex<float>* spectrum() { return spectrum_; }

  void forward();  // input rows → spectrum (unnormalized, numpy's rfft2)
  // spectrum → image rows 0..r and height − r..height − 1, scaled by width·height
  // (numpy's irfft2 times that); the other rows are left as they were, and so is the
  // spectrum.
  void inverse_near_origin();

 private:
  static constexpr int kBlockPairs = 8;  // row pairs transformed, then transposed, at a time
  int block_stride() const { return (spectrum_width() + 3) / 4 * 4; }  // near_'s rows
  int row_pairs() const { return (shape_.height + 1) / 2; }
  void separate_and_transpose(int first_pair, int pairs);
  // Destroys every plan and frees every buffer made (null ones skipped); the caller holds
  // the planner mutex.
  void release();

  FrameShape shape_;
  int origin_reach_ = 0;
  float* image_ = nullptr;
  std::complex<float>* pairs_ = nullptr;  // row_pairs() complex rows of width values
  std::complex<float>* spectrum_ = nullptr;
  std::complex<float>* block_ = nullptr;          // kBlockPairs complex rows' spectra, width apart
  std::complex<float>* scratch_ = nullptr;        // the spectrum's size: the rows' spectra, transposed
                                                  // (forward), or the inverse along y
  std::complex<float>* near_ = nullptr;           // 2r + 1 rows, block_stride() apart: y = 0..r, −r..−1
  fftwf_plan_s* block_plan_ = nullptr;            // along x, kBlockPairs row pairs
  fftwf_plan_s* last_block_plan_ = nullptr;       // along x, the row_pairs() % kBlockPairs last pairs
  fftwf_plan_s* columns_plan_ = nullptr;          // along y, scratch_ → spectrum_
  fftwf_plan_s* columns_inverse_plan_ = nullptr;  // along y, spectrum → scratch
  fftwf_plan_s* near_rows_plan_ = nullptr;        // along x, near_ → the image's rows 0..r
  fftwf_plan_s* far_rows_plan_ = nullptr;         // along x, near_ → rows height − r.. (r > 0)
};

}  // namespace calmon
