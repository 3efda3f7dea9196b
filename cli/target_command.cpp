// `leadsim target SCENARIO --spec TARGET.toml --out DIR`: the smallest value of one parameter at
// which an outcome reaches a probability (target.hpp); prints each value tried and the answer
// with its bracket, writes target.json. With a [placement] spec instead, the placement question
// (placement.hpp): which CLPs a budget of joiners should join; writes placement.json,
// placement.csv and curves.csv. Stopped (SIGINT, SIGTERM, SIGHUP), it writes nothing.
#include "command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "leadsim/output_dir.hpp"
#include "leadsim/placement.hpp"
#include "leadsim/target.hpp"

namespace leadsim::cli {

namespace {

using Options = SpecCommandOptions;

// The scenario both questions run: loaded with the spec's overrides and the command's --set
// after them (added to the spec's, which the outputs record).
Scenario spec_scenario(const Options& o, std::vector<std::string>& spec_set) {
  for (const std::string& s : o.set) spec_set.push_back(s);
  return load_scenario(o.scenario, spec_set);
}

// Stopped by a signal before the outputs: nothing is written.
int stopped() {
  std::cerr << "leadsim: interrupted (" << stop_signal_name() << "); nothing written\n";
  return interrupted_exit_code();
}

int placement_command(const Options& o) {
  PlacementSpec spec = load_placement_spec(o.spec);
  const Scenario base = spec_scenario(o, spec.set);
  check_placement_spec(spec, base);
  OutputDir out(o.out);
  install_stop_handlers();
  const PlacementResult r = place_joiners(
      base, spec, o.threads,
      [&](int level, int levels) {
        if (!o.quiet && level < levels)
          std::cerr << fmt::format("  level {}/{}: {} joiners per CLP\n", level + 1, levels,
                                   std::int64_t(level) * spec.step);
      },
      &interrupted);
  if (r.cancelled || interrupted) return stopped();
  out.open("placement.json") << placement_json(base, spec, r);
  out.open("placement.csv") << placement_csv(base, r);
  out.open("curves.csv") << placement_curves_csv(base, r);
  out.commit();
  std::cout << placement_report(base, spec, r);
  std::cout << fmt::format("\nWrote {}, placement.csv and curves.csv\n", out.path("placement.json").string());
  return 0;
}

int target_command(const Options& o) {
  if (is_placement_spec(o.spec)) return placement_command(o);
  TargetSpec spec = load_target_spec(o.spec);
  const Scenario base = spec_scenario(o, spec.set);
  check_target_spec(spec, base);
  OutputDir out(o.out);
  install_stop_handlers();
  const TargetResult r = find_target(
      base, spec, o.threads,
      [&](const TargetProbe& p) {
        if (!o.quiet)
          std::cerr << fmt::format("  tried {} = {}: P = {:.3f} after {} runs\n", spec.parameter,
                                   p.value, p.p.p, p.runs);
      },
      &interrupted);
  if (r.cancelled || interrupted) return stopped();
  out.open("target.json") << target_json(base, spec, r);
  out.commit();
  std::cout << target_report(spec, r);
  std::cout << fmt::format("\nWrote {}\n", out.path("target.json").string());
  return 0;
}

}  // namespace

Command add_target_command(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "target", "The smallest value of a parameter at which an outcome reaches a probability; or, "
                "with a [placement] spec, which CLPs a budget of joiners should join");
  add_spec_command_options(app, *o,
                           "Target spec ([target]: parameter, range, outcome, probability) or placement "
                           "spec ([placement]: wave, candidate, budget)",
                           "Do not list the values (or levels) as they are tried");
  return {app, [o]() { return target_command(*o); }};
}

}  // namespace leadsim::cli
