// curve_keys_test.cc — CURVE key files: what calmon-keygen writes reads back, pyzmq's files
// read too (and ours read in pyzmq), malformed files are one-line errors naming the file
// and the problem, and a secret key others may read is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "net/curve_client.h"
#include "net/curve_keys.h"
#include "test_support.h"

namespace calmon::net {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

const std::string kFolder = "curve_keys_test";
constexpr fs::perms kPrivate = fs::perms::owner_read | fs::perms::owner_write;
// A valid key pair (zmq_curve_public of the secret gives the public).
const CurveKeyPair kPair = generate_curve_key_pair();

std::string certificate(const std::string& curve_section) {
  return "#   a comment\n\nmetadata\n    owner = \"test\"   # a comment after a value\ncurve\n" + curve_section;
}

std::string public_section(const std::string& key = kPair.public_key) { return "    public-key = \"" + key + "\"\n"; }

std::string secret_section(const CurveKeyPair& pair = kPair) {
  return "    public-key = \"" + pair.public_key + "\"\n    secret-key = \"" + pair.secret_key + "\"\n";
}

fs::path write(const fs::path& path, const std::string& text, fs::perms perms = kPrivate) {
  std::ofstream(path, std::ios::binary) << text;
  fs::permissions(path, perms);
  return path;
}

void expect_parse_error(const std::string& text, const std::string& expected) {
  try {
    (void)parse_certificate(text);
    ADD_FAILURE() << "accepted:\n" << text;
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what() << "\nexpected: " << expected;
  }
}

// --- the format ---------------------------------------------------------------------------

TEST(CurveCertificate, ReadsTheKeysOfTheCurveSection) {
  const CertificateKeys keys = parse_certificate(certificate(secret_section()));
  EXPECT_EQ(keys.public_key, kPair.public_key);
  EXPECT_EQ(keys.secret_key, kPair.secret_key);
  const CertificateKeys only_public = parse_certificate(certificate(public_section()));
  EXPECT_EQ(only_public.public_key, kPair.public_key);
  EXPECT_FALSE(only_public.secret_key);
}

TEST(CurveCertificate, AcceptsWhatZplAllows) {
  // Single quotes, no quotes, CRLF line ends, a trailing comment, blank lines, no metadata,
  // sections and properties the reader does not use.
  const std::string text =
      "other\n    public-key = \"not read: not in curve\"\ncurve\r\n"
      "    public-key = '" +
      kPair.public_key +
      "'   # ours\r\n\n"
      "    secret-key = \"" +
      kPair.secret_key +
      "\"\n"
      "    extra\n        deeper = 1\n";
  const CertificateKeys keys = parse_certificate(text);
  EXPECT_EQ(keys.public_key, kPair.public_key);
  EXPECT_EQ(keys.secret_key, kPair.secret_key);
  if (kPair.public_key.find('#') == std::string::npos) {  // '#' is Z85, but starts a comment unquoted
    EXPECT_EQ(parse_certificate("curve\n    public-key = " + kPair.public_key + "\n").public_key, kPair.public_key);
  }
}

TEST(CurveCertificate, MalformedTextIsOneLineNamingTheLine) {
  expect_parse_error("curve\n  public-key = \"x\"\n", "line 2: indented by 2 spaces");
  expect_parse_error("curve\n\tpublic-key = \"x\"\n", "line 2: indented with a tab");
  expect_parse_error("curve\n        public-key = \"x\"\n", "line 2: indented deeper than the line it belongs to");
  expect_parse_error("curve\n    public-key \"" + kPair.public_key + "\"\n", "line 2: expected '=' after 'public-key'");
  expect_parse_error("curve\n    public-key = \"" + kPair.public_key + "\n",
                     "line 2: the value of 'public-key' has no closing quote");
  expect_parse_error("curve\n    public-key = \"" + kPair.public_key + "\" junk\n",
                     "line 2: unexpected text after the quoted value");
  expect_parse_error("= value\n", "line 1: expected a name");
  expect_parse_error("curve\n    public-key = \"a\0b\"\n"s, "line 2: a control character");
}

TEST(CurveCertificate, AKeyMustBeFortyCharactersOfZ85) {
  expect_parse_error(certificate(public_section("short")),
                     "public-key is not a CURVE key (40 characters of Z85), got 'short'");
  expect_parse_error(certificate(public_section(kPair.public_key + "X")), "line 6: public-key is not a CURVE key");
  expect_parse_error(certificate(public_section(std::string(39, 'a') + "\\")), "public-key is not a CURVE key");
  expect_parse_error(certificate(public_section("")), "public-key is not a CURVE key");
  expect_parse_error(certificate(secret_section(CurveKeyPair{kPair.public_key, "~" + kPair.secret_key.substr(1)})),
                     "line 7: secret-key is not a CURVE key");
}

TEST(CurveCertificate, AKeyGivenTwiceIsAnError) {
  expect_parse_error(certificate(public_section() + public_section()), "line 7: a second public-key");
}

// --- files --------------------------------------------------------------------------------

TEST(CurveKeyFiles, WrittenKeyPairsReadBack) {
  const fs::path dir = test::temp_dir(kFolder);
  const KeyPairFiles files = write_curve_key_pair(dir / "calmond", kPair, "made by a test");
  EXPECT_EQ(files.public_file, dir / "calmond.key");
  EXPECT_EQ(files.secret_file, dir / "calmond.key_secret");
  EXPECT_EQ(load_curve_public_key(files.public_file), kPair.public_key);
  const CurveKeyPair read = load_curve_secret_key(files.secret_file);
  EXPECT_EQ(read.public_key, kPair.public_key);
  EXPECT_EQ(read.secret_key, kPair.secret_key);
  EXPECT_EQ(fs::status(files.secret_file).permissions() & fs::perms::all, kPrivate);
  EXPECT_EQ(test::read_file(files.public_file).find(kPair.secret_key), std::string::npos);
}

TEST(CurveKeyFiles, NothingIsOverwritten) {
  const fs::path dir = test::temp_dir(kFolder);
  write(dir / "calmond.key", "keep me");
  test::expect_error([&] { write_curve_key_pair(dir / "calmond", kPair, "x"); }, (dir / "calmond.key").string(),
                     "exists already");
  EXPECT_EQ(test::read_file(dir / "calmond.key"), "keep me");
  EXPECT_FALSE(fs::exists(dir / "calmond.key_secret"));
}

TEST(CurveKeyFiles, ASecretKeyOthersMayReadIsRefused) {
  const fs::path dir = test::temp_dir(kFolder);
  const fs::path file = write(dir / "a.key_secret", certificate(secret_section()),
                              kPrivate | fs::perms::group_read | fs::perms::others_read);
  test::expect_error(
      [&] { load_curve_secret_key(file); }, file.string(),
      "a secret key must be private, but group or others may access it (mode 0644); chmod 600 " + file.string());
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_write);
  test::expect_error([&] { load_curve_secret_key(file); }, file.string(), "(mode 0420)");
}

TEST(CurveKeyFiles, EachFileKindIsCheckedForWhatItMustHold) {
  const fs::path dir = test::temp_dir(kFolder);
  const fs::path secret = write(dir / "a.key_secret", certificate(secret_section()));
  const fs::path public_only = write(dir / "a.key", certificate(public_section()));
  const fs::path empty = write(dir / "empty.key", "# nothing\n");
  test::expect_error([&] { load_curve_public_key(secret); }, secret.string(), "holds a secret key");
  test::expect_error([&] { load_curve_secret_key(public_only); }, public_only.string(),
                     "no secret-key in a curve section: give the secret key file (NAME.key_secret)");
  test::expect_error([&] { load_curve_public_key(empty); }, empty.string(), "no public-key in a curve section");
  test::expect_error([&] { load_curve_public_key(dir / "missing.key"); }, (dir / "missing.key").string(),
                     "cannot read it");
  const fs::path big = write(dir / "big.key", std::string(70000, '#'));
  test::expect_error([&] { load_curve_public_key(big); }, big.string(), "larger than 64 KiB");
  const fs::path malformed = write(dir / "bad.key", "curve\n   public-key = \"x\"\n");
  test::expect_error([&] { load_curve_public_key(malformed); }, malformed.string(), "line 2: indented by 3 spaces");
}

TEST(CurveKeyFiles, ASecretKeyFileMustHoldItsOwnPublicKey) {
  const fs::path dir = test::temp_dir(kFolder);
  const CurveKeyPair other = generate_curve_key_pair();
  const fs::path file =
      write(dir / "mixed.key_secret", certificate(secret_section({other.public_key, kPair.secret_key})));
  test::expect_error([&] { load_curve_secret_key(file); }, file.string(),
                     "its public-key is not the one of its secret-key");
}

TEST(CurveKeyFiles, AFolderGivesEveryPublicKeyOnce) {
  const fs::path dir = test::temp_dir(kFolder);
  const CurveKeyPair other = generate_curve_key_pair();
  write(dir / "alice.key", certificate(public_section()));
  write(dir / "alice-again.key", certificate(public_section()));
  write(dir / "bob.key", certificate(public_section(other.public_key)));
  write(dir / "bob.key_secret", certificate(secret_section(other)));  // not a .key file: not read
  write(dir / "README", "not a key");
  std::vector<std::string> expected = {kPair.public_key, other.public_key};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(load_curve_public_keys(dir), expected);
}

TEST(CurveKeyFiles, AFolderWithoutKeysOrWithABadOneIsAnError) {
  const fs::path dir = test::temp_dir(kFolder);
  test::expect_error([&] { load_curve_public_keys(dir); }, dir.string(), "no public key files (NAME.key) in it");
  test::expect_error([&] { load_curve_public_keys(dir / "missing"); }, (dir / "missing").string(), "not a folder");
  const fs::path bad = write(dir / "bad.key", certificate(public_section("nope")));
  test::expect_error([&] { load_curve_public_keys(dir); }, bad.string(), "public-key is not a CURVE key");
}

TEST(CurveClientKeys, BothFilesOrNeither) {
  const fs::path dir = test::temp_dir(kFolder);
  const CurveKeyPair client = generate_curve_key_pair();
  write_curve_key_pair(dir / "calmond", kPair, "x");
  write_curve_key_pair(dir / "client", client, "x");
  EXPECT_FALSE(load_curve_client_keys("", ""));
  const auto keys = load_curve_client_keys((dir / "calmond.key").string(), (dir / "client.key_secret").string());
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->server_public_key, kPair.public_key);
  EXPECT_EQ(keys->client.secret_key, client.secret_key);
  for (const auto& [server, own] : {std::pair<std::string, std::string>{(dir / "calmond.key").string(), ""},
                                    {"", (dir / "client.key_secret").string()}}) {
    try {
      (void)load_curve_client_keys(server, own);
      ADD_FAILURE() << "one file accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--server-key and --client-key go together"), std::string::npos) << e.what();
    }
  }
}

// --- the same files in pyzmq ------------------------------------------------------------------

TEST(CurveKeyFiles, PyzmqReadsOursAndWeReadPyzmqs) {
  if (!test::python_has("zmq.auth")) GTEST_SKIP() << "no pyzmq for /usr/bin/python3 (tools/install-deps --test)";
  const fs::path dir = test::temp_dir(kFolder);
  write_curve_key_pair(dir / "ours", kPair, "x");
  const std::string script = R"(
import os, sys, zmq, zmq.auth
folder = sys.argv[1]
public, secret = zmq.auth.load_certificate(os.path.join(folder, "ours.key_secret"))
with open(os.path.join(folder, "ours_as_pyzmq_reads_it"), "w") as f:
    f.write(public.decode() + "\n" + secret.decode() + "\n")
made_public, made_secret = zmq.auth.create_certificates(folder, "theirs")
public, secret = zmq.auth.load_certificate(made_secret)
with open(os.path.join(folder, "theirs_expected"), "w") as f:
    f.write(public.decode() + "\n" + secret.decode() + "\n")
)";
  ASSERT_EQ(test::run_python(dir / "pyzmq_keys.py", script, dir.string()), 0);
  EXPECT_EQ(test::read_file(dir / "ours_as_pyzmq_reads_it"), kPair.public_key + "\n" + kPair.secret_key + "\n");

  const std::string expected = test::read_file(dir / "theirs_expected");
  EXPECT_EQ(load_curve_public_key(dir / "theirs.key") + "\n", expected.substr(0, kZ85KeyLength + 1));
  // pyzmq leaves the secret file's mode to the umask: made private, it reads.
  fs::permissions(dir / "theirs.key_secret", kPrivate);
  const CurveKeyPair theirs = load_curve_secret_key(dir / "theirs.key_secret");
  EXPECT_EQ(theirs.public_key + "\n" + theirs.secret_key + "\n", expected);
}

}  // namespace
}  // namespace calmon::net
