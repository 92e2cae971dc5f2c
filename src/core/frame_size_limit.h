// frame_size_limit.h — the largest frame calmon takes, in bytes of pixels, and the
// --max-frame-mib flag that sets it.
//
// A frame is held whole wherever calmon handles one (calmond's ingest queue, the TIFF
// reader's frame buffer), and the analysis set up for it grows with it, so a frame's
// claimed size is what a peer or a file can make calmon allocate. Every frame's size is
// therefore checked before anything is allocated for it: by calmond against a frame
// message's header, by the TIFF movie reader against each page's tags. Both use the same
// default, and every program that takes frames takes the same flag, parsed here so that
// each accepts and words it the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace calmon {

// 64 MiB: a 4096x4096 uint32 or 8192x8192 uint8 frame; microscopes deliver a few MiB.
inline constexpr std::size_t kDefaultMaxFrameBytes = std::size_t{64} << 20;

// The bytes `--max-frame-mib TEXT` means: a number of MiB above 0 and at most 1 TiB
// (0.5 and 1e3 are fine), rounded to whole bytes, at least 1. Throws calmon::Error:
// "--max-frame-mib expects a number > 0, got 'x'" or "--max-frame-mib 2e6 is more than 1 TiB".
std::size_t parse_max_frame_mib(const std::string& text);

// `bytes` in MiB as people write it: "64 MiB", "0.5 MiB".
std::string format_mib(std::uint64_t bytes);

}  // namespace calmon
