// projection_set.h — running projections of the movie: data[frames, crop].mean/max/min/std(0).
//
// Each ProjectionSpec names a set of statistics over a set of frames — all frames so far,
// a fixed range [begin, end), or the last N frames (sliding) — optionally cropped to a
// rectangle. push() feeds one frame; image() returns a projection at any moment. Also
// kept here: frames kept by index (data[k]), bit-exact. (The latest frame, data[-1], is
// its receiver's: it still holds the pixels, and copying every frame would cost a pass.)
//
// Numbers are numpy's (the tolerances are docs/golden-tests.md's):
//   - max, min: bit-exact (NaN propagates, like np.maximum).
//   - mean, integer pixels: the sum is exact in integers (below 2^63), divided once — numpy
//     sums integers in float64, exact below 2^53 — so bit-identical to data[a:b, crop].mean(0).
//   - mean, float pixels: a sequential sum in frame order in the pixel type, divided and
//     rounded to the pixel type: numpy's own axis-0 reduction, bit-identical (float32
//     included: numpy accumulates float32 in float32).
//   - std (ddof=0), integer pixels: exact sums of x (shifted to unsigned) and x² (128 bits
//     for uint32's Σx²), finalized as (n·Σx² − (Σx)²) / n² in 128-bit integers, then one
//     rounding to double and a square root: within a few ulps of the exact value, so ≤ 1e-9
//     of numpy.
//   - integer sums are kept per pixel as a 32-bit partial sum (64-bit for uint32) that each
//     frame adds to, folded into a high word before it could overflow (integer_sums.h):
//     exact, and read and written at half the width. uint16 pixels near 65535 reach the
//     2^63 limit of Σx² after 2^31 frames (24 days at 1,000 frames/s).
//   - std, float pixels: Welford's update in double (well conditioned, no first-frame
//     bias). Matches numpy's float64 two-pass std within 1e-12 (measured ~1e-15); a float32
//     movie's std numpy computes in float32, so it agrees only to float32 precision (~1e-6).
//   - last N frames: the frames themselves are kept (cropped), and image() runs numpy's
//     algorithm on them verbatim — for std the two-pass mean, (x − mean)², sum, divide —
//     in numpy's accumulation type, so every stat is bit-identical to data[-N:, crop].
// Cost per pushed frame: O(crop area) per spec, in contiguous row loops without type
// branches (the pixel type is dispatched once per spec per frame): for integer pixels one
// fused pass per row for all the stats, compiled for baseline x86-64 and for AVX2 and
// chosen at run time (ProjectionKernels); for floats one loop per stat. image() is O(area)
// (O(N·area) for the last N frames). Memory per spec, per pixel of the crop: mean 8 B
// (integers) or sizeof(pixel) (floats); std 16 B (24 B for uint32; for integers it also
// serves the mean); max and min sizeof(pixel) each; the last N frames N·sizeof(pixel),
// allocated as frames arrive. A frame reads and writes only the partial half of each
// integer sum (all of uint32's 8-byte Σx). Plus one image per kept frame. Measured
// (calmon-microbench ProjectionUpdate/512 and ProjectionKernel, AMD EPYC, shared,
// with a latest-frame copy since removed): 512x512 uint16,
// mean+max+min+std, ~12,000 frames/s on one core with AVX2 (~83 µs a frame); ~8,000 with
// the baseline x86-64 kernels, as before the fused pass (126 µs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame_view.h"
#include "core/image.h"
#include "core/pixel_type.h"
#include "core/rect.h"

namespace calmon {

enum class ProjectionStat { kMean, kMax, kMin, kStd };

// "mean", "max", "min", "std".
std::string_view projection_stat_name(ProjectionStat stat);

// Every member has a default initializer, so designated initializers may name any subset
// (g++ -Wextra warns about omitted members that have none).
struct ProjectionSpec {
  std::string name{};
  std::vector<ProjectionStat> stats{};  // empty: all four
  enum class Frames { kAll, kRange, kLast } frames = Frames::kAll;
  std::int64_t begin = 0;             // kRange: [begin, end)
  std::optional<std::int64_t> end{};  // kRange: no end = open
  std::int64_t last = 0;              // kLast: the last N >= 1 frames
  std::optional<Rect> crop{};         // absent: the whole frame
};

// How push() runs the integer-pixel kernels. The defaults are what calmond uses; the
// knobs exist so tests can compare the instruction sets and exercise the partial-sum
// folding on a few frames, and benchmarks can time each path. No knob changes a result.
struct ProjectionKernels {
  // kBest: AVX2 where the CPU has it, else baseline x86-64 (SSE2); the others force one
  // (kAvx2 on a CPU without AVX2 throws calmon::Error).
  enum class Isa { kBest, kBaseline, kAvx2 } isa = Isa::kBest;
  // Fold each row's 32-bit partial sums into their high words at least every this many
  // frames; 0: only when the next frame could overflow them (see integer_sums.h).
  std::int64_t max_block_frames = 0;
};

// Whether this CPU (and OS) runs the AVX2 kernels.
bool projection_kernels_have_avx2();

// One projection's accumulators, typed by pixel type (projection_accumulator.h).
class ProjectionAccumulator;

class ProjectionSet {
 public:
  // Throws calmon::Error naming the projection for a crop that is empty or outside the
  // frame, begin < 0, end <= begin, last < 1, an unknown stat or a repeated name, and for
  // a negative keep_frames index. Stats are stored as given minus repeats; empty means
  // mean, max, min, std.
  ProjectionSet(FrameShape shape, PixelType type, std::vector<ProjectionSpec> specs,
                std::vector<std::int64_t> keep_frames, ProjectionKernels kernels = {});
  ~ProjectionSet();
  ProjectionSet(ProjectionSet&&) noexcept;
  ProjectionSet& operator=(ProjectionSet&&) noexcept;

  // Feeds frame number frames_seen(); its shape and pixel type must be the set's.
  void push(AnyFrameView frame);

  std::int64_t frames_seen() const { return frames_seen_; }
  std::size_t size() const { return specs_.size(); }
  const ProjectionSpec& spec(std::size_t i) const;
  // Frames the images of spec i currently cover (for the last N frames: at most N).
  std::int64_t frame_count(std::size_t i) const;
  // Throws when spec i has no frames yet or does not compute `stat`.
  Image image(std::size_t i, ProjectionStat stat) const;
  // data[t] if t is a kept index and has arrived; nullopt otherwise.
  std::optional<Image> kept_frame(std::int64_t t) const;
  // Forgets every frame: back to the state right after construction.
  void reset();

 private:
  void check_index(std::size_t i) const;

  FrameShape shape_;
  PixelType type_;
  std::vector<ProjectionSpec> specs_;
  std::vector<std::unique_ptr<ProjectionAccumulator>> accumulators_;
  std::vector<std::int64_t> keep_frames_;  // sorted, unique
  std::map<std::int64_t, Image> kept_;
  std::int64_t frames_seen_ = 0;
};

}  // namespace calmon
