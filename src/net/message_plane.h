// message_plane.h — which plane a published message belongs to, and ROI names qualified by it.
//
// Several calmond processes, each analysing one plane of a volumetric session, publish
// through one calmon-proxy; every TraceUpdate, RoiSetInfo, ProjectionSnapshot and Status
// carries the publishing calmond's --plane (wire.proto: `plane`). A subscriber that sorts
// messages by plane before decoding them (calmon-record --planes) reads that one field
// straight from the protobuf bytes: a TraceUpdate of a million ROIs is skipped over by
// its length-delimited fields, not decoded. A message without the field is plane 0, as
// protobuf has it. Names of ROIs met on several planes are written "p<plane>/<name>".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace calmon::net {

// The `plane` field of a message published on `topic` (traces, rois, projections,
// status); nullopt for another topic or bytes that are no protobuf message.
std::optional<std::uint32_t> message_plane(std::string_view topic, const void* data, std::size_t size);

// "p2/cell7": an ROI's name among the ROIs of several planes.
std::string plane_qualified_name(std::uint32_t plane, std::string_view name);

}  // namespace calmon::net
