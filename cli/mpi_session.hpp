// mpi_session.hpp: one MPI job's life in a command (compiled only when CMake finds MPI): the
// sweep and calibration drivers (sweep_mpi.hpp, calibrate_mpi.hpp) run inside one. Only the main
// thread of each rank calls MPI (MPI_THREAD_FUNNELED); compute threads never do.
#pragma once

namespace leadsim::cli {

// MPI_Init_thread on construction, MPI_Finalize on destruction.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace leadsim::cli
