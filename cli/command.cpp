// command.cpp: the helpers every `leadsim` subcommand shares (see command.hpp).
#include "command.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace leadsim::cli {

void print_diagnostics(const InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
}

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled && ::isatty(2)) {}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const int width = 40, filled = int(double(width) * double(done) / double(total));
  std::fprintf(stderr, "\r[%s%s] %llu/%llu runs, %.0f runs/s ",
               std::string(size_t(filled), '#').c_str(),
               std::string(size_t(width - filled), '.').c_str(), (unsigned long long)done,
               (unsigned long long)total, secs > 0 ? double(done) / secs : 0.0);
  if (done == total) std::fprintf(stderr, "\r%*s\r", width + 40, "");
}

CLI::Option* add_set_option(CLI::App* app, std::vector<std::string>& set) {
  return app->add_option("--set", set, "Override a parameter: path=value (repeatable)");
}

}  // namespace leadsim::cli
