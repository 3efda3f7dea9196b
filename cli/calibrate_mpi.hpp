// calibrate_mpi.hpp: a calibration's candidates spread over MPI ranks (compiled only when CMake
// finds MPI). `mpirun -np K leadsim calibrate ...`.
//
// Rank 0 runs the calibration itself (ABC-SMC, calibration.hpp) and owns the output folder; each
// batch of candidates it would run on its threads is broadcast instead (values, point seeds,
// runs), every rank runs the candidates i with i % K == its rank on its own threads
// (simulate_values) and the results are gathered back on rank 0 in candidate order. A candidate's
// runs depend on its values and seed alone, so the calibration is the same bytes whatever K.
// When rank 0 is done (or stopped by a signal, checked between batches) it broadcasts the end.
// A rank that dies takes the job down (mpirun's default).
#pragma once

#include "leadsim/calibration.hpp"
#include "mpi_session.hpp"

namespace leadsim::cli {

// On rank 0: the runner to give calibrate(); every batch is a collective call of all ranks.
CandidateRunner mpi_candidate_runner(const MpiSession& mpi, const Scenario& base,
                                     const CalibrationSpec& spec, int threads);
// On ranks above 0: runs its share of each batch rank 0 broadcasts, until rank 0 ends the job.
void serve_candidates(const MpiSession& mpi, const Scenario& base, const CalibrationSpec& spec,
                      int threads);
// On rank 0, when the calibration is over: releases the other ranks from serve_candidates.
void end_candidate_service(const MpiSession& mpi);

}  // namespace leadsim::cli
