// test_support.h — the helpers the unit tests share, one version of each: fresh
// per-test paths under CALMON_TEST_TMPDIR, running a program and catching what it prints,
// running /usr/bin/python3 (numpy, tifffile)
// to cross-check results, whole-file and raw-array I/O, numpy's name of a dtype, bitwise
// equality of doubles, the pixel pattern that reaches every bit, uniform random pixels, and the check that an
// action fails with a one-line calmon::Error naming a path.
//
// Temporary files: every helper takes the test executable's own folder (by convention
// its name, e.g. "npy_writer_test") and names the file after the running test, so no
// two tests — from one executable or from several run in parallel — share a file.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/frame_view.h"
#include "core/pixel_type.h"

namespace calmon::test {

// --- temporary files --------------------------------------------------------------------

// The running test's "Suite.Test", with typed and parameterized tests' "Suite/0" as
// "Suite_0".
inline std::string current_test_name() {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(test->test_suite_name()) + "." + test->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

// A fresh path for the running test: <CALMON_TEST_TMPDIR>/<folder>/<Suite.Test>_<name>,
// with whatever an earlier run left there removed. The folder is created.
inline std::string temp_path(const std::string& folder, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(CALMON_TEST_TMPDIR) / folder;
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / (current_test_name() + "_" + name);
  std::filesystem::remove_all(path);
  return path.string();
}

// A fresh, empty directory for the running test: <CALMON_TEST_TMPDIR>/<folder>/<Suite.Test>.
inline std::filesystem::path temp_dir(const std::string& folder) {
  const std::filesystem::path dir = std::filesystem::path(CALMON_TEST_TMPDIR) / folder / current_test_name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// --- files ------------------------------------------------------------------------------

// The whole file, byte for byte ("" if it cannot be opened).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::vector<std::byte> read_file_bytes(const std::filesystem::path& path) {
  const std::string chars = read_file(path);
  std::vector<std::byte> bytes(chars.size());
  std::memcpy(bytes.data(), chars.data(), chars.size());
  return bytes;
}

// `values` as raw host-order bytes, as numpy.fromfile reads them.
template <class T> void write_raw(const std::filesystem::path& path, const std::vector<T>& values) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

// `count` raw host-order values from the start of the file, as ndarray.tofile writes
// them; those the file is too short for stay 0.
template <class T> std::vector<T> read_raw(const std::filesystem::path& path, std::size_t count) {
  std::vector<T> values(count);
  std::ifstream(path, std::ios::binary)
      .read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
  return values;
}

// numpy's dtype.str for T, as a .npy header names it on a little-endian host: "|u1",
// "<i2", "<f8", ...
template <class T> std::string numpy_descr() {
  const char kind = std::is_floating_point_v<T> ? 'f' : std::is_signed_v<T> ? 'i' : 'u';
  return std::string(sizeof(T) == 1 ? "|" : "<") + kind + std::to_string(sizeof(T));
}

// --- Python -----------------------------------------------------------------------------

// --- programs --------------------------------------------------------------------------

// How a program run as a user runs it ended: its exit status (-1 if it did not exit
// normally) and what it printed.
struct CommandOutcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` (a shell command line) with stdout and stderr caught in files of
// `folder` named after the running test.
inline CommandOutcome run_command(const std::string& folder, const std::string& command) {
  const std::string out = temp_path(folder, "stdout.txt");
  const std::string err = temp_path(folder, "stderr.txt");
  const int status = std::system((command + " >" + out + " 2>" + err).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

// Whether the system interpreter can import `modules` ("numpy", "numpy, tifffile").
inline bool python_has(const std::string& modules) {
  return std::system(("/usr/bin/python3 -c 'import " + modules + "' 2>/dev/null").c_str()) == 0;
}

// Writes `script` to `script_path` and runs it with the system interpreter (which has
// numpy and tifffile), `arguments` appended to the command line; returns its exit
// status, or -1 if it did not exit normally.
inline int run_python(const std::filesystem::path& script_path, const std::string& script,
                      const std::string& arguments = "") {
  std::ofstream(script_path) << script;
  std::string command = "/usr/bin/python3 " + script_path.string();
  if (!arguments.empty()) command += " " + arguments;
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A 4-frame 7x6 uint16 movie (zeros) in `folder`/private_tag.tif with a private tag,
// 65000, that libtiff warns about when it reads it; its path. Needs numpy and tifffile.
inline std::filesystem::path write_movie_libtiff_warns_about(const std::filesystem::path& folder) {
  const std::filesystem::path movie = folder / "private_tag.tif";
  const int status = run_python(folder / "write_private_tag.py",
                                "import sys, numpy as np, tifffile\n"
                                "tifffile.imwrite(sys.argv[1], np.zeros((4, 6, 7), np.uint16), "
                                "photometric='minisblack', extratags=[(65000, 'I', 1, 7, True)])\n",
                                movie.string());
  if (status != 0) throw std::runtime_error("could not write " + movie.string());
  return movie;
}

// --- numbers ----------------------------------------------------------------------------

// The same double to the bit: NaN equals NaN, and 0.0 differs from -0.0.
inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// --- pixels -----------------------------------------------------------------------------

// Pixel values that reach every bit: wrapping integers, and floats with NaN, -inf,
// a denormal and -0.0 among ordinary values.
template <class T> T pattern_value(std::size_t i, int t) {
  if constexpr (std::is_floating_point_v<T>) {
    switch ((i + static_cast<std::size_t>(t)) % 23) {
      case 0: return std::numeric_limits<T>::quiet_NaN();
      case 1: return -std::numeric_limits<T>::infinity();
      case 2: return std::numeric_limits<T>::denorm_min();
      case 3: return T(-0.0);
      default: return static_cast<T>((static_cast<double>(i) - 17.25) * (t + 1) * 1e3 / 7.0);
    }
  } else {
    return static_cast<T>(i * 2654435761ULL + static_cast<unsigned long long>(t) * 40503ULL);
  }
}

// Frame t of a test movie of pattern_values, as bytes in the host's order.
inline std::vector<std::byte> pattern_frame(PixelType type, FrameShape shape, int t) {
  return dispatch_pixel_type(type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<std::byte> bytes(shape.pixel_count() * sizeof(T));
    for (std::size_t i = 0; i < shape.pixel_count(); ++i) {
      const T value = pattern_value<T>(i, t);
      std::memcpy(bytes.data() + i * sizeof(T), &value, sizeof(T));
    }
    return bytes;
  });
}

// `n` values drawn uniformly from [lo, hi] by std::mt19937_64(seed): whole numbers for
// integer T, reals for floating-point T.
template <class T> std::vector<T> random_pixels(std::size_t n, unsigned seed, double lo, double hi) {
  std::mt19937_64 rng(seed);
  std::vector<T> pixels(n);
  for (T& p : pixels) {
    if constexpr (std::is_integral_v<T>) {
      std::uniform_int_distribution<long long> value(static_cast<long long>(lo), static_cast<long long>(hi));
      p = static_cast<T>(value(rng));
    } else {
      std::uniform_real_distribution<double> value(lo, hi);
      p = static_cast<T>(value(rng));
    }
  }
  return pixels;
}

// random_pixels over an integer type's whole range, or over [float_lo, float_hi] for a
// floating-point type.
template <class T>
std::vector<T> random_pixels_full_range(std::size_t n, unsigned seed, double float_lo, double float_hi) {
  if constexpr (std::is_integral_v<T>) {
    return random_pixels<T>(n, seed, static_cast<double>(std::numeric_limits<T>::lowest()),
                            static_cast<double>(std::numeric_limits<T>::max()));
  } else {
    return random_pixels<T>(n, seed, float_lo, float_hi);
  }
}

// --- errors -----------------------------------------------------------------------------

// Expects `action` to throw a calmon::Error whose message is one line, starts with
// "<path>: " and contains `expected`.
inline void expect_error(const std::function<void()>& action, const std::string& path, const std::string& expected) {
  std::string message;
  try {
    action();
  } catch (const Error& error) {
    message = error.what();
  }
  ASSERT_FALSE(message.empty()) << "no calmon::Error thrown; expected one containing '" << expected << "'";
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.rfind(path + ": ", 0), 0U) << message;
  EXPECT_NE(message.find(expected), std::string::npos) << "message: " << message << "\nexpected: " << expected;
}

}  // namespace calmon::test
