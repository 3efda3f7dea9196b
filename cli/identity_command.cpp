// `leadsim identity PAST_SCENARIO --observed NOMINATIONS.csv --out DIR`: fits each CLP's lasting
// lean and activity to its nomination in a past contest (clp_identity.hpp) and writes
// DIR/identity.csv (for a later scenario's `[clps] identity`) and DIR/identity.json (the fitted
// prior, the likelihoods, the runs spent).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "leadsim/clp_identity.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"

namespace leadsim::cli {

Command add_identity_command(CLI::App& parent) {
  struct Options {
    std::string scenario, observed, out;
    std::vector<std::string> set;
    IdentityFitOptions fit;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "identity", "Fit each CLP's lasting lean and activity to its nomination in a past contest");
  app->add_option("scenario", o->scenario, "Scenario of the past contest the nominations come from")
      ->required();
  app->add_option("--observed", o->observed, "CSV with columns clp, nominated (a candidate id or none)")
      ->required();
  app->add_option("--out", o->out, "Folder for identity.csv and identity.json")->required();
  app->add_option("--runs-per-grid", o->fit.runs_per_grid, "Runs in which each CLP holds each lean value")
      ->check(whole_number(5, 100000))->capture_default_str();
  app->add_option("--grid", o->fit.grid, "Lean values on the grid")->check(whole_number(3, 201))->capture_default_str();
  app->add_option("--activity-sd", o->fit.activity_sd, "Prior sd of a CLP's activity (ASSUMED)")
      ->check(finite_number(0.0, 5.0))->capture_default_str();
  app->add_option("--seed", o->fit.seed, "Random seed")->capture_default_str()->check(seed_number());
  app->add_option("--threads", o->fit.threads, "Threads (0: all)")->check(whole_number(0, 1024));
  add_set_option(app, o->set);
  return {app, [o]() {
            const Scenario s = load_scenario(o->scenario, o->set);
            const ObservedNominations obs = read_observed_nominations(s, o->observed);
            const Population pop = synthesise(s, o->fit.seed);
            OutputDir dir(o->out);
            const IdentityFit fit = fit_clp_identity(s, pop, obs, o->fit);
            write_identity_csv(dir.open("identity.csv"), s, fit);
            nlohmann::json j;
            j["scenario"] = o->scenario;
            j["observed"] = o->observed;
            j["clps"] = s.clps.size();
            j["clps_observed"] = obs.matched;
            j["rows_not_matched"] = obs.unmatched_rows;
            j["tau"] = fit.tau;
            j["a0"] = fit.a0;
            j["activity_sd_assumed"] = fit.activity_sd;
            j["log_likelihood"] = fit.log_likelihood;
            j["log_likelihood_tau0"] = fit.log_likelihood_tau0;
            j["grid"] = fit.grid;
            j["runs"] = fit.runs;
            j["seed"] = o->fit.seed;
            dir.open("identity.json") << j.dump(2) << "\n";
            dir.commit();
            std::cout << fmt::format(
                "{}: {} CLPs, {} with an observed nomination ({} rows of {} name no CLP of the scenario)\n"
                "lasting lean: sd tau = {:.2f} (marginal log-likelihood {:.1f}; {:.1f} with no lasting lean)\n"
                "activity: P(meets) = {:.3f} at typical activity, sd {:.2f} ASSUMED; {} runs\n"
                "wrote {}/identity.csv and identity.json\n",
                s.name, s.clps.size(), obs.matched, obs.unmatched_rows, o->observed, fit.tau,
                fit.log_likelihood, fit.log_likelihood_tau0, 1 / (1 + std::exp(-fit.a0)), fit.activity_sd,
                fit.runs, o->out);
            return 0;
          }};
}

}  // namespace leadsim::cli
