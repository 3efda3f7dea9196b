// command.cpp: the helpers every `leadsim` subcommand shares (see command.hpp).
#include "command.hpp"

#include <fmt/format.h>

#include <csignal>
#include <iostream>
#include <limits>

#include "leadsim/number_text.hpp"

namespace leadsim::cli {

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

CLI::Option* add_set_option(CLI::App* app, std::vector<std::string>& set) {
  return app->add_option("--set", set, "Override a parameter: path=value (repeatable)");
}

}  // namespace leadsim::cli
