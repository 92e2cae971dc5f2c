// config_file.h — calmon's config and ROI files: JSON in, validated settings out.
//
// The schema is proto/calmon/config.proto, read through protobuf's JSON mapping, so
// there is one definition and no hand-written parser; unknown fields and malformed JSON
// are errors with protobuf's own description of where. Then the messages are turned
// into core settings (pipeline_settings.h), with the defaults the schema documents and
// a one-line calmon::Error for every value that makes no sense.
#pragma once

#include <string>
#include <string_view>

#include "calmon/config.pb.h"
#include "core/pipeline_settings.h"

namespace calmon::config {

// Parses JSON text as a Config; `source` names it in errors (a path, "--config").
pb::Config parse_config(std::string_view json, std::string_view source);
pb::RoiSet parse_roi_set(std::string_view json, std::string_view source);

// Reads and parses a file.
pb::Config load_config(const std::string& path);

// The core settings a Config describes; throws calmon::Error naming the ROI or
// projection at fault.
PipelineSettings to_pipeline_settings(const pb::Config& config);

// The settings of one ROI, with the Config's defaults for what it leaves out.
RoiSettings to_roi_settings(const pb::Roi& roi, std::size_t index, const pb::Config& defaults);

// The name an ROI goes by: its own, or "roi<index>" (its place in the set).
std::string roi_name(const pb::Roi& roi, std::size_t index);

// A baseline message as settings, checked; `what` ("ROI 'cell1'") prefixes an error.
BaselineSettings to_baseline_settings(const pb::Baseline& baseline, const std::string& what);

// Config as JSON (for echoing the effective config next to results).
std::string to_json(const pb::Config& config);

}  // namespace calmon::config
