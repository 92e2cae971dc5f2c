// suite2p_files_test.cc — a Suite2p folder written by calmon and read back by calmon's own
// readers: the pixels, weights, overlap flags, iscell and ops survive the round trip, and
// the traces are transposed to (ROIs, frames) float32. numpy's reading of the same files is
// tests/suite2p's.
#include "io/suite2p_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "io/npy_file.h"
#include "test_support.h"

namespace calmon::io {
namespace {

TEST(Suite2pFiles, AFolderWrittenReadsBack) {
  const std::filesystem::path folder = test::temp_path("suite2p_files_test", "plane0");
  std::filesystem::create_directories(folder);
  Suite2pExport data;
  data.width = 6;
  data.height = 4;
  data.frame_rate_hz = 15.5;
  data.frames = 3;
  data.rois = {{{0, 1, 2}, {0, 0, 1}, {1.0, 0.5, 0.25}}, {{2, 5}, {1, 3}, {1.0, 1.0}}};
  data.f = {1, 2, 3, 4, 5, 6};  // (frames, ROIs)
  data.fneu = {0.5, 0, 1.5, 0, 2.5, 0};
  data.mean_image = Image{FrameShape{6, 4}, std::vector<double>(24, 7.25)};
  write_suite2p_folder(folder.string(), data);

  const Suite2pStat stat = read_suite2p_stat((folder / "stat.npy").string());
  ASSERT_EQ(stat.rois.size(), 2U);
  EXPECT_EQ(stat.rois[0].xs, data.rois[0].xs);
  EXPECT_EQ(stat.rois[1].ys, data.rois[1].ys);
  EXPECT_EQ(stat.rois[0].lam, data.rois[0].lam);
  ASSERT_TRUE(stat.has_overlap);
  EXPECT_EQ(stat.overlap[0], (std::vector<bool>{false, false, true}));  // (2, 1) is in both
  EXPECT_EQ(stat.overlap[1], (std::vector<bool>{true, false}));

  const Suite2pIscell iscell = read_suite2p_iscell((folder / "iscell.npy").string());
  EXPECT_EQ(iscell.is_cell, (std::vector<bool>{true, true}));
  EXPECT_EQ(iscell.probability, (std::vector<double>{1.0, 1.0}));

  const Suite2pOps ops = read_suite2p_ops((folder / "ops.npy").string());
  EXPECT_EQ(ops.width, 6);
  EXPECT_EQ(ops.height, 4);
  EXPECT_EQ(ops.frame_rate_hz, 15.5);
  ASSERT_TRUE(ops.mean_image.has_value());
  EXPECT_EQ(ops.mean_image->pixels, std::vector<double>(24, 7.25));
  EXPECT_FALSE(ops.reference_image.has_value());

  const std::unique_ptr<PickleDocument> f = read_npy_file((folder / "F.npy").string());
  EXPECT_EQ(f->root().dtype.str(), "<f4");
  EXPECT_EQ(f->root().shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(array_doubles(f->root(), "F"), (std::vector<double>{1, 3, 5, 2, 4, 6}));
  const std::unique_ptr<PickleDocument> fneu = read_npy_file((folder / "Fneu.npy").string());
  EXPECT_EQ(array_doubles(fneu->root(), "Fneu"), (std::vector<double>{0.5, 1.5, 2.5, 0, 0, 0}));
  EXPECT_FALSE(std::filesystem::exists(folder / "spks.npy"));
}

TEST(Suite2pFiles, RefusesWhatIsNotSuite2ps) {
  const std::filesystem::path folder = test::temp_path("suite2p_files_test", "plane0");
  std::filesystem::create_directories(folder);
  Suite2pExport data;
  data.width = 2;
  data.height = 2;
  data.frames = 1;
  data.rois = {{{0}, {0}, {1.0}}};
  data.f = {1};
  data.fneu = {0};
  write_suite2p_folder(folder.string(), data);
  const std::string f = (folder / "F.npy").string();
  test::expect_error([&] { read_suite2p_stat(f); }, f, "an array of <f4, not Suite2p's array of ROI dicts");
  const std::string ops = (folder / "ops.npy").string();
  test::expect_error([&] { read_suite2p_stat(ops); }, ops, "a stat.npy is a 1-D array of ROI dicts");
  const std::string stat = (folder / "stat.npy").string();
  test::expect_error([&] { read_suite2p_ops(stat); }, stat,
                     "an ops.npy holds one dict, as np.save(path, ops) writes it; this one is an array of 1 values");
  test::expect_error([&] { read_suite2p_iscell(stat); }, stat, "dtype |O is not a number type");
}

}  // namespace
}  // namespace calmon::io
