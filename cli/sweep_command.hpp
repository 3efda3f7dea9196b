// sweep_command.hpp: `leadsim sweep SCENARIO --out DIR ...`: a parameter sweep (sweep.hpp), on
// threads, or on MPI ranks when launched by mpirun/srun; `leadsim sweep --merge DIR... --out DIR`
// joins the folders of `--shard i/n` jobs.
#pragma once

#include <CLI/CLI.hpp>

#include "sensitivity_command.hpp"  // leadsim::cli::Command

namespace leadsim::cli {

// Adds `sweep` to `parent`. Bad input is thrown as leadsim::InputError (exit code 2), except
// under MPI, where rank 0 alone reports it and the command returns 2 on every rank.
Command add_sweep_command(CLI::App& parent);

}  // namespace leadsim::cli
