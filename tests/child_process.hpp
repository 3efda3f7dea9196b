// child_process.hpp: the command-line tests' child processes: a program started with its output
// in files (spawn), its exit code awaited (wait_for: 128 + the signal if one ended it), or both
// at once (run). Used where a test must signal or kill the program midway (the sweep's and the
// calibration's resume tests), which std::system cannot.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace leadsim::test {

// Starts `args` (argv[0] looked up on the PATH) with stdout and stderr in files and the
// "NAME=value" entries of `env` added to its environment; returns its pid.
inline pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& out,
                   const std::filesystem::path& err, const std::vector<std::string>& env = {}) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Exit code, or 128 + signal.
inline int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct Result {
  int code;
  std::string out, err;
};

// Runs `args` to its end, its output in files in `scratch`; returns the code and the output.
inline Result run(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                  const std::vector<std::string>& env = {}) {
  const std::filesystem::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const int code = wait_for(spawn(args, out, err, env));
  auto text = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  return {code, text(out), text(err)};
}

}  // namespace leadsim::test
