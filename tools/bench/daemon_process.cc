// daemon_process.cc — fork/exec, the ready line, and the way out.
#include "daemon_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "calmon/output.pb.h"
#include "config/json_message.h"
#include "daemon_control.h"

namespace calmon::bench {
namespace {

std::string read_line(int fd, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::string line;
  char c = 0;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    pollfd item{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&item, 1, static_cast<int>(left.count())) <= 0) {
      throw std::runtime_error("calmond printed no ready line in time");
    }
    if (read(fd, &c, 1) != 1) throw std::runtime_error("calmond exited before its ready line");
    if (c == '\n') return line;
    line += c;
  }
}

}  // namespace

DaemonProcess::DaemonProcess(const std::string& path, const std::vector<std::string>& arguments,
                             std::chrono::milliseconds ready_deadline, Curve curve)
    : curve_(std::move(curve)) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  try {
    const std::string line = read_line(stdout_fd_, ready_deadline);
    // Parsed as the message calmond prints it from, not matched as text: the layout
    // and escaping are protobuf's JSON mapping's to choose.
    const auto ready = config::parse_json_as<pb::ReadyLine>(line, "calmond's ready line", "ReadyLine");
    endpoints_ = {ready.ingest(), ready.publish(), ready.control(), ready.http()};
  } catch (...) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    close(stdout_fd_);
    throw;
  }
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

bool DaemonProcess::wait_for_exit(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int DaemonProcess::stop(std::chrono::milliseconds deadline) {
  if (pid_ <= 0) return exit_status_;
  try {
    request_shutdown(endpoints_.control, deadline, curve_);
  } catch (const std::exception&) {
    kill(pid_, SIGTERM);
  }
  if (wait_for_exit(deadline)) return exit_status_;
  kill(pid_, SIGTERM);
  if (wait_for_exit(deadline)) return exit_status_;
  kill(pid_, SIGKILL);
  wait_for_exit(deadline);
  return -1;
}

}  // namespace calmon::bench
