// real_fft_2d.cc — FFTW plans made and destroyed under one mutex (the planner is not
// thread-safe), run without it.
#include "core/real_fft_2d.h"

#include <fftw3.h>

#include <algorithm>
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

}  // namespace

RealFft2d::RealFft2d(FrameShape shape, int origin_reach) : shape_(shape), origin_reach_(origin_reach) {
  if (shape.width < 1 || shape.height < 1) throw Error("FFT size " + size_text(shape) + " is empty");
  if (origin_reach >= 0 && 2 * origin_reach >= shape.height) {
    throw Error("FFT origin reach " + std::to_string(origin_reach) + " rows is not less than half of the " +
                size_text(shape) + " image");
  }
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  image_ = fftwf_alloc_real(shape.pixel_count());
  auto* spectrum = fftwf_alloc_complex(spectrum_size());
  spectrum_ = reinterpret_cast<std::complex<float>*>(spectrum);  // same layout (C++ [complex.numbers])
  bool planned = false;
  if (image_ != nullptr && spectrum != nullptr) {
    std::fill(spectrum_, spectrum_ + spectrum_size(), std::complex<float>());
    const int height = shape.height, width = shape.width, columns = spectrum_width(), stride = spectrum_stride();
    const int size[] = {height, width};
    const int spectrum_rows[] = {height, stride};  // FFTW's "nembed": the padded layout
    forward_plan_ =
        fftwf_plan_many_dft_r2c(2, size, 1, image_, nullptr, 1, 0, spectrum, spectrum_rows, 1, 0, FFTW_ESTIMATE);
    inverse_plan_ =
        fftwf_plan_many_dft_c2r(2, size, 1, spectrum, spectrum_rows, 1, 0, image_, nullptr, 1, 0, FFTW_ESTIMATE);
    planned = forward_plan_ != nullptr && inverse_plan_ != nullptr;
    if (planned && origin_reach >= 0) {
      const int r = origin_reach;
      auto* scratch = fftwf_alloc_complex(spectrum_size());
      scratch_ = reinterpret_cast<std::complex<float>*>(scratch);
      if (scratch != nullptr) {
        // Along y: `columns` transforms of `height` values a row apart, spectrum to scratch.
        column_inverse_plan_ = fftwf_plan_many_dft(1, &height, columns, spectrum, nullptr, stride, 1, scratch, nullptr,
                                                   stride, 1, FFTW_BACKWARD, FFTW_ESTIMATE);
        // Along x: each block of rows, half-spectrum row to image row.
        top_rows_plan_ = fftwf_plan_many_dft_c2r(1, &width, r + 1, scratch, nullptr, 1, stride, image_, nullptr, 1,
                                                 width, FFTW_ESTIMATE);
        if (r > 0) {
          const std::size_t first = static_cast<std::size_t>(height - r);
          bottom_rows_plan_ = fftwf_plan_many_dft_c2r(1, &width, r, scratch + first * stride, nullptr, 1, stride,
                                                      image_ + first * width, nullptr, 1, width, FFTW_ESTIMATE);
        }
      }
      planned = column_inverse_plan_ != nullptr && top_rows_plan_ != nullptr && (r == 0 || bottom_rows_plan_);
    }
  }
  if (!planned) {
    destroy(forward_plan_);
    destroy(inverse_plan_);
    destroy(column_inverse_plan_);
    destroy(top_rows_plan_);
    destroy(bottom_rows_plan_);
    fftwf_free(image_);
    fftwf_free(spectrum);
    fftwf_free(scratch_);
    throw Error("FFTW could not plan a " + size_text(shape) + " real FFT");
  }
}

RealFft2d::~RealFft2d() {
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  destroy(forward_plan_);
  destroy(inverse_plan_);
  destroy(column_inverse_plan_);
  destroy(top_rows_plan_);
  destroy(bottom_rows_plan_);
  fftwf_free(image_);
  fftwf_free(spectrum_);
  fftwf_free(scratch_);
}

void RealFft2d::forward() { fftwf_execute(forward_plan_); }

void RealFft2d::inverse() { fftwf_execute(inverse_plan_); }

void RealFft2d::inverse_near_origin() {
  if (column_inverse_plan_ == nullptr) throw Error("FFT: inverse_near_origin() of a RealFft2d planned without it");
  fftwf_execute(column_inverse_plan_);
  fftwf_execute(top_rows_plan_);
  if (bottom_rows_plan_ != nullptr) fftwf_execute(bottom_rows_plan_);
}

}  // namespace calmon
