// write_prairieview_movie.cc — a TIFF movie dropped into a folder as PrairieView would,
// for test_follow.py: one OME-TIFF per frame of channel 2 (which stores the movie's
// values unchanged, rig_sim/prairieview_writer.h) and the XML, unpaced.
//   write_prairieview_movie MOVIE.tif FOLDER grows|at-end renamed|in-place
// grows/at-end: the XML grows with each frame or appears at the end; renamed/in-place:
// each file is written under a .tmp name and renamed, or written where it stays.
// Prints "frames N xml PATH".
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "core/error.h"
#include "io/tiff_movie_reader.h"
#include "rig_sim/prairieview_writer.h"

int main(int argc, char** argv) {
  using namespace calmon;
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s MOVIE.tif FOLDER grows|at-end renamed|in-place\n", argv[0]);
    return 2;
  }
  try {
    io::TiffMovieReader movie(argv[1]);
    rig_sim::PrairieViewOptions options;
    options.folder = argv[2];
    options.shape = movie.info().shape;
    options.channels = {2};
    options.volumes = static_cast<std::uint64_t>(movie.info().frames);
    options.xml =
        std::strcmp(argv[3], "at-end") == 0 ? rig_sim::XmlWriting::kAtTheEnd : rig_sim::XmlWriting::kGrowsWithEachFrame;
    options.files = std::strcmp(argv[4], "in-place") == 0 ? rig_sim::FileAppearance::kWrittenInPlace
                                                          : rig_sim::FileAppearance::kRenamedWhenComplete;
    const auto source = [&movie](std::uint64_t volume, std::uint32_t, std::span<std::uint16_t> pixels) {
      const AnyFrameView frame = movie.read(static_cast<std::int64_t>(volume));
      std::memcpy(pixels.data(), frame.data(), pixels.size_bytes());
    };
    const rig_sim::PrairieViewSeries series = rig_sim::write_prairieview_series(options, source);
    std::printf("frames %llu xml %s\n", static_cast<unsigned long long>(series.frames), series.xml_path.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
