// projection_set.cc — the set of projections: checks what it is given, feeds each frame to
// the accumulators whose frames it is, and answers for them.
//
// What each projection keeps is its accumulator's business (projection_accumulator.h);
// the checks and their messages are projection_spec_check.h's. See the header for the
// numerics of each statistic.
#include "core/projection_set.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/error.h"
#include "core/projection_accumulator.h"
#include "core/projection_spec_check.h"

namespace calmon {

std::string_view projection_stat_name(ProjectionStat stat) {
  switch (stat) {
    case ProjectionStat::kMean: return "mean";
    case ProjectionStat::kMax: return "max";
    case ProjectionStat::kMin: return "min";
    case ProjectionStat::kStd: return "std";
  }
  return "unknown";
}

namespace {

using detail::frame_shape_text;
using detail::projection_label;

bool frame_selected(const ProjectionSpec& spec, std::int64_t t) {
  if (spec.frames != ProjectionSpec::Frames::kRange) return true;
  return t >= spec.begin && (!spec.end || t < *spec.end);
}

}  // namespace

ProjectionSet::ProjectionSet(FrameShape shape, PixelType type, std::vector<ProjectionSpec> specs,
                             std::vector<std::int64_t> keep_frames, ProjectionKernels kernels)
    : shape_(shape), type_(type) {
  detail::check_projection_frames(shape, type);
  std::set<std::string> names;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    ProjectionSpec spec = detail::checked_spec(std::move(specs[i]), i, shape);
    if (!spec.name.empty() && !names.insert(spec.name).second) {
      throw Error(projection_label(spec, i) + ": the name is used by another projection");
    }
    accumulators_.push_back(detail::make_projection_accumulator(spec, shape, type, kernels));
    specs_.push_back(std::move(spec));
  }
  keep_frames_ = detail::checked_keep_frames(std::move(keep_frames));
}

ProjectionSet::~ProjectionSet() = default;
ProjectionSet::ProjectionSet(ProjectionSet&&) noexcept = default;
ProjectionSet& ProjectionSet::operator=(ProjectionSet&&) noexcept = default;

void ProjectionSet::push(AnyFrameView frame) {
  const std::int64_t t = frames_seen_;
  if (frame.shape() != shape_ || frame.type() != type_) {
    throw Error("projections: frame " + std::to_string(t) + " is " + frame_shape_text(frame.shape()) + " " +
                std::string(pixel_type_name(frame.type())) + ", expected " + frame_shape_text(shape_) + " " +
                std::string(pixel_type_name(type_)));
  }
  if (frame.data() == nullptr) throw Error("projections: frame " + std::to_string(t) + " has no pixel data");
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (frame_selected(specs_[i], t)) accumulators_[i]->add(frame.data());
  }
  if (std::binary_search(keep_frames_.begin(), keep_frames_.end(), t)) kept_[t] = image_of(frame);
  ++frames_seen_;
}

void ProjectionSet::check_index(std::size_t i) const {
  if (i >= specs_.size()) {
    throw Error("projections: no projection #" + std::to_string(i) + " (there are " + std::to_string(specs_.size()) +
                ")");
  }
}

const ProjectionSpec& ProjectionSet::spec(std::size_t i) const {
  check_index(i);
  return specs_[i];
}

std::int64_t ProjectionSet::frame_count(std::size_t i) const {
  check_index(i);
  return accumulators_[i]->frame_count();
}

Image ProjectionSet::image(std::size_t i, ProjectionStat stat) const {
  check_index(i);
  const ProjectionSpec& spec = specs_[i];
  const std::string label = projection_label(spec, i);
  if (!detail::has_stat(spec.stats, stat)) {
    throw Error(label + " does not compute " + std::string(projection_stat_name(stat)));
  }
  if (accumulators_[i]->frame_count() == 0) {
    throw Error(label + ": no frames yet (" + std::to_string(frames_seen_) + " frames seen)");
  }
  return accumulators_[i]->image(stat);
}

std::optional<Image> ProjectionSet::kept_frame(std::int64_t t) const {
  const auto found = kept_.find(t);
  if (found == kept_.end()) return std::nullopt;
  return found->second;
}

void ProjectionSet::reset() {
  for (auto& accumulator : accumulators_) accumulator->reset();
  kept_.clear();
  frames_seen_ = 0;
}

}  // namespace calmon
