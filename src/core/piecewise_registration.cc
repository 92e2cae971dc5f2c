// piecewise_registration.cc — blocks laid out once, each with its own RigidRegistration;
// per frame a copy of each block (moved by the whole-pixel rigid shift), its
// registration, the weak blocks filled from their neighbours, and on demand the
// bilinear field (see piecewise_registration.h).
#include "core/piecewise_registration.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#include "core/error.h"
#include "core/format_number.h"

namespace calmon {
namespace {

constexpr int kMinBlockSize = 8;

std::string size_text(FrameShape shape) { return std::to_string(shape.width) + "x" + std::to_string(shape.height); }

void check_options(FrameShape shape, const PiecewiseOptions& options) {
  const int side = std::min(shape.width, shape.height);
  const int block = options.block_size;
  if (block < kMinBlockSize || block > side) {
    throw Error("piecewise registration: block_size " + std::to_string(block) + " px must be from " +
                std::to_string(kMinBlockSize) + " to the " + size_text(shape) + " frame's smaller side (" +
                std::to_string(side) + " px)");
  }
  if (options.block_overlap < 0 || options.block_overlap >= block) {
    throw Error("piecewise registration: block_overlap " + std::to_string(options.block_overlap) +
                " px must be from 0 to less than block_size (" + std::to_string(block) + " px)");
  }
  if (!(options.max_deviation >= 0.0 && 2.0 * options.max_deviation < block)) {
    throw Error("piecewise registration: max_deviation " + format_number(options.max_deviation) +
                " px must be from 0 to less than half of block_size (" + std::to_string(block) + " px)");
  }
  if (!(options.min_block_peak >= 0.0 && options.min_block_peak <= 1.0)) {
    throw Error("piecewise registration: min_block_peak " + format_number(options.min_block_peak) +
                " must be from 0 to 1");
  }
}

RigidRegistrationOptions options_for_blocks(const RigidRegistrationOptions& rigid, const PiecewiseOptions& options) {
  RigidRegistrationOptions block = rigid;
  // The search: the deviation allowed, plus the rounding of the rigid shift to whole
  // pixels, plus one so that a peak at the edge of the search is beyond max_deviation.
  const int search = static_cast<int>(std::ceil(options.max_deviation)) + 1;
  block.max_shift = std::min(search, (options.block_size - 1) / 2);
  block.taper_width = std::min(rigid.taper_width, options.block_size / 2);
  block.min_peak = options.min_block_peak;
  return block;
}

// Origins of blocks of `block` px along `length` px, neighbours sharing at least `overlap`
// px: the fewest blocks that do, spread evenly, the first at 0 and the last at the end.
std::vector<int> block_origins(int length, int block, int overlap) {
  if (block >= length) return {0};
  const int step = block - overlap;
  const int count = (length - block + step - 1) / step + 1;
  std::vector<int> origins(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    origins[static_cast<std::size_t>(i)] =
        static_cast<int>(std::lround(static_cast<double>(i) * (length - block) / (count - 1)));
  }
  return origins;
}

// Every pixel along an axis, placed between the block centres that bracket it (clamped
// to the outermost centre beyond them).
template <class Blend> std::vector<Blend> blends(int length, const std::vector<int>& origins, int block) {
  std::vector<Blend> out(static_cast<std::size_t>(length));
  const int n = static_cast<int>(origins.size());
  const double half = 0.5 * (block - 1);
  for (int p = 0; p < length; ++p) {
    Blend& blend = out[static_cast<std::size_t>(p)];
    if (n == 1) continue;  // every pixel takes the one block's value
    if (p <= origins[0] + half) {
      blend = {0, 1, 0.0f};
    } else if (p >= origins[static_cast<std::size_t>(n - 1)] + half) {
      blend = {n - 2, n - 1, 1.0f};
    } else {
      int i = 0;
      while (p >= origins[static_cast<std::size_t>(i + 1)] + half) ++i;
      const double from = origins[static_cast<std::size_t>(i)] + half;
      const double to = origins[static_cast<std::size_t>(i + 1)] + half;
      blend = {i, i + 1, static_cast<float>((p - from) / (to - from))};
    }
  }
  return out;
}

struct PixelCheck {
  bool finite = true;
  bool flat = true;
};

template <class T> PixelCheck check_pixels(FrameView<T> view) {
  PixelCheck check;
  const T* pixels = view.data();
  const T first = pixels[0];
  for (std::size_t i = 0; i < view.pixel_count(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(pixels[i])) return {false, false};
    }
    if (pixels[i] != first) check.flat = false;
  }
  return check;
}

template <class T> bool block_is_flat(const T* pixels, std::size_t count) {
  for (std::size_t i = 1; i < count; ++i) {
    if (pixels[i] != pixels[0]) return false;
  }
  return true;
}

}  // namespace

FrameShape piecewise_block_grid(FrameShape shape, const PiecewiseOptions& options) {
  return FrameShape{static_cast<int>(block_origins(shape.width, options.block_size, options.block_overlap).size()),
                    static_cast<int>(block_origins(shape.height, options.block_size, options.block_overlap).size())};
}

void check_piecewise_options(FrameShape shape, const RigidRegistrationOptions& rigid, const PiecewiseOptions& options) {
  check_options(shape, options);
  check_registration_options(FrameShape{options.block_size, options.block_size}, options_for_blocks(rigid, options));
}

PiecewiseRegistration::PiecewiseRegistration(FrameShape shape, const RigidRegistrationOptions& rigid,
                                             const PiecewiseOptions& options, AnyFrameView reference)
    : shape_(shape),
      options_((check_options(shape, options), options)),
      block_options_(options_for_blocks(rigid, options)) {
  const int block = options.block_size;
  origin_y_ = block_origins(shape.height, block, options.block_overlap);
  origin_x_ = block_origins(shape.width, block, options.block_overlap);
  const std::size_t count = origin_y_.size() * origin_x_.size();
  const FrameShape block_shape{block, block};
  block_pixels_.resize(block_shape.pixel_count());
  // Each block's registration is made with a placeholder reference (a ramp, never flat),
  // then given its piece of the real one by set_reference, which checks it first.
  std::vector<double> ramp(block_shape.pixel_count());
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<double>(i);
  blocks_.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    blocks_.push_back(
        std::make_unique<RigidRegistration>(block_shape, block_options_, FrameView<double>(ramp.data(), block_shape)));
  }
  reference_flat_.assign(count, false);
  strong_.assign(count, false);
  shifts_.assign(count, BlockShift{});
  row_blend_ = blends<Blend>(shape.height, origin_y_, block);
  const std::vector<Blend> columns = blends<Blend>(shape.width, origin_x_, block);
  column_weight_.resize(columns.size());
  for (int x = 0; x < shape.width; ++x) {
    const Blend& blend = columns[static_cast<std::size_t>(x)];
    // Beyond the outermost centres the weight is 0 or 1: one block column alone.
    const int a = blend.w == 1.0f ? blend.b : blend.a, b = blend.w == 0.0f ? blend.a : blend.b;
    column_weight_[static_cast<std::size_t>(x)] = a == b ? 0.0f : blend.w;
    if (segments_.empty() || segments_.back().a != a || segments_.back().b != b) segments_.push_back({x, x, a, b});
    segments_.back().end = x + 1;
  }
  row_dy_.assign(origin_x_.size(), 0.0f);
  row_dx_.assign(origin_x_.size(), 0.0f);
  set_reference(reference);
}

PiecewiseRegistration::~PiecewiseRegistration() = default;

Rect PiecewiseRegistration::block(int row, int col) const {
  const int y0 = origin_y_.at(static_cast<std::size_t>(row)), x0 = origin_x_.at(static_cast<std::size_t>(col));
  return {x0, x0 + options_.block_size, y0, y0 + options_.block_size};
}

void PiecewiseRegistration::set_reference(AnyFrameView reference) {
  if (!(reference.shape() == shape_)) {
    throw Error("piecewise registration: the reference image is " + size_text(reference.shape()) + ", not " +
                size_text(shape_));
  }
  const PixelCheck check = reference.visit([](auto view) { return check_pixels(view); });
  if (!check.finite) throw Error("piecewise registration: the reference image has a non-finite pixel");
  if (check.flat) throw Error("piecewise registration: the reference image is flat (all pixels equal)");
  const FrameShape block_shape{options_.block_size, options_.block_size};
  for (int row = 0; row < block_rows(); ++row) {
    for (int col = 0; col < block_cols(); ++col) {
      const std::size_t k = static_cast<std::size_t>(row) * origin_x_.size() + static_cast<std::size_t>(col);
      copy_block(reference, origin_y_[static_cast<std::size_t>(row)], origin_x_[static_cast<std::size_t>(col)]);
      const AnyFrameView piece(reference.type(), block_pixels_.data(), block_shape);
      reference_flat_[k] = piece.visit([](auto view) { return block_is_flat(view.data(), view.pixel_count()); });
      // A flat piece keeps its previous reference, unused: the block is always weak.
      if (!reference_flat_[k]) blocks_[k]->set_reference(piece);
    }
  }
}

// The block of `frame` whose top-left pixel is (y0, x0), rows and columns beyond the
// frame repeating its edge, into block_pixels_ as the frame's own pixel type.
void PiecewiseRegistration::copy_block(AnyFrameView frame, int y0, int x0) {
  frame.visit([&](auto view) {
    using T = typename decltype(view)::Pixel;
    static_assert(sizeof(T) <= sizeof(double));
    T* out = reinterpret_cast<T*>(block_pixels_.data());
    const int block = options_.block_size, width = view.width(), height = view.height();
    const bool columns_inside = x0 >= 0 && x0 + block <= width;
    for (int u = 0; u < block; ++u) {
      const T* row = view.row(std::clamp(y0 + u, 0, height - 1));
      T* to = out + static_cast<std::size_t>(u) * static_cast<std::size_t>(block);
      if (columns_inside) {
        std::memcpy(to, row + x0, sizeof(T) * static_cast<std::size_t>(block));
      } else {
        for (int v = 0; v < block; ++v) to[v] = row[std::clamp(x0 + v, 0, width - 1)];
      }
    }
  });
}

const std::vector<BlockShift>& PiecewiseRegistration::register_frame(AnyFrameView frame, double rigid_dy,
                                                                     double rigid_dx) {
  if (!(frame.shape() == shape_)) {
    throw Error("piecewise registration: the frame is " + size_text(frame.shape()) + ", not the reference's " +
                size_text(shape_));
  }
  if (!std::isfinite(rigid_dy) || !std::isfinite(rigid_dx)) {
    throw Error("piecewise registration: the rigid shift (" + format_number(rigid_dy) + ", " + format_number(rigid_dx) +
                ") is not finite");
  }
  // Frame pixel q shows the reference near q + shift, so a block's frame pixels are read
  // at its reference place moved by −shift (whole pixels); what its registration finds
  // is then the rest of its total shift.
  const double whole_dy = std::round(rigid_dy), whole_dx = std::round(rigid_dx);
  const int iy = static_cast<int>(std::clamp(whole_dy, -1e6, 1e6)),
            ix = static_cast<int>(std::clamp(whole_dx, -1e6, 1e6));
  const FrameShape block_shape{options_.block_size, options_.block_size};
  for (int row = 0; row < block_rows(); ++row) {
    for (int col = 0; col < block_cols(); ++col) {
      const std::size_t k = static_cast<std::size_t>(row) * origin_x_.size() + static_cast<std::size_t>(col);
      BlockShift& shift = shifts_[k];
      if (reference_flat_[k]) {
        shift = BlockShift{rigid_dy, rigid_dx, 0.0, true, RegistrationFailure::kFlatFrame};
        strong_[k] = false;
        continue;
      }
      copy_block(frame, origin_y_[static_cast<std::size_t>(row)] - iy, origin_x_[static_cast<std::size_t>(col)] - ix);
      const RegistrationResult result =
          blocks_[k]->register_frame(AnyFrameView(frame.type(), block_pixels_.data(), block_shape));
      shift = BlockShift{whole_dy + result.dy, whole_dx + result.dx, result.peak, false, result.failed};
      strong_[k] = result.failed == RegistrationFailure::kNone &&
                   std::abs(shift.dy - rigid_dy) <= options_.max_deviation &&
                   std::abs(shift.dx - rigid_dx) <= options_.max_deviation;
    }
  }
  fill_from_neighbours(rigid_dy, rigid_dx);
  return shifts_;
}

// A weak block takes the mean of its strong 8-neighbours' shifts, else the rigid shift.
// Only strong blocks are read, so the order of filling does not matter.
void PiecewiseRegistration::fill_from_neighbours(double rigid_dy, double rigid_dx) {
  const int rows = block_rows(), cols = block_cols();
  for (int row = 0; row < rows; ++row) {
    for (int col = 0; col < cols; ++col) {
      const std::size_t k = static_cast<std::size_t>(row * cols + col);
      if (strong_[k]) continue;
      double sum_dy = 0.0, sum_dx = 0.0;
      int strong = 0;
      for (int r = std::max(0, row - 1); r <= std::min(rows - 1, row + 1); ++r) {
        for (int c = std::max(0, col - 1); c <= std::min(cols - 1, col + 1); ++c) {
          const std::size_t n = static_cast<std::size_t>(r * cols + c);
          if (n == k || !strong_[n]) continue;
          sum_dy += shifts_[n].dy;
          sum_dx += shifts_[n].dx;
          ++strong;
        }
      }
      shifts_[k].fallback = true;
      shifts_[k].dy = strong > 0 ? sum_dy / strong : rigid_dy;
      shifts_[k].dx = strong > 0 ? sum_dx / strong : rigid_dx;
    }
  }
}

void PiecewiseRegistration::displacement(std::span<float> dy, std::span<float> dx) const {
  const std::size_t pixels = shape_.pixel_count();
  if (dy.size() != pixels || dx.size() != pixels) {
    throw Error("piecewise registration: the displacement holds " + std::to_string(dy.size()) + " and " +
                std::to_string(dx.size()) + " values, the frame " + std::to_string(pixels));
  }
  const std::size_t cols = origin_x_.size();
  for (int y = 0; y < shape_.height; ++y) {
    const Blend& by = row_blend_[static_cast<std::size_t>(y)];
    const BlockShift* upper = shifts_.data() + static_cast<std::size_t>(by.a) * cols;
    const BlockShift* lower = shifts_.data() + static_cast<std::size_t>(by.b) * cols;
    for (std::size_t j = 0; j < cols; ++j) {
      row_dy_[j] = static_cast<float>((1.0 - by.w) * upper[j].dy + by.w * lower[j].dy);
      row_dx_[j] = static_cast<float>((1.0 - by.w) * upper[j].dx + by.w * lower[j].dx);
    }
    float* out_dy = dy.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(shape_.width);
    float* out_dx = dx.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(shape_.width);
    // Within a segment the field is linear in the column weight: a + w·(b − a).
    for (const Segment& segment : segments_) {
      const float from_dy = row_dy_[static_cast<std::size_t>(segment.a)];
      const float from_dx = row_dx_[static_cast<std::size_t>(segment.a)];
      const float rise_dy = row_dy_[static_cast<std::size_t>(segment.b)] - from_dy;
      const float rise_dx = row_dx_[static_cast<std::size_t>(segment.b)] - from_dx;
      for (int x = segment.begin; x < segment.end; ++x) {
        const float w = column_weight_[static_cast<std::size_t>(x)];
        out_dy[x] = from_dy + w * rise_dy;
        out_dx[x] = from_dx + w * rise_dx;
      }
    }
  }
}

}  // namespace calmon
