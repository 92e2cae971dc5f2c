// command_line.cc — parse, --help, usage errors; see the header.
#include "command_line.h"

#include <zmq.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>

#include "core/error.h"

namespace calmon::cli {

namespace po = boost::program_options;

po::variables_map CommandLine::parse(int argc, char** argv, const po::options_description& shown,
                                     const po::options_description& hidden,
                                     const po::positional_options_description& positional) const {
  po::options_description all;
  all.add(shown).add(hidden);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), values);
    po::notify(values);
  } catch (const po::error& e) {
    usage_error(e.what());
  }
  if (values.count("help")) {
    std::cout << usage_ << "\n" << shown;
    std::exit(0);
  }
  return values;
}

void CommandLine::usage_error(const std::string& message) const {
  std::cerr << program_ << ": " << message << "\n" << usage_;
  std::exit(2);
}

int CommandLine::run(const std::function<int()>& work, int error_status) const {
  try {
    return work();
  } catch (const Error& e) {
    std::cout << std::flush;
    std::cerr << program_ << ": " << e.what() << "\n";
    return error_status;
  } catch (const zmq::error_t& e) {
    std::cerr << program_ << ": ZeroMQ: " << e.what() << "\n";
  } catch (const std::exception& e) {  // a filesystem error names its paths
    std::cerr << program_ << ": " << e.what() << "\n";
  }
  return 1;
}

}  // namespace calmon::cli
