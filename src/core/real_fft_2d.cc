// real_fft_2d.cc — FFTW plans made and destroyed under one mutex (the planner is not
// thread-safe), run without it.
#include "core/real_fft_2d.h"

#include <fftw3.h>

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

}  // namespace

RealFft2d::RealFft2d(FrameShape shape) : shape_(shape) {
  if (shape.width < 1 || shape.height < 1) throw Error("FFT size " + size_text(shape) + " is empty");
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  image_ = fftwf_alloc_real(shape.pixel_count());
  auto* spectrum = fftwf_alloc_complex(spectrum_size());
  spectrum_ = reinterpret_cast<std::complex<float>*>(spectrum);  // same layout (C++ [complex.numbers])
  if (image_ != nullptr && spectrum != nullptr) {
    forward_plan_ = fftwf_plan_dft_r2c_2d(shape.height, shape.width, image_, spectrum, FFTW_ESTIMATE);
    inverse_plan_ = fftwf_plan_dft_c2r_2d(shape.height, shape.width, spectrum, image_, FFTW_ESTIMATE);
  }
  if (forward_plan_ == nullptr || inverse_plan_ == nullptr) {
    if (forward_plan_ != nullptr) fftwf_destroy_plan(forward_plan_);
    if (inverse_plan_ != nullptr) fftwf_destroy_plan(inverse_plan_);
    fftwf_free(image_);
    fftwf_free(spectrum);
    throw Error("FFTW could not plan a " + size_text(shape) + " real FFT");
  }
}

RealFft2d::~RealFft2d() {
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  fftwf_destroy_plan(forward_plan_);
  fftwf_destroy_plan(inverse_plan_);
  fftwf_free(image_);
  fftwf_free(spectrum_);
}

void RealFft2d::forward() { fftwf_execute(forward_plan_); }

void RealFft2d::inverse() { fftwf_execute(inverse_plan_); }

}  // namespace calmon
