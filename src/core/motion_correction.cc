// motion_correction.cc — the reference (seed, then refinement), and each frame registered
// and moved back onto it. See the header for the method.
#include "core/motion_correction.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.h"
#include "core/shift_frame.h"
#include "core/warp_frame.h"

namespace calmon {

namespace {

constexpr std::size_t kSeedNeighbours = 20;
constexpr std::size_t kMaxBinnedPixels = 16384;

std::string shape_text(FrameShape shape) { return std::to_string(shape.width) + "x" + std::to_string(shape.height); }

FrameView<double> view_of(const Image& image) { return FrameView<double>(image.pixels.data(), image.shape); }

// The frame averaged over bin x bin blocks (the last partial row and column of blocks
// dropped), minus its mean, scaled to unit length: dot products of two are their
// Pearson correlation. All zeros for a flat frame.
std::vector<double> normalized_binned(AnyFrameView frame, int bin) {
  const int width = frame.shape().width / bin;
  const int height = frame.shape().height / bin;
  std::vector<double> binned(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0.0);
  frame.visit([&](auto view) {
    for (int y = 0; y < height * bin; ++y) {
      const auto* row = view.row(y);
      double* out = binned.data() + static_cast<std::size_t>(y / bin) * static_cast<std::size_t>(width);
      for (int x = 0; x < width * bin; ++x) out[x / bin] += static_cast<double>(row[x]);
    }
  });
  const double mean = std::accumulate(binned.begin(), binned.end(), 0.0) / static_cast<double>(binned.size());
  double norm = 0.0;
  for (double& v : binned) {
    v -= mean;
    norm += v * v;
  }
  norm = std::sqrt(norm);
  for (double& v : binned) v = norm > 0.0 && std::isfinite(norm) ? v / norm : 0.0;
  return binned;
}

// Indices of `scores` from the highest, lowest index first among equals.
std::vector<std::size_t> order_by_score(const std::vector<double>& scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace

MotionCorrection::MotionCorrection(const MotionSettings& settings, FrameShape shape)
    : settings_(settings), shape_(shape) {
  settings_.validate();
  check_registration_options(shape, settings_.rigid);
  if (settings_.piecewise) {
    check_piecewise_options(shape, settings_.rigid, *settings_.piecewise);
    const FrameShape grid = piecewise_block_grid(shape, *settings_.piecewise);
    block_rows_ = grid.height;
    block_cols_ = grid.width;
  }
  if (settings_.reference) {
    if (settings_.reference->shape != shape) {
      throw Error("motion: the reference image is " + shape_text(settings_.reference->shape) + ", the frames are " +
                  shape_text(shape));
    }
    reference_ = *settings_.reference;
    settings_.reference.reset();  // held once, in reference_
    set_registrations();
  }
}

void MotionCorrection::set_registrations() {
  if (registration_) {
    registration_->set_reference(view_of(reference_));
  } else {
    registration_.emplace(shape_, settings_.rigid, view_of(reference_));
  }
  if (!settings_.piecewise) return;
  if (piecewise_) {
    piecewise_->set_reference(view_of(reference_));
    return;
  }
  piecewise_.emplace(shape_, settings_.rigid, *settings_.piecewise, view_of(reference_));
  field_dy_.assign(shape_.pixel_count(), 0.0f);
  field_dx_.assign(shape_.pixel_count(), 0.0f);
}

MotionCorrection::~MotionCorrection() = default;

std::size_t MotionCorrection::reference_frames_wanted() const {
  return has_reference() ? 0 : static_cast<std::size_t>(settings_.reference_frames);
}

void MotionCorrection::build_reference(std::span<const AnyFrameView> frames) {
  if (frames.empty()) throw Error("motion: no frames to build the reference from");
  frames = frames.first(std::min(frames.size(), static_cast<std::size_t>(settings_.reference_frames)));
  for (const AnyFrameView& frame : frames) {
    if (frame.shape() != shape_) {
      throw Error("motion: a frame is " + shape_text(frame.shape()) + ", the session's are " + shape_text(shape_));
    }
  }
  const std::string what = "motion: the reference from the first " + std::to_string(frames.size()) + " frames";
  try {
    reference_ = seed_reference(frames);
    registration_.emplace(shape_, settings_.rigid, view_of(reference_));
    refine_reference(frames);
    set_registrations();
    reference_frames_used_ = frames.size();
  } catch (const Error& e) {
    registration_.reset();
    piecewise_.reset();
    reference_ = Image{};
    throw Error(what + ": " + e.what());
  }
}

Image MotionCorrection::seed_reference(std::span<const AnyFrameView> frames) const {
  const std::size_t n = frames.size();
  const auto pixels = static_cast<double>(shape_.pixel_count());
  const int bin = std::max(1, static_cast<int>(std::ceil(std::sqrt(pixels / static_cast<double>(kMaxBinnedPixels)))));
  std::vector<std::vector<double>> binned;
  binned.reserve(n);
  for (const AnyFrameView& frame : frames) binned.push_back(normalized_binned(frame, bin));

  std::vector<double> correlation(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double r = std::inner_product(binned[i].begin(), binned[i].end(), binned[j].begin(), 0.0);
      correlation[i * n + j] = r;
      correlation[j * n + i] = r;
    }
  }
  const std::size_t k = std::min(kSeedNeighbours, n - 1);
  std::size_t seed = 0;
  double best = -std::numeric_limits<double>::infinity();
  std::vector<double> others;
  for (std::size_t i = 0; i < n && k > 0; ++i) {
    others.clear();
    for (std::size_t j = 0; j < n; ++j) {
      if (j != i) others.push_back(correlation[i * n + j]);
    }
    std::partial_sort(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(k), others.end(), std::greater<>());
    const double score = std::accumulate(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(k), 0.0);
    if (score > best) {
      best = score;
      seed = i;
    }
  }
  std::vector<double> to_seed(correlation.begin() + static_cast<std::ptrdiff_t>(seed * n),
                              correlation.begin() + static_cast<std::ptrdiff_t>((seed + 1) * n));
  to_seed[seed] = std::numeric_limits<double>::infinity();  // the seed itself comes first
  const std::vector<std::size_t> group = order_by_score(to_seed);

  Image reference{shape_, std::vector<double>(shape_.pixel_count(), 0.0)};
  for (std::size_t g = 0; g <= k; ++g) {
    frames[group[g]].visit([&](auto view) {
      for (std::size_t p = 0; p < reference.pixels.size(); ++p)
        reference.pixels[p] += static_cast<double>(view.data()[p]);
    });
  }
  for (double& v : reference.pixels) v /= static_cast<double>(k + 1);
  return reference;
}

void MotionCorrection::refine_reference(std::span<const AnyFrameView> frames) {
  const std::size_t pixels = shape_.pixel_count();
  std::vector<RegistrationResult> results(frames.size());
  std::vector<double> sum(pixels);
  std::vector<std::uint32_t> count(pixels);
  std::vector<float> moved(pixels);
  for (int iteration = 0; iteration < settings_.reference_iterations; ++iteration) {
    std::vector<double> peaks;
    std::vector<std::size_t> usable;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      results[i] = registration_->register_frame(frames[i]);
      const RegistrationFailure failed = results[i].failed;
      if (failed == RegistrationFailure::kNonFiniteFrame || failed == RegistrationFailure::kFlatFrame) continue;
      usable.push_back(i);
      peaks.push_back(results[i].peak);
    }
    if (usable.empty()) return;  // nothing to learn from: keep the seed
    const std::vector<std::size_t> order = order_by_score(peaks);
    const std::size_t kept = (usable.size() + 1) / 2;
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(count.begin(), count.end(), 0u);
    for (std::size_t r = 0; r < kept; ++r) {
      const std::size_t i = usable[order[r]];
      shift_frame(frames[i], results[i].dy, results[i].dx, moved);
      for (std::size_t p = 0; p < pixels; ++p) {
        if (std::isnan(moved[p])) continue;
        sum[p] += static_cast<double>(moved[p]);
        ++count[p];
      }
    }
    for (std::size_t p = 0; p < pixels; ++p) {
      if (count[p] > 0) reference_.pixels[p] = sum[p] / static_cast<double>(count[p]);
    }
    registration_->set_reference(view_of(reference_));
  }
}

FrameMotion MotionCorrection::unmoved(RegistrationFailure failed, double peak) const {
  FrameMotion motion;
  motion.peak = peak;
  motion.failed = failed;
  motion.block_rows = block_rows_;
  motion.block_cols = block_cols_;
  return motion;
}

FrameMotion MotionCorrection::correct(AnyFrameView frame, std::span<float> out) {
  if (!registration_) {  // the reference could not be built: the frame as it is
    shift_frame(frame, 0.0, 0.0, out);
    return unmoved(RegistrationFailure::kNoReference, 0.0);
  }
  const RegistrationResult result = registration_->register_frame(frame);
  FrameMotion motion = unmoved(result.failed, result.peak);
  if (result.failed == RegistrationFailure::kNone) {
    motion.dy = result.dy;
    motion.dx = result.dx;
  }
  if (piecewise_ && result.failed == RegistrationFailure::kNone) {
    motion.blocks = piecewise_->register_frame(frame, motion.dy, motion.dx);
    piecewise_->displacement(field_dy_, field_dx_);
    warp_frame(frame, field_dy_, field_dx_, out);
  } else {
    shift_frame(frame, motion.dy, motion.dx, out);
  }
  if (settings_.template_update > 0.0 && result.failed == RegistrationFailure::kNone) follow_template(out);
  return motion;
}

void MotionCorrection::follow_template(std::span<const float> registered) {
  const double a = settings_.template_update;
  for (std::size_t p = 0; p < reference_.pixels.size(); ++p) {
    if (std::isnan(registered[p])) continue;
    reference_.pixels[p] = (1.0 - a) * reference_.pixels[p] + a * static_cast<double>(registered[p]);
  }
  set_registrations();
}

}  // namespace calmon
