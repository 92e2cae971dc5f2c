// pickle_reader_test.cc — the restricted unpickler on hand-built bytes: what numpy's pickles
// hold is read, every name numpy does not use is refused by name, and damaged or truncated
// pickles end in one line; PickleWriter's pickles read back, and numpy loads them.
#include "io/pickle_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/npy_file.h"
#include "io/npy_writer.h"
#include "io/pickle_writer.h"
#include "test_support.h"

namespace calmon::io {
namespace {

using Kind = PickleValue::Kind;
using test::expect_error;
using namespace std::string_literals;

std::vector<std::byte> bytes_of(const std::string& text) {
  std::vector<std::byte> out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<std::byte>(text[i]);
  return out;
}

std::vector<std::byte> from_hex(const std::string& hex) {
  std::vector<std::byte> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::byte>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// pickle.dumps(np.array([{'ypix': np.array([1, 2], np.int32), 'lam': np.array([0.5, 0.25],
// np.float32), 'med': [np.int64(-7), 3.5], 'ok': True, 'none': None}], dtype=object),
// protocol=3), as numpy 1.24 writes it.
const char* const kStatHex =
    "8003636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7100636e756d70790a6e6461727261790a71"
    "014b008571024301627103877104527105284b014b01857106636e756d70790a64747970650a710758020000004f38710889888771095271"
    "0a284b0358010000007c710b4e4e4e4affffffff4affffffff4b3f74710c62895d710d7d710e28580400000079706978710f680068014b00"
    "8571106803877111527112284b014b0285711368075802000000693471148988877115527116284b0358010000003c71174e4e4e4affffff"
    "ff4affffffff4b00747118628943080100000002000000711974711a6258030000006c616d711b680068014b0085711c680387711d52711e"
    "284b014b0285711f68075802000000663471208988877121527122284b0368174e4e4e4affffffff4affffffff4b00747123628943080000"
    "003f0000803e71247471256258030000006d656471265d712728636e756d70792e636f72652e6d756c746961727261790a7363616c61720a"
    "71286807580200000069387129898887712a52712b284b0368174e4e4e4affffffff4affffffff4b0074712c624308f9ffffffffffffff71"
    "2d86712e52712f47400c0000000000006558020000006f6b71308858040000006e6f6e6571314e7561747132622e";

// pickle.dumps({'x': np.arange(3, dtype='>i2')}, protocol=4): FRAME, MEMOIZE, STACK_GLOBAL.
const char* const kProtocol4Hex =
    "80049595000000000000007d948c0178948c156e756d70792e636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563749493"
    "948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b03859468058c0564747970659493948c02693294"
    "898887945294284b038c013e944e4e4e4affffffff4affffffff4b0074946289430600000001000294749462732e";

void check_stat(const PickleValue& root) {
  ASSERT_EQ(root.kind, Kind::kArray);
  EXPECT_EQ(root.dtype.kind, 'O');
  ASSERT_EQ(root.shape, std::vector<std::size_t>{1});
  ASSERT_EQ(root.elements().size(), 1U);
  const PickleValue& roi = *root.elements()[0];
  ASSERT_EQ(roi.kind, Kind::kDict);
  EXPECT_EQ(array_integers(*roi.find("ypix"), "ypix"), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(roi.find("ypix")->dtype.str(), "<i4");
  EXPECT_EQ(array_doubles(*roi.find("lam"), "lam"), (std::vector<double>{0.5, 0.25}));
  const PickleValue& med = *roi.find("med");
  ASSERT_EQ(med.kind, Kind::kList);
  ASSERT_EQ(med.items.size(), 2U);
  EXPECT_EQ(med.items[0]->kind, Kind::kInt);
  EXPECT_EQ(med.items[0]->integer, -7);
  EXPECT_EQ(scalar_number(*med.items[1], "med"), 3.5);
  EXPECT_TRUE(roi.find("ok")->boolean);
  EXPECT_EQ(roi.find("none")->kind, Kind::kNone);
  EXPECT_EQ(roi.find("absent"), nullptr);
}

TEST(PickleReader, ReadsNumpysObjectArrayOfDicts) {
  const PickleDocument document(from_hex(kStatHex), "stat.npy");
  check_stat(document.root());
}

TEST(PickleReader, ReadsNumpy2Names) {
  std::vector<std::byte> bytes = from_hex(kStatHex);
  std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (std::size_t at = 0; (at = text.find("numpy.core.", at)) != std::string::npos;)
    text.replace(at, 11, "numpy._core.");
  const PickleDocument document(bytes_of(text), "stat.npy");
  check_stat(document.root());
}

TEST(PickleReader, ReadsProtocol4AndBigEndian) {
  const PickleDocument document(from_hex(kProtocol4Hex), "p4");
  const PickleValue* x = document.root().find("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->dtype.str(), ">i2");
  EXPECT_EQ(array_integers(*x, "x"), (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(PickleReader, ReadsPlainValuesByHand) {
  // {'a': 5, 'b': [-2, 1.5, 'z', b'q'], 'c': (None, True, 2**40)}
  std::string p =
      "\x80\x03}(X\x01\x00\x00\x00"
      "aK\x05X\x01\x00\x00\x00"
      "b]("
      "J\xfe\xff\xff\xff"
      "G\x3f\xf8\x00\x00\x00\x00\x00\x00"
      "X\x01\x00\x00\x00z"
      "C\x01q"
      "e"
      "X\x01\x00\x00\x00"
      "c"
      "N\x88\x8a\x06\x00\x00\x00\x00\x00\x01\x87u."s;
  const PickleDocument document(bytes_of(p), "hand");
  const PickleValue& root = document.root();
  EXPECT_EQ(root.find("a")->integer, 5);
  const PickleValue& b = *root.find("b");
  ASSERT_EQ(b.items.size(), 4U);
  EXPECT_EQ(b.items[0]->integer, -2);
  EXPECT_EQ(b.items[1]->number, 1.5);
  EXPECT_EQ(b.items[2]->text, "z");
  EXPECT_EQ(b.items[3]->kind, Kind::kBytes);
  const PickleValue& c = *root.find("c");
  ASSERT_EQ(c.items.size(), 3U);
  EXPECT_EQ(c.items[2]->integer, std::int64_t{1} << 40);
}

TEST(PickleReader, RefusesEveryOtherName) {
  expect_error(
      [] {
        PickleDocument(bytes_of("\x80\x03"
                                "cos\nsystem\nX\x02\x00\x00\x00lsR."),
                       "stat.npy");
      },
      "stat.npy", "pickle uses os.system, which calmon does not read");
  expect_error(
      [] {
        PickleDocument(bytes_of("\x80\x03"
                                "cnumpy\nfoo\n."),
                       "stat.npy");
      },
      "stat.npy", "pickle uses numpy.foo, which calmon does not read");
  expect_error(
      [] {
        PickleDocument(bytes_of("\x80\x04\x8c\x08"
                                "builtins\x8c\x04"
                                "eval\x93."),
                       "ops.npy");
      },
      "ops.npy", "pickle uses builtins.eval, which calmon does not read");
}

TEST(PickleReader, RefusesDamagedPickles) {
  std::vector<std::byte> stat = from_hex(kStatHex);
  for (const std::size_t cut : {std::size_t{1}, std::size_t{40}, std::size_t{200}, stat.size() - 1}) {
    expect_error([&] { PickleDocument(std::span(stat).first(cut), "stat.npy"); }, "stat.npy", "(truncated?)");
  }
  expect_error([] { PickleDocument(bytes_of("\x80\x03h\x05."), "p"); }, "p", "memo index 5 was never set");
  expect_error([] { PickleDocument(bytes_of("\x80\x03K\x01K\x02R."), "p"); }, "p", "REDUCE of a int");
  expect_error(
      [] {
        PickleDocument(bytes_of("\x80\x03K\x01"
                                "a."),
                       "p");
      },
      "p", "an opcode needs a value");
  expect_error(
      [] {
        PickleDocument(bytes_of("\x80\x03"
                                "I1\n."),
                       "p");
      },
      "p", "pickle opcode 0x49 is not one");
  expect_error(
      [] {
        PickleDocument(bytes_of("\x80\x03X\xff\xff\xff\x7f"
                                "abc."),
                       "p");
      },
      "p", "(truncated?)");
  expect_error([] { PickleDocument(bytes_of("\x80\x03NN."), "p"); }, "p", "stops with 2 values");
  expect_error([] { PickleDocument(bytes_of("\x80\x09N."), "p"); }, "p", "protocol 9");
}

TEST(PickleWriter, WritesWhatTheReaderReadsBack) {
  PickleWriter writer;
  writer.begin_object_array({2});
  for (int r = 0; r < 2; ++r) {
    writer.begin_dict();
    writer.text("ypix");
    const std::vector<std::int32_t> ys = {r, 7, 300000};
    writer.array(std::span<const std::int32_t>(ys));
    writer.text("lam");
    const std::vector<double> lam = {0.1, 1e-300, 2.5};
    writer.array(std::span<const double>(lam), {3});
    writer.text("overlap");
    writer.array(std::vector<bool>{true, false, r == 1});
    writer.text("med");
    writer.begin_list();
    writer.integer(-1);
    writer.integer(1LL << 40);
    writer.number(0.25);
    writer.none();
    writer.boolean(false);
    writer.end_list();
    writer.end_dict();
  }
  writer.end_object_array();
  const std::string pickle = writer.finish();
  const PickleDocument document(bytes_of(pickle), "out");
  const PickleValue& root = document.root();
  ASSERT_EQ(root.elements().size(), 2U);
  const PickleValue& second = *root.elements()[1];
  EXPECT_EQ(array_integers(*second.find("ypix"), "y"), (std::vector<std::int64_t>{1, 7, 300000}));
  EXPECT_EQ(array_doubles(*second.find("lam"), "lam"), (std::vector<double>{0.1, 1e-300, 2.5}));
  EXPECT_EQ(array_integers(*second.find("overlap"), "o"), (std::vector<std::int64_t>{1, 0, 1}));
  const PickleValue& med = *second.find("med");
  ASSERT_EQ(med.items.size(), 5U);
  EXPECT_EQ(med.items[0]->integer, -1);
  EXPECT_EQ(med.items[1]->integer, 1LL << 40);
  EXPECT_EQ(med.items[2]->number, 0.25);
  EXPECT_EQ(med.items[3]->kind, Kind::kNone);
  EXPECT_EQ(med.items[4]->kind, Kind::kBool);
}

TEST(PickleWriter, NumpyLoadsItsObjectArrays) {
  if (!test::python_has("numpy")) GTEST_SKIP() << "no numpy";
  PickleWriter writer;
  writer.begin_object_array({});
  writer.begin_dict();
  writer.text("Ly");
  writer.integer(60);
  writer.text("fs");
  writer.number(30.0);
  writer.text("meanImg");
  const std::vector<float> image = {1, 2, 3, 4, 5, 6};
  writer.array(std::span<const float>(image), {2, 3});
  writer.end_dict();
  writer.end_object_array();
  const std::string path = test::temp_path("pickle_reader_test", "ops.npy");
  write_npy_object_array(path, writer.finish(), {});
  const std::unique_ptr<PickleDocument> back = read_npy_file(path);
  ASSERT_EQ(back->root().elements().size(), 1U);
  EXPECT_EQ(back->root().elements()[0]->find("Ly")->integer, 60);
  EXPECT_EQ(test::run_python(test::temp_path("pickle_reader_test", "check.py"),
                             "import numpy as np, sys\n"
                             "ops = np.load(sys.argv[1], allow_pickle=True).item()\n"
                             "assert ops['Ly'] == 60 and ops['fs'] == 30.0, ops\n"
                             "assert ops['meanImg'].dtype == np.float32 and ops['meanImg'].shape == (2, 3)\n"
                             "assert (ops['meanImg'] == np.arange(1, 7).reshape(2, 3)).all()\n",
                             path),
            0);
}

TEST(NpyFile, RefusesAPickleThatIsNotTheArrayItsHeaderSays) {
  PickleWriter writer;
  writer.integer(3);
  const std::string path = test::temp_path("pickle_reader_test", "int.npy");
  write_npy_object_array(path, writer.finish(), {1});
  expect_error([&] { read_npy_file(path); }, path, "its pickle holds a int, not the object array of shape (1,)");
}

}  // namespace
}  // namespace calmon::io
