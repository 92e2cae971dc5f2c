// npy_fuzzer.cc — libFuzzer harness: a .npy file read as Suite2p's stat.npy, iscell.npy and
// ops.npy.
//
// calmon-rois reads Suite2p's folders, whose stat.npy and ops.npy are Python pickles inside
// .npy files (io/npy_file.h, io/pickle_reader.h), from anyone. The input is the file's
// bytes, written to an in-memory file (memfd) and opened by its /proc/self/fd path as on
// disk, then read as each of the three; a stat.npy's ROIs also go through Suite2p's mask
// rules (core/suite2p_masks.h), as calmon-rois takes them. A bad file must end in a
// one-line calmon::Error; anything else (a crash, another exception, a sanitizer report,
// more than 10 s or 2 GiB) is a finding.
//
// Seeds (tests/fuzz/corpus/npy, made by make_corpus.py): a small stat.npy, iscell.npy and
// ops.npy as numpy writes them (pickle protocol 3), with numpy 2's names, and protocol 4.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/suite2p_masks.h"
#include "io/suite2p_files.h"
#include "memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const calmon::fuzz::MemoryFile file(data, size);
  try {
    const calmon::io::Suite2pStat stat = calmon::io::read_suite2p_stat(file.path());
    const auto overlap = stat.has_overlap ? stat.overlap : calmon::shared_pixel_flags(stat.rois);
    for (std::size_t i = 0; i < stat.rois.size(); ++i) {
      (void)calmon::suite2p_cell_mask(stat.rois[i], overlap[i], false);
      (void)calmon::suite2p_median_pixel(stat.rois[i].xs, stat.rois[i].ys);
    }
  } catch (const calmon::Error&) {
  }
  try {
    (void)calmon::io::read_suite2p_iscell(file.path());
  } catch (const calmon::Error&) {
  }
  try {
    (void)calmon::io::read_suite2p_ops(file.path());
  } catch (const calmon::Error&) {
  }
  return 0;
}
