// sweep.hpp: parameter sweeps: a design of points over scenario parameters, many runs at each,
// streamed to tidy tables that survive being killed.
//
// Include this one header; the API is in three, one per concern:
//   sweep_spec.hpp     SweepSpec .. design_points (what to sweep, its points)
//   sweep_engine.hpp   PointResult .. the CSV layouts (computing points, handing them on)
//   sweep_folder.hpp   Shard .. merge_sweeps (where the results go)
// The library's sources follow the same lines: sweep_spec.cpp, sweep_design.cpp,
// sweep_engine.cpp, sweep_tables.cpp, sweep_wire.cpp, sweep_folder.cpp, sweep_merge.cpp.
//
//   SweepSpec          what to sweep: parameters (by their `--set` path) with a range or a list
//                      of values, the design, points, runs per point, seed, Saltelli layout,
//                      random streams, adaptive runs. From a [sweep] table, a spec file or flags.
//   check_sweep_spec   checks a spec against the scenario (paths, domains, the points cap)
//   design_points      the points: each parameter's value as the text `--set` would take
//   run_sweep          computes points on all cores, hands them to a SweepSink in point order
//   compute_points     the engine under run_sweep, for callers that hand out points (MPI)
//   PointDelivery      finished points, in any order, to a sink in point order
//   SweepFolder        the resumable writer of DIR/points.csv, runs.csv, sweep.json
//   merge_sweeps       joins the folders of `--shard i/n` jobs into one sweep's folder
//
// Random streams. Point p's runs are `leadsim run`'s runs of the point's scenario (the base
// scenario with the point's values set) under the point's seed: the population is
// synthesise(point scenario, seed) and run r uses run_key(seed, r). With streams = "common"
// (the default) every point's seed is the sweep's seed, so points differ only by their
// parameters (common random numbers); with "independent" the seed is derived from the sweep's
// seed and the point's parameter values (not its index), so the same point gets the same
// stream in any design. Either way a point is reproduced alone, byte for byte, by
//   leadsim run SCENARIO --seed <points.csv seed> --runs <runs> --set path=value ...
// whose runs.csv equals the point's rows of the sweep's runs.csv without the point and
// parameter columns. Results never depend on threads, ranks, shards or interruptions.
//
// Example:
//   SweepSpec spec;
//   spec.params = {parse_param_flag("meetings.attendance=0.02:0.1"),
//                  parse_param_flag("eligibility.freeze_ruling=upheld,overturned")};
//   spec.design = SweepDesign::latin;
//   spec.points = 32;
//   spec.runs = 50;
//   Scenario base = load_scenario("scenarios/toy.toml", spec.set);
//   check_sweep_spec(spec, base);                     // throws InputError on bad input
//   SweepFolder out("out/sweep", base, spec, {}, /*resume=*/true);
//   SweepOptions opt;
//   opt.points = out.remaining();                     // all points, or what is left
//   run_sweep(base, spec, opt, out);                  // rows reach disk as points finish
//   out.finish();                                     // points.csv, runs.csv, sweep.json
#pragma once

#include "leadsim/sweep_engine.hpp"
#include "leadsim/sweep_folder.hpp"
#include "leadsim/sweep_spec.hpp"
