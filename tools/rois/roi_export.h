// roi_export.h — `calmon-rois export`: the ROIs of a config file or of a running calmond,
// written in the format the output's name says (roi_formats.h).
//
// From a config: its `rois`, as written (a config or an ROI set file). From calmond: one
// `rois` request on the control socket, whose RoiSetInfo holds each ROI's name and
// region (neuropil and baseline are not exported: they are the config's business).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "calmon/config.pb.h"
#include "net/curve_client.h"

namespace calmon::rois_tool {

// The ROIs of a config or ROI-set JSON file (names as the config gives them, "roi<i>"
// for those without).
pb::RoiSet rois_of_config(const std::string& path);

// The ROIs calmond at `control_endpoint` analyses now, asked with CURVE when `curve` holds
// keys (calmond with CURVE on); throws calmon::Error when it does not answer within
// `deadline` or refuses.
pb::RoiSet rois_of_daemon(const std::string& control_endpoint, std::chrono::milliseconds deadline,
                          const std::optional<net::CurveClientKeys>& curve = std::nullopt);

}  // namespace calmon::rois_tool
