// write_prairieview.cc — a tiny driver of the PrairieView-style writer for
// check_prairieview_folder.py: writes a series whose source pixel at (x, y) of volume v,
// plane p is (3x + 5y + 7v + 11p) mod 4000 + 1, unpaced.
//   rig_sim_write_prairieview FOLDER WIDTH HEIGHT CHANNELS PLANES VOLUMES PERIOD_S
// CHANNELS is a comma-separated list ("1,2"). Prints "frames N xml PATH".
#include <cstdio>
#include <exception>
#include <string>

#include "core/error.h"
#include "rig_sim/prairieview_writer.h"

int main(int argc, char** argv) {
  using namespace calmon;
  if (argc != 8) {
    std::fprintf(stderr, "usage: %s FOLDER WIDTH HEIGHT CHANNELS PLANES VOLUMES PERIOD_S\n", argv[0]);
    return 2;
  }
  try {
    rig_sim::PrairieViewOptions options;
    options.folder = argv[1];
    options.shape = {std::stoi(argv[2]), std::stoi(argv[3])};
    options.channels.clear();
    for (std::string list = argv[4]; !list.empty();) {
      const std::size_t comma = list.find(',');
      options.channels.push_back(static_cast<std::uint32_t>(std::stoul(list.substr(0, comma))));
      list = comma == std::string::npos ? "" : list.substr(comma + 1);
    }
    options.planes = static_cast<std::uint32_t>(std::stoul(argv[5]));
    options.volumes = std::stoull(argv[6]);
    options.frame_period_s = std::stod(argv[7]);
    const FrameShape shape = options.shape;
    const auto source = [shape](std::uint64_t volume, std::uint32_t plane, std::span<std::uint16_t> pixels) {
      for (int y = 0; y < shape.height; ++y) {
        for (int x = 0; x < shape.width; ++x) {
          pixels[static_cast<std::size_t>(y) * shape.width + x] =
              static_cast<std::uint16_t>((3 * x + 5 * y + 7 * volume + 11 * plane) % 4000 + 1);
        }
      }
    };
    const rig_sim::PrairieViewSeries series = rig_sim::write_prairieview_series(options, source);
    std::printf("frames %llu xml %s\n", static_cast<unsigned long long>(series.frames), series.xml_path.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
