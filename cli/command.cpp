// command.cpp: the helpers every `leadsim` subcommand shares (see command.hpp).
#include "command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>

#include "leadsim/number_text.hpp"

namespace leadsim::cli {

bool launched_by_mpi_environment() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}

void print_diagnostics(const InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
}

namespace {

extern "C" void on_stop_signal(int sig) {
  if (interrupted.exchange(true)) {
    // The second signal: the user means it. Die of it, as if no handler were installed.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  stop_signal = sig;
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // reads and writes in progress go on; the loops poll the flag
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

int interrupted_exit_code() { return 128 + (stop_signal ? stop_signal.load() : SIGINT); }

const char* stop_signal_name() {
  switch (stop_signal.load()) {
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "SIGINT";
  }
}

CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        if (parse_unsigned(text, lo, hi)) return "";
        return fmt::format("'{}' is not a decimal whole number in [{}, {}]", text, lo, hi);
      },
      fmt::format("WHOLE in [{}, {}]", lo, hi));
}

CLI::Validator finite_number(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        if (const auto x = parse_real(text); x && *x >= lo && *x <= hi) return "";
        return fmt::format("'{}' is not a finite decimal number in [{}, {}]", text, lo, hi);
      },
      fmt::format("NUMBER in [{}, {}]", lo, hi));
}

CLI::Validator seed_number() { return whole_number(0, std::numeric_limits<std::uint64_t>::max()); }


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

void add_spec_command_options(CLI::App* app, SpecCommandOptions& o, const std::string& spec_help,
                              const std::string& quiet_help) {
  app->add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
  app->add_option("--spec", o.spec, spec_help)->required();
  app->add_option("--out,-o", o.out, "Output folder")->required();
  app->add_option("--threads,-t", o.threads, "Worker threads (0: all cores)")
      ->capture_default_str()
      ->check(whole_number(0, 1024));
  add_set_option(app, o.set);
  app->add_flag("--quiet,-q", o.quiet, quiet_help);
}

CLI::Option* add_set_option(CLI::App* app, std::vector<std::string>& set) {
  return app->add_option("--set", set, "Override a parameter: path=value (repeatable)");
}

}  // namespace leadsim::cli
