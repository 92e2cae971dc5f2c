// config_fuzzer.cc — libFuzzer harness: calmon's JSON files, read and put to use.
//
// Every file calmon reads besides movies is JSON through protobuf (config/): the
// analysis config (calmon-analyze --config, calmond's analysis), ROI sets (set_rois,
// ROI files) and calmond's own config. The input is one JSON text, tried as each of the
// three, as calmon's programs use them:
//   - an analysis config: parsed, its baselines held to the baseline limits, turned into
//     pipeline settings, and — if valid — a Pipeline built for 80x60 uint16 frames (the
//     example movie's, which the example configs fit), fed a few frames, finished and
//     drained, as calmon-analyze does. The limits are tighter than calmon-analyze's
//     defaults (which admit 4 GiB of baselines, for a lab machine): what they admit must
//     run within the fuzzer's 2 GiB and 10 s, and each window is re-read at the end;
//   - a ROI set: parsed and every ROI turned into settings, as set_rois does;
//   - a daemon config: parsed and resolved (defaults, checks, the inline analysis). Its
//     analysis_file is cleared first: the harness does not open files the input names.
// Bad input must end in a one-line calmon::Error; any other exception escapes and is a
// finding (calmon-analyze would die of it).
//
// Seeds (tests/fuzz/corpus/config): the configs of docs/examples and tests/golden, a ROI
// set and daemon configs, made by make_corpus.py; config.dict holds the schema's names.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "config/config_file.h"
#include "config/daemon_config_file.h"
#include "config/roi_limits.h"
#include "core/error.h"
#include "core/pipeline.h"
#include "daemon/daemon_settings.h"

namespace {

using namespace calmon;

constexpr FrameShape kShape{80, 60};
constexpr int kFrames = 6;
// 100,000 frames a window, 256 MiB of baselines: both limits reachable by the fuzzer.
const config::BaselineLimits kBaselineLimits{100'000, std::uint64_t{256} << 20};

void run_pipeline(PipelineSettings settings) {
  // Negative kept frames count from a movie's end, which calmon-analyze resolves first
  // and calmond drops; here there is no movie, so they go.
  std::erase_if(settings.keep_frames, [](std::int64_t t) { return t < 0; });
  Pipeline pipeline(std::move(settings), kShape, PixelType::kU16);
  std::vector<std::uint16_t> pixels(kShape.pixel_count());
  SettledRow row;
  for (int t = 0; t < kFrames; ++t) {
    for (std::size_t i = 0; i < pixels.size(); ++i) {
      pixels[i] = static_cast<std::uint16_t>(100 + (i * 7 + static_cast<std::size_t>(t) * 13) % 97);
    }
    (void)pipeline.push(AnyFrameView(PixelType::kU16, pixels.data(), kShape));
    while (pipeline.pop_settled(row)) {
    }
  }
  pipeline.finish();
  while (pipeline.pop_settled(row)) {
  }
  (void)pipeline.projections();
}

void as_analysis_config(std::string_view json) {
  try {
    const pb::Config config = config::parse_config(json, "fuzz");
    config::check_baseline_limits(config, kBaselineLimits);
    run_pipeline(config::to_pipeline_settings(config));
  } catch (const Error&) {
  }
}

void as_roi_set(std::string_view json) {
  try {
    const pb::RoiSet rois = config::parse_roi_set(json, "fuzz");
    for (int i = 0; i < rois.rois_size(); ++i) {
      (void)config::to_roi_settings(rois.rois(i), static_cast<std::size_t>(i), pb::Config());
    }
  } catch (const Error&) {
  }
}

void as_daemon_config(std::string_view json) {
  try {
    pb::DaemonConfig config = config::parse_daemon_config(json, "fuzz");
    config.clear_analysis_file();
    (void)daemon::resolve_daemon_settings(config, "/nonexistent", "fuzz");
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  as_analysis_config(json);
  as_roi_set(json);
  as_daemon_config(json);
  return 0;
}
