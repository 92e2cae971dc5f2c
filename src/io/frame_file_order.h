// frame_file_order.h — which files of a folder are one channel's frames, and in what order.
//
// Acquisition software that saves one file per frame numbers the files in their names,
// and the numbers are what give the order: "frame_10.tif" comes after "frame_9.tif",
// though not alphabetically. Two rules, both pure functions over a folder's listing:
//   - PrairieView's names, "<series>_Cycle00001_Ch2_000001.ome.tif": the cycle, channel
//     and index are read from the name; one channel's files are ordered by cycle, then
//     index. In a multi-plane series the cycle is the volume and the index the plane
//     (prairieview_xml.h).
//   - a glob for anything else ("*" any run of characters, "?" one character): matching
//     names in natural order, each run of digits compared as a number; a file's index is
//     the last run of digits in its name.
// A missing file is not closed up: each file says how many indices are missing just
// before it (`missing_before`), so a gap stays visible on the time axis.
// A third rule is for one movie split over several files: ScanImage, logging N frames
// per file, names them "<base>_<acquisition>_<file counter>.tif" ("name_00001_00001.tif",
// then "name_00001_00002.tif"); next_series_file_name() gives the name after one.
// (file_name_rule.h is the other rule about names: which names calmon may write.)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace calmon::io {

struct FrameFile {
  std::string name;
  std::uint32_t cycle = 1;    // PrairieView's cycle; 1 for a glob
  std::uint32_t channel = 0;  // PrairieView's channel (1, 2, ...); 0 for a glob
  std::uint64_t index = 0;    // the frame's (or plane's) number in its cycle; 0 if the name has no digits
  // Indices missing between the previous file of the list and this one, in the same
  // cycle; for the first file of a cycle, those missing before it from 1. 0 for a glob
  // name without digits.
  std::uint64_t missing_before = 0;
};

// PrairieView's per-frame name, "<series>_Cycle<digits>_Ch<digits>_<digits>.ome.tif" (or
// ".tif"); nullopt for any other name (the XML, a voltage recording's .csv, ...).
std::optional<FrameFile> parse_prairieview_frame_name(std::string_view name);

// The files of `channel` among `listing` (names in any order), by cycle then index,
// with missing_before filled in. Names that are not PrairieView frames are left out.
std::vector<FrameFile> prairieview_channel_files(std::span<const std::string> listing, std::uint32_t channel);

// Whether `name` matches the glob `pattern` ('*' any run, '?' one character, the rest itself).
bool glob_matches(std::string_view pattern, std::string_view name);

// True if `a` comes before `b` in natural order: runs of digits compared as numbers
// ("x_9" < "x_10"), the rest character by character; equal numbers with different
// zero padding ("x_01", "x_1") fall back to plain comparison.
bool natural_less(std::string_view a, std::string_view b);

// The names of `listing` that match `pattern`, in natural order, with their index (the
// last run of digits) and missing_before.
std::vector<FrameFile> glob_frame_files(std::span<const std::string> listing, std::string_view pattern);

// The name of the file that follows `name` in a series split over files: the last run of
// digits before the extension counted up by one, keeping its zero padding
// ("name_00001_00001.tif" -> "name_00001_00002.tif", "x_99.tif" -> "x_100.tif"). The
// extension is everything from the first '.' after the last '/'. nullopt when the name
// has no digits there (or they would overflow 19 digits).
std::optional<std::string> next_series_file_name(std::string_view name);

// `name` with that same run of digits (the last before the extension) replaced by
// `number`, zero-padded to the run's width: the name frame `number` of the same series
// has ("s_Cycle00001_Ch2_000011.ome.tif", 10 -> "s_Cycle00001_Ch2_000010.ome.tif"). A
// follower asks the file system for it by name, since a directory listing taken while
// files are renamed into the folder may miss one. nullopt when the name has no digits there.
std::optional<std::string> file_name_with_number(std::string_view name, std::uint64_t number);

}  // namespace calmon::io
