// roi_set_preparation.cc — limits, conversion, ids, compilation, description; see the header.
#include "daemon/roi_set_preparation.h"

#include <algorithm>
#include <set>
#include <string>

#include "config/config_file.h"
#include "core/error.h"
#include "core/roi_set_edit.h"
#include "daemon/roi_set_info.h"

namespace calmon::daemon {

namespace {

FrameShape shape_of(const FrameGeometry& geometry) {
  return FrameShape{static_cast<int>(geometry.width), static_cast<int>(geometry.height)};
}

// A whole set for the sessions to come (and a running one: set_rois): compiled, when
// the frames are known, for its description with rings resolved (and to install).
void compile_whole_set(PreparedRoiSet& prepared, const config::RoiLimits& limits) {
  if (prepared.geometry) {
    config::check_ring_limits(prepared.rois, shape_of(*prepared.geometry), limits);
    prepared.compiled.emplace(
        Pipeline::prepare_rois(prepared.rois, shape_of(*prepared.geometry), prepared.geometry->pixel_type));
    describe_prepared_rois(*prepared.compiled, prepared.info);
  } else {
    describe_roi_settings(prepared.rois, 0, prepared.info);
  }
}

std::string roi_label(const RoiSettings& roi) { return "ROI '" + roi.name + "' (id " + std::to_string(roi.id) + ")"; }

std::size_t find_by_id(const std::vector<RoiSettings>& rois, std::uint32_t id) {
  for (std::size_t i = 0; i < rois.size(); ++i) {
    if (rois[i].id == id) return i;
  }
  throw Error("no ROI with id " + std::to_string(id) + " in the set");
}

std::size_t find_by_name(const std::vector<RoiSettings>& rois, const std::string& name) {
  for (std::size_t i = 0; i < rois.size(); ++i) {
    if (rois[i].name == name) return i;
  }
  throw Error("no ROI named '" + name + "' in the set");
}

void check_name_unused(const std::vector<RoiSettings>& rois, const std::string& name, std::size_t except) {
  for (std::size_t i = 0; i < rois.size(); ++i) {
    if (i != except && rois[i].name == name)
      throw Error("ROI name '" + name + "' is used already, by " + roi_label(rois[i]));
  }
}

// The current set with every ROI going on.
RoiSetEdit unchanged(const std::vector<RoiSettings>& current) {
  RoiSetEdit edit;
  edit.reserve(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) edit.push_back(RoiEditEntry{current[i], i});
  return edit;
}

RoiSetEdit add_rois(const pb::RoiSet& added, const std::vector<RoiSettings>& current, const pb::Config& defaults,
                    const config::RoiLimits& limits, std::uint32_t& next_id) {
  if (added.rois_size() == 0) throw Error("add_rois has no ROIs");
  config::check_roi_count(current.size() + static_cast<std::size_t>(added.rois_size()), limits);
  config::check_roi_limits(added.rois(), defaults, limits);
  RoiSetEdit edit = unchanged(current);
  std::vector<RoiSettings> rois = current;
  for (int k = 0; k < added.rois_size(); ++k) {
    RoiSettings roi = config::to_roi_settings(added.rois(k), current.size() + static_cast<std::size_t>(k), defaults);
    check_name_unused(rois, roi.name, rois.size());
    if (roi.id != 0) {
      for (const RoiSettings& other : rois) {
        if (other.id == roi.id)
          throw Error("ROI id " + std::to_string(roi.id) + " is used already, by " + roi_label(other));
      }
    }
    rois.push_back(std::move(roi));
  }
  assign_roi_ids(rois, next_id);
  for (std::size_t i = current.size(); i < rois.size(); ++i)
    edit.push_back(RoiEditEntry{std::move(rois[i]), std::nullopt});
  return edit;
}

RoiSetEdit remove_rois(const pb::RoiSelection& selection, const std::vector<RoiSettings>& current) {
  if (selection.ids_size() == 0 && selection.names_size() == 0)
    throw Error("remove_rois names no ROI (give ids or names)");
  std::vector<bool> removed(current.size(), false);
  for (std::uint32_t id : selection.ids()) removed[find_by_id(current, id)] = true;
  for (const std::string& name : selection.names()) removed[find_by_name(current, name)] = true;
  RoiSetEdit edit;
  for (std::size_t i = 0; i < current.size(); ++i) {
    if (!removed[i]) edit.push_back(RoiEditEntry{current[i], i});
  }
  return edit;
}

RoiSetEdit update_roi(const pb::RoiUpdate& update, const std::vector<RoiSettings>& current,
                      const config::RoiLimits& limits) {
  std::size_t index = 0;
  if (update.id() != 0) {
    index = find_by_id(current, update.id());
  } else if (!update.name().empty()) {
    index = find_by_name(current, update.name());
  } else {
    throw Error("update_roi names no ROI (give its id or name)");
  }
  RoiSettings roi = current[index];
  if (update.has_new_name()) {
    if (update.new_name().empty()) throw Error("update_roi: " + roi_label(roi) + ": the new name is empty");
    check_name_unused(current, update.new_name(), index);
    roi.name = update.new_name();
  }
  const bool restart = update.has_region() || update.has_neuropil() || update.has_baseline();
  if (restart) {
    // The new pieces as an ROI of their own, converted and held to the limits like any;
    // what the update does not give stays the ROI's own, never the config's default.
    pb::Roi given;
    given.set_name(roi.name);
    if (update.has_region()) {
      *given.mutable_region() = update.region();
    } else {
      given.mutable_region()->mutable_pixel();  // a stand-in, replaced below
    }
    if (update.has_neuropil()) *given.mutable_neuropil() = update.neuropil();
    if (update.has_baseline()) *given.mutable_baseline() = update.baseline();
    google::protobuf::RepeatedPtrField<pb::Roi> one;
    *one.Add() = given;
    config::check_roi_limits(one, pb::Config(), limits);
    const RoiSettings converted = config::to_roi_settings(given, index, pb::Config());
    if (update.has_region()) roi.region = converted.region;
    if (update.has_neuropil()) roi.neuropil = converted.neuropil;
    if (update.has_baseline()) roi.baseline = converted.baseline;
  }
  RoiSetEdit edit = unchanged(current);
  edit[index] = RoiEditEntry{std::move(roi), restart ? std::nullopt : std::optional<std::size_t>(index)};
  return edit;
}

}  // namespace

bool changes_roi_set(const pb::ControlRequest& request) {
  switch (request.command_case()) {
    case pb::ControlRequest::kSetRois:
    case pb::ControlRequest::kAddRois:
    case pb::ControlRequest::kRemoveRois:
    case pb::ControlRequest::kUpdateRoi: return true;
    default: return false;
  }
}

void assign_roi_ids(std::vector<RoiSettings>& rois, std::uint32_t& next_id) {
  std::set<std::uint32_t> given;
  for (const RoiSettings& roi : rois) {
    if (roi.id == 0) continue;
    if (!given.insert(roi.id).second) throw Error("ROI id " + std::to_string(roi.id) + " is used twice");
    if (roi.id == UINT32_MAX) throw Error("ROI id " + std::to_string(roi.id) + " is too large");
    next_id = std::max(next_id, roi.id + 1);
  }
  for (RoiSettings& roi : rois) {
    if (roi.id != 0) continue;
    if (next_id == UINT32_MAX) throw Error("calmond has given out every ROI id; restart it");
    roi.id = next_id++;
  }
}

PreparedRoiSet prepare_roi_set(const pb::RoiSet& rois, const pb::Config& defaults, const config::RoiLimits& limits,
                               std::optional<FrameGeometry> geometry, const RoiSetBase& base) {
  config::check_roi_limits(rois.rois(), defaults, limits);
  PreparedRoiSet prepared;
  prepared.geometry = geometry;
  prepared.base = base.layout;
  prepared.rois.reserve(static_cast<std::size_t>(rois.rois_size()));
  std::set<std::string> names;
  for (int i = 0; i < rois.rois_size(); ++i) {
    RoiSettings roi = config::to_roi_settings(rois.rois(i), static_cast<std::size_t>(i), defaults);
    note_roi_name(names, roi.name);
    prepared.rois.push_back(std::move(roi));
  }
  prepared.next_id = base.next_id;
  assign_roi_ids(prepared.rois, prepared.next_id);
  compile_whole_set(prepared, limits);
  return prepared;
}

PreparedRoiSet prepare_roi_edit(const pb::ControlRequest& request, const pb::Config& defaults,
                                const config::RoiLimits& limits, std::optional<FrameGeometry> geometry,
                                const RoiSetBase& base) {
  const std::vector<RoiSettings>& current = base.layout->rois;
  PreparedRoiSet prepared;
  prepared.geometry = geometry;
  prepared.base = base.layout;
  prepared.next_id = base.next_id;
  prepared.change = "edited";
  RoiSetEdit edit;
  switch (request.command_case()) {
    case pb::ControlRequest::kAddRois:
      edit = add_rois(request.add_rois(), current, defaults, limits, prepared.next_id);
      break;
    case pb::ControlRequest::kRemoveRois: edit = remove_rois(request.remove_rois(), current); break;
    case pb::ControlRequest::kUpdateRoi: edit = update_roi(request.update_roi(), current, limits); break;
    default: throw Error("internal: not an edit of the ROI set");
  }
  prepared.rois.reserve(edit.size());
  for (const RoiEditEntry& entry : edit) prepared.rois.push_back(entry.roi);
  config::check_baseline_bytes(prepared.rois, limits.baselines);
  if (base.running && geometry) {
    std::vector<RoiSettings> fresh;
    for (const RoiEditEntry& entry : edit) {
      if (!entry.kept_from) fresh.push_back(entry.roi);
    }
    config::check_ring_limits(fresh, shape_of(*geometry), limits);
    prepared.edit.emplace(
        Pipeline::prepare_edit(base.layout, std::move(edit), shape_of(*geometry), geometry->pixel_type));
    describe_prepared_edit(*prepared.edit, prepared.info);
  } else {
    compile_whole_set(prepared, limits);
  }
  return prepared;
}

}  // namespace calmon::daemon
