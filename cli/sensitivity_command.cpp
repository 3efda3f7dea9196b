// `leadsim sensitivity DIR`: parses its arguments, calls the library's sensitivity module, prints.
//
// Incomplete samples (a sweep still running, or one shard's folder): the complete ones are used,
// and the report says how many were left out; fewer than 2 complete samples is an error.
#include "command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "leadsim/report.hpp"
#include "leadsim/sensitivity.hpp"

namespace leadsim::cli {

Command add_sensitivity_command(CLI::App& parent) {
  struct Options {
    std::string dir;
    std::vector<std::string> outputs;
    SobolOptions sobol;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "sensitivity", "Sobol indices (first and total order) of a Saltelli sweep's outputs");
  app->add_option("dir", o->dir, "Folder of `leadsim sweep --out` (points.csv, sweep.json)")
      ->required();
  app->add_option("--output", o->outputs,
                  "Output column of points.csv to analyse (repeatable, or comma-separated; "
                  "default: every numeric output that varies)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->delimiter(',');
  app->add_option("--bootstrap", o->sobol.bootstrap, "Bootstrap resamples for the intervals")
      ->capture_default_str()
      ->check(whole_number(0, 100000));
  app->add_option("--confidence", o->sobol.confidence, "Level of the intervals")
      ->capture_default_str()
      ->check(finite_number(0.5, 0.999));
  app->add_option("--seed,-s", o->sobol.seed, "Seed of the bootstrap resampling")
      ->capture_default_str()
      ->check(seed_number());

  return {app, [o]() {
            const SaltelliTable t = read_saltelli_sweep(o->dir, o->outputs);
            const std::vector<SobolIndices> indices = sensitivity(t, o->sobol);
            OutputDir out(o->dir);  // sensitivity.csv appears whole or not at all
            write_sensitivity_csv(out.open("sensitivity.csv"), t, indices, o->sobol);
            out.commit();
            std::cout << format_sensitivity(t, indices, o->sobol);
            std::cout << fmt::format("\nWrote {}\n", out.path("sensitivity.csv").string());
            return 0;
          }};
}

}  // namespace leadsim::cli
