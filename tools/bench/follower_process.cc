// follower_process.cc — fork/exec with the child's output rearranged, and the way out.
#include "follower_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace calmon::bench {
namespace {

constexpr auto kPollStep = std::chrono::milliseconds(5);

}  // namespace

FollowerProcess::FollowerProcess(const std::string& path, const std::vector<std::string>& arguments) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(STDERR_FILENO, STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  const int read_fd = pipe_fds[0];
  stderr_copier_ = std::thread([this, read_fd] {
    std::string line;
    char c = 0;
    while (read(read_fd, &c, 1) == 1) {
      line += c;
      if (c != '\n') continue;
      std::fputs(line.c_str(), stderr);
      if (line.find("waiting for") != std::string::npos) waiting_ = true;
      line.clear();
    }
    if (!line.empty()) std::fputs(line.c_str(), stderr);
    close(read_fd);
    stderr_closed_ = true;
  });
}

FollowerProcess::~FollowerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stderr_copier_.joinable()) stderr_copier_.join();
}

void FollowerProcess::wait_until_waiting(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!waiting_) {
    if (stderr_closed_) throw std::runtime_error("calmon-follow exited before it waited for its file");
    if (std::chrono::steady_clock::now() >= until) {
      throw std::runtime_error("calmon-follow did not say it waits for its file in time");
    }
    std::this_thread::sleep_for(kPollStep);
  }
}

bool FollowerProcess::reap(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pid_ = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(kPollStep);
  }
}

int FollowerProcess::wait_for_exit(std::chrono::milliseconds deadline) {
  if (pid_ > 0 && !reap(deadline)) {
    kill(pid_, SIGTERM);
    if (!reap(deadline)) {
      kill(pid_, SIGKILL);
      reap(deadline);
    }
  }
  if (stderr_copier_.joinable()) stderr_copier_.join();
  return exit_status_;
}

}  // namespace calmon::bench
