// real_fft_2d.cc — FFTW plans made and destroyed under one mutex (the planner is not
// thread-safe), run without it; the transposes between the passes.
#include "core/real_fft_2d.h"

#include <fftw3.h>
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

#include "core/cpu_features.h"
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

// From the complex spectrum z (n values) of row a + i·row b, both rows' values at
// frequency k: A = (z(k) + conj z(−k))/2 and B = (z(k) − conj z(−k))/2i, written as
// {A, B} (4 floats): re A = (zr(k) + zr(−k))/2, im A = (zi(k) − zi(−k))/2,
// re B = (zi(k) + zi(−k))/2, im B = (zr(−k) − zr(k))/2.
void separate_one(const std::complex<float>* z, int n, int k, float* out) {
  const std::complex<float> p = z[k], m = z[(n - k) % n];
  out[0] = 0.5f * (p.real() + m.real());
  out[1] = 0.5f * (p.imag() - m.imag());
  out[2] = 0.5f * (p.imag() + m.imag());
  out[3] = 0.5f * (m.real() - p.real());
}

// The same for k and k + 1 (1 ≤ k, k + 2 ≤ n), z(−k − 1) and z(−k) loaded together:
// {zr, zi, zi, −zr}(k) + {zr, −zi, zi, zr}(−k), halved, the scalar arithmetic in each lane.
void separate_two(const std::complex<float>* z, int n, int k, float* out_k, float* out_next) {
  Floats4 p, m;  // z(k), z(k + 1); z(−k − 1), z(−k)
  std::memcpy(&p, z + k, sizeof p);
  std::memcpy(&m, z + n - k - 1, sizeof m);
  const Floats4 half = {0.5f, 0.5f, 0.5f, 0.5f}, own_sign = {1.0f, 1.0f, 1.0f, -1.0f},
                other_sign = {1.0f, -1.0f, 1.0f, 1.0f};
  const Floats4 at_k = half * (__builtin_shufflevector(p, p, 0, 1, 1, 0) * own_sign +
                               __builtin_shufflevector(m, m, 2, 3, 3, 2) * other_sign);
  const Floats4 at_next = half * (__builtin_shufflevector(p, p, 2, 3, 3, 2) * own_sign +
                                  __builtin_shufflevector(m, m, 0, 1, 1, 0) * other_sign);
  std::memcpy(out_k, &at_k, sizeof at_k);
  std::memcpy(out_next, &at_next, sizeof at_next);
}

using Floats8 = float __attribute__((vector_size(32)));

// separate_two for two row pairs at once with AVX: rows j and j + 1 of the block (their
// values at a frequency land side by side in the transposed spectrum) in the two 128-bit
// halves, every lane doing separate_two's arithmetic. For each pair (kx, kx + 1) from
// first_k in steps of 2 below end_k: rows j = 0, 2, ... below rows (even).
[[gnu::target("avx")]] void separate_two_rows_avx(const std::complex<float>* block, int n, int rows, int first_k,
                                                  int end_k, float* out, std::size_t out_column_floats) {
  const Floats8 half = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  const Floats8 own_sign = {1.0f, 1.0f, 1.0f, -1.0f, 1.0f, 1.0f, 1.0f, -1.0f};
  const Floats8 other_sign = {1.0f, -1.0f, 1.0f, 1.0f, 1.0f, -1.0f, 1.0f, 1.0f};
  for (int k = first_k; k + 2 <= end_k; k += 2) {
    float* out_k = out + k * out_column_floats;
    float* out_next = out_k + out_column_floats;
    for (int j = 0; j < rows; j += 2) {
      const std::complex<float>* z0 = block + static_cast<std::size_t>(j) * n;
      const std::complex<float>* z1 = z0 + n;
      // z(k), z(k + 1) of row j, then of row j + 1; z(−k − 1), z(−k) likewise.
      const Floats8 p =
          _mm256_loadu2_m128(reinterpret_cast<const float*>(z1 + k), reinterpret_cast<const float*>(z0 + k));
      const Floats8 m = _mm256_loadu2_m128(reinterpret_cast<const float*>(z1 + n - k - 1),
                                           reinterpret_cast<const float*>(z0 + n - k - 1));
      const Floats8 at_k = half * (__builtin_shufflevector(p, p, 0, 1, 1, 0, 4, 5, 5, 4) * own_sign +
                                   __builtin_shufflevector(m, m, 2, 3, 3, 2, 6, 7, 7, 6) * other_sign);
      const Floats8 at_next = half * (__builtin_shufflevector(p, p, 2, 3, 3, 2, 6, 7, 7, 6) * own_sign +
                                      __builtin_shufflevector(m, m, 0, 1, 1, 0, 4, 5, 5, 4) * other_sign);
      std::memcpy(out_k + 4 * j, &at_k, sizeof at_k);
      std::memcpy(out_next + 4 * j, &at_next, sizeof at_next);
    }
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
  pairs_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<std::size_t>(row_pairs()) * width));
  spectrum_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(spectrum_size()));
  scratch_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(spectrum_size()));
  block_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<std::size_t>(kBlockPairs) * width));
  near_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<std::size_t>(near_rows) * block));
  bool planned = false;
  if (image_ != nullptr && pairs_ != nullptr && spectrum_ != nullptr && scratch_ != nullptr && block_ != nullptr &&
      near_ != nullptr) {
    // Zero once: an odd height's last row has no partner, and nothing writes its slots.
    std::fill(pairs_, pairs_ + static_cast<std::size_t>(row_pairs()) * width, std::complex<float>());
    std::fill(spectrum_, spectrum_ + spectrum_size(), std::complex<float>());
    std::fill(scratch_, scratch_ + spectrum_size(), std::complex<float>());
    const int full_blocks = row_pairs() / kBlockPairs, last_pairs = row_pairs() % kBlockPairs;
    if (full_blocks > 0) {
      block_plan_ = fftwf_plan_many_dft(1, &width, kBlockPairs, fftw(pairs_), nullptr, 1, width, fftw(block_), nullptr,
                                        1, width, FFTW_FORWARD, FFTW_ESTIMATE);
    }
    if (last_pairs > 0) {
      std::complex<float>* last = pairs_ + static_cast<std::size_t>(full_blocks) * kBlockPairs * width;
      last_block_plan_ = fftwf_plan_many_dft(1, &width, last_pairs, fftw(last), nullptr, 1, width, fftw(block_),
                                             nullptr, 1, width, FFTW_FORWARD, FFTW_ESTIMATE);
    }
    // Out of place: in place, FFTW copies each batch of columns through a buffer.
    columns_plan_ = fftwf_plan_many_dft(1, &height, columns, fftw(scratch_), nullptr, 1, stride, fftw(spectrum_),
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
    planned = (full_blocks == 0 || block_plan_ != nullptr) && (last_pairs == 0 || last_block_plan_ != nullptr) &&
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
  for (void* buffer : {static_cast<void*>(image_), static_cast<void*>(pairs_), static_cast<void*>(spectrum_),
                       static_cast<void*>(scratch_), static_cast<void*>(block_), static_cast<void*>(near_)}) {
    fftwf_free(buffer);
  }
}

void RealFft2d::forward() {
  const int width = shape_.width, pairs = row_pairs();
  for (int first = 0; first < pairs; first += kBlockPairs) {
    const int count = std::min(kBlockPairs, pairs - first);
    // New-array execution: every block starts 8·width complex values after the previous
    // one, so it has the first one's alignment.
    if (count == kBlockPairs) {
      fftwf_execute_dft(block_plan_, fftw(pairs_ + static_cast<std::size_t>(first) * width), fftw(block_));
    } else {
      fftwf_execute(last_block_plan_);
    }
    separate_and_transpose(first, count);
  }
  fftwf_execute(columns_plan_);
}

// Rows 2j and 2j + 1 of the rows' spectra, j from first_pair, out of block_ into scratch_
// (transposed, the column pass's input): frequency column
// kx gets {A, B} of each pair, the pairs contiguous (an odd height's last pair only its A).
// Two columns at a time, every pair of the block for each: the writes stay together.
void RealFft2d::separate_and_transpose(int first_pair, int pairs) {
  const int width = shape_.width, columns = spectrum_width();
  const std::size_t stride = static_cast<std::size_t>(spectrum_stride());
  const bool unpaired_last = first_pair + pairs == row_pairs() && shape_.height % 2 == 1;
  const int full = unpaired_last ? pairs - 1 : pairs;
  float* transposed = reinterpret_cast<float*>(scratch_);
  const auto out = [&](int kx, int j) { return transposed + 4 * (kx * stride / 2 + first_pair + j); };
  const auto row = [&](int j) { return block_ + static_cast<std::size_t>(j) * width; };
  for (int j = 0; j < full; ++j) separate_one(row(j), width, 0, out(0, j));
  int kx = 1;
  const int end_two = std::min(columns, width);  // separate_two's pairs: kx + 2 ≤ this
  if (cpu_has_avx() && full >= 2) {
    const int even = full / 2 * 2;
    separate_two_rows_avx(block_, width, even, 1, end_two, out(0, 0), 2 * stride);
    for (kx = 1; kx + 2 <= end_two; kx += 2) {
      for (int j = even; j < full; ++j) separate_two(row(j), width, kx, out(kx, j), out(kx + 1, j));
    }
  } else {
    for (; kx + 2 <= end_two; kx += 2) {
      for (int j = 0; j < full; ++j) separate_two(row(j), width, kx, out(kx, j), out(kx + 1, j));
    }
  }
  for (; kx < columns; ++kx) {
    for (int j = 0; j < full; ++j) separate_one(row(j), width, kx, out(kx, j));
  }
  if (unpaired_last) {
    float values[4];
    for (kx = 0; kx < columns; ++kx) {
      separate_one(row(full), width, kx, values);
      std::memcpy(out(kx, full), values, 2 * sizeof(float));
    }
  }
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
