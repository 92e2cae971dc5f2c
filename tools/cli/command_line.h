// command_line.h — how a calmon program reads its command line and says what is wrong with it.
//
// Every tool does the same three things with Boost.Program_options: --help prints the
// usage and the options and exits 0; a command line Boost cannot read, or a value the
// program refuses, prints "<program>: <why>" and the usage on stderr and exits 2.
// CommandLine holds the program's name and usage text so that each tool says it once;
// run() then does the program's work and turns what it throws into one line.
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <string>

namespace calmon::cli {

class CommandLine {
 public:
  // `usage`: the text --help and every mistake print, ending with a newline.
  CommandLine(std::string program, std::string usage) : program_(std::move(program)), usage_(std::move(usage)) {}

  // Parses argv against `shown` (the options --help lists) plus `hidden` (positional
  // arguments, say); exits 0 after --help, 2 on a mistake.
  boost::program_options::variables_map parse(
      int argc, char** argv, const boost::program_options::options_description& shown,
      const boost::program_options::options_description& hidden = {},
      const boost::program_options::positional_options_description& positional = {}) const;

  // "<program>: <message>" and the usage on stderr; exits 2.
  [[noreturn]] void usage_error(const std::string& message) const;

  // Returns what `work` returns. What it throws is printed as "<program>: <why>" on
  // stderr ("<program>: ZeroMQ: <why>" for ZeroMQ's errors), after what went to stdout,
  // and the exit status is `error_status` for a calmon::Error (one-line errors: the
  // input's or the user's), 1 for anything else.
  int run(const std::function<int()>& work, int error_status = 1) const;

  const std::string& program() const { return program_; }

 private:
  std::string program_;
  std::string usage_;
};

}  // namespace calmon::cli
