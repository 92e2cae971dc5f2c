// real_fft_2d.cc — FFTW plans made and destroyed under one mutex (the planner is not
// thread-safe), run without it; the transposes between the passes.
#include "core/real_fft_2d.h"

#include <fftw3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

#include "core/error.h"

namespace calmon {
namespace {

// FFTW's planner (plan creation and destruction) may run on one thread at a time; every
// RealFft2d in the process takes this lock around it.
std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::string size_text(FrameShape shape) { return std::to_string(shape.width) + "x" + std::to_string(shape.height); }

void destroy(fftwf_plan& plan) {
  if (plan != nullptr) fftwf_destroy_plan(plan);
  plan = nullptr;
}

using Floats4 = float __attribute__((vector_size(16)));

// out[kx·out_stride + y] = in[y·in_stride + kx] for y < rows, kx < columns: 2x2 blocks
// of complex values moved as two 16-byte vectors, then the odd row and column left.
void transpose_block(const std::complex<float>* in, std::size_t in_stride, int rows, int columns,
                     std::complex<float>* out, std::size_t out_stride) {
  const int even_rows = rows / 2 * 2, even_columns = columns / 2 * 2;
  for (int kx = 0; kx < even_columns; kx += 2) {
    std::complex<float>* first = out + kx * out_stride;
    std::complex<float>* second = first + out_stride;
    for (int y = 0; y < even_rows; y += 2) {
      Floats4 a, b;  // in(y, kx..kx+1), in(y+1, kx..kx+1)
      std::memcpy(&a, in + y * in_stride + kx, sizeof a);
      std::memcpy(&b, in + (y + 1) * in_stride + kx, sizeof b);
      const Floats4 low = __builtin_shufflevector(a, b, 0, 1, 4, 5), high = __builtin_shufflevector(a, b, 2, 3, 6, 7);
      std::memcpy(static_cast<void*>(first + y), &low, sizeof low);
      std::memcpy(static_cast<void*>(second + y), &high, sizeof high);
    }
    if (even_rows < rows) {
      first[even_rows] = in[even_rows * in_stride + kx];
      second[even_rows] = in[even_rows * in_stride + kx + 1];
    }
  }
  if (even_columns < columns) {
    std::complex<float>* last = out + even_columns * out_stride;
    for (int y = 0; y < rows; ++y) last[y] = in[y * in_stride + even_columns];
  }
}

fftwf_complex* fftw(std::complex<float>* p) { return reinterpret_cast<fftwf_complex*>(p); }  // same layout

}  // namespace

RealFft2d::RealFft2d(FrameShape shape, int origin_reach) : shape_(shape), origin_reach_(origin_reach) {
  if (shape.width < 1 || shape.height < 1) throw Error("FFT size " + size_text(shape) + " is empty");
  if (origin_reach < 0 || 2 * origin_reach >= shape.height) {
    throw Error("FFT origin reach " + std::to_string(origin_reach) + " rows is not from 0 to less than half of the " +
                size_text(shape) + " image");
  }
  const int height = shape.height, width = shape.width, columns = spectrum_width(), stride = spectrum_stride();
  const int block = block_stride(), r = origin_reach, near_rows = 2 * r + 1;
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  image_ = fftwf_alloc_real(shape.pixel_count());
  spectrum_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(spectrum_size()));
  scratch_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(spectrum_size()));
  block_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<std::size_t>(kBlockRows) * block));
  near_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<std::size_t>(near_rows) * block));
  bool planned = false;
  if (image_ != nullptr && spectrum_ != nullptr && scratch_ != nullptr && block_ != nullptr && near_ != nullptr) {
    std::fill(spectrum_, spectrum_ + spectrum_size(), std::complex<float>());
    std::fill(scratch_, scratch_ + spectrum_size(), std::complex<float>());
    const int full_blocks = height / kBlockRows, last_rows = height % kBlockRows;
    if (full_blocks > 0) {
      block_plan_ = fftwf_plan_many_dft_r2c(1, &width, kBlockRows, image_, nullptr, 1, width, fftw(block_), nullptr, 1,
                                            block, FFTW_ESTIMATE);
    }
    if (last_rows > 0) {
      float* last = image_ + static_cast<std::size_t>(full_blocks) * kBlockRows * width;
      last_block_plan_ = fftwf_plan_many_dft_r2c(1, &width, last_rows, last, nullptr, 1, width, fftw(block_), nullptr,
                                                 1, block, FFTW_ESTIMATE);
    }
    columns_plan_ = fftwf_plan_many_dft(1, &height, columns, fftw(spectrum_), nullptr, 1, stride, fftw(spectrum_),
                                        nullptr, 1, stride, FFTW_FORWARD, FFTW_ESTIMATE);
    columns_inverse_plan_ = fftwf_plan_many_dft(1, &height, columns, fftw(spectrum_), nullptr, 1, stride,
                                                fftw(scratch_), nullptr, 1, stride, FFTW_BACKWARD, FFTW_ESTIMATE);
    near_rows_plan_ = fftwf_plan_many_dft_c2r(1, &width, r + 1, fftw(near_), nullptr, 1, block, image_, nullptr, 1,
                                              width, FFTW_ESTIMATE);
    if (r > 0) {
      far_rows_plan_ = fftwf_plan_many_dft_c2r(1, &width, r, fftw(near_ + static_cast<std::size_t>(r + 1) * block),
                                               nullptr, 1, block, image_ + static_cast<std::size_t>(height - r) * width,
                                               nullptr, 1, width, FFTW_ESTIMATE);
    }
    planned = (full_blocks == 0 || block_plan_ != nullptr) && (last_rows == 0 || last_block_plan_ != nullptr) &&
              columns_plan_ != nullptr && columns_inverse_plan_ != nullptr && near_rows_plan_ != nullptr &&
              (r == 0 || far_rows_plan_ != nullptr);
  }
  if (!planned) {
    release();
    throw Error("FFTW could not plan a " + size_text(shape) + " real FFT");
  }
}

RealFft2d::~RealFft2d() {
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  release();
}

void RealFft2d::release() {
  for (fftwf_plan* plan :
       {&block_plan_, &last_block_plan_, &columns_plan_, &columns_inverse_plan_, &near_rows_plan_, &far_rows_plan_}) {
    destroy(*plan);
  }
  for (void* buffer : {static_cast<void*>(image_), static_cast<void*>(spectrum_), static_cast<void*>(scratch_),
                       static_cast<void*>(block_), static_cast<void*>(near_)}) {
    fftwf_free(buffer);
  }
}

void RealFft2d::forward() {
  const int height = shape_.height, width = shape_.width, columns = spectrum_width();
  const std::size_t stride = static_cast<std::size_t>(spectrum_stride()),
                    block = static_cast<std::size_t>(block_stride());
  for (int first = 0; first < height; first += kBlockRows) {
    const int rows = std::min(kBlockRows, height - first);
    float* in = image_ + static_cast<std::size_t>(first) * width;
    // New-array execution: the rows of every block have the alignment of the first.
    if (rows == kBlockRows) {
      fftwf_execute_dft_r2c(block_plan_, in, fftw(block_));
    } else {
      fftwf_execute(last_block_plan_);
    }
    transpose_block(block_, block, rows, columns, spectrum_ + first, stride);
  }
  fftwf_execute(columns_plan_);
}

void RealFft2d::inverse_near_origin() {
  fftwf_execute(columns_inverse_plan_);
  const int height = shape_.height, columns = spectrum_width(), r = origin_reach_;
  const std::size_t stride = static_cast<std::size_t>(spectrum_stride()),
                    block = static_cast<std::size_t>(block_stride());
  for (int kx = 0; kx < columns; ++kx) {
    const std::complex<float>* column = scratch_ + kx * stride;
    for (int i = 0; i <= r; ++i) near_[i * block + kx] = column[i];
    for (int i = 1; i <= r; ++i) near_[(r + i) * block + kx] = column[height - r - 1 + i];
  }
  fftwf_execute(near_rows_plan_);
  if (far_rows_plan_ != nullptr) fftwf_execute(far_rows_plan_);
}

}  // namespace calmon
