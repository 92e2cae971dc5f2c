// tiff_fuzzer.cc — libFuzzer harness: a TIFF movie read page by page.
//
// calmon-analyze and calmon-replay read movies anyone may have handed over
// (io/tiff_movie_reader.h). The input is the file's bytes: written to an anonymous
// in-memory file (memfd) and opened by its /proc/self/fd path, so the reader runs
// exactly as on disk — fstat, pread, libtiff with its own file handle — without touching
// the disk. Every time point of every channel and slice is read. A bad file must end in
// a one-line calmon::Error; anything else (a crash, another exception, a sanitizer
// report) is a finding.
//
// Seeds (tests/fuzz/corpus/tiff, made by make_corpus.py): small movies of every pixel
// type, byte order, BigTIFF, compressed, tiled, and ImageJ hyperstacks including the
// contiguous >4 GiB layout, and the harness's first finding (claims_huge_frame.tif: tags
// claiming a 2.5 GB frame, refused at open since); tiff.dict holds the tags the reader
// looks at. The reader runs with its default frame size limit, 64 MiB.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "io/tiff_movie_reader.h"
#include "memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const calmon::fuzz::MemoryFile file(data, size);
  try {
    calmon::io::TiffMovieReader movie(file.path());
    const calmon::io::TiffMovieInfo info = movie.info();
    for (std::int64_t t = 0; t < info.frames; ++t) {
      for (int channel = 0; channel < info.channels; ++channel) {
        for (int slice = 0; slice < info.slices; ++slice) (void)movie.read(t, channel, slice);
      }
    }
  } catch (const calmon::Error&) {
  }
  return 0;
}
