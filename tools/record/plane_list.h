// plane_list.h — calmon-record's --planes: the planes of a multi-daemon session to record.
//
// "0,1,2", "0-29" or both ("0-3,8"): plane numbers from 0, each once, kept in the order
// given. Through calmon-proxy, one recorder writes each listed plane into a folder of
// its own (plane_recordings.h, docs/scale.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace calmon::record_tool {

// Throws calmon::Error naming what is wrong (not a number, a range backwards, a plane
// twice, nothing).
std::vector<std::uint32_t> parse_plane_list(const std::string& text);

// "plane_2": the folder of plane 2 inside OUT_DIR.
std::string plane_folder_name(std::uint32_t plane);

}  // namespace calmon::record_tool
