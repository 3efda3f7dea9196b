// mpi_session.cpp: MpiSession (mpi_session.hpp).
#include "mpi_session.hpp"

#include <mpi.h>

namespace leadsim::cli {

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

}  // namespace leadsim::cli
