#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "durasim/cli/app.hpp"

#ifdef DURASIM_MPI
#include <mpi.h>

#include <string>
#include <vector>

namespace {

// Launched by mpirun (Open MPI sets OMPI_COMM_WORLD_SIZE, other launchers PMI_SIZE): only then is
// MPI started, so that a plain `durasim run` of an MPI build starts no MPI runtime.
bool under_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr;
}

// Every rank's text to rank 0, in rank order (sizes first, then the bytes).
std::vector<std::string> gather(const std::string& text, int rank, int size) {
  // MPI counts are ints: the caller keeps each rank's text and the total below INT_MAX.
  int length = static_cast<int>(text.size());
  std::vector<int> lengths(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (rank == 0) {
    int total = 0;
    for (int r = 0; r < size; ++r) {
      offsets[static_cast<std::size_t>(r)] = total;
      total += lengths[static_cast<std::size_t>(r)];
    }
    all.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
              0, MPI_COMM_WORLD);
  std::vector<std::string> out;
  if (rank == 0) {
    for (int r = 0; r < size; ++r)
      out.push_back(all.substr(static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]),
                               static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)])));
  }
  return out;
}

}  // namespace
#endif

int main(int argc, char** argv) {
  int code = 0;
#ifdef DURASIM_MPI
  if (under_mpirun()) {
    MPI_Init(&argc, &argv);
    durasim::Cluster cluster;
    MPI_Comm_rank(MPI_COMM_WORLD, &cluster.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &cluster.size);
    const int rank = cluster.rank, size = cluster.size;
    cluster.gather = [rank, size](const std::string& text) { return gather(text, rank, size); };
    cluster.all_ok = [](bool ok) {
      int mine = ok ? 1 : 0, all = 0;
      MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
      return all == 1;
    };
    code = durasim::run_cli(argc, argv, std::cout, std::cerr, &cluster);
    // Every rank's exit code matters: the worst one wins, on every rank.
    int worst = 0;
    MPI_Allreduce(&code, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    code = worst;
    MPI_Finalize();
  } else {
    code = durasim::run_cli(argc, argv, std::cout, std::cerr);
  }
#else
  code = durasim::run_cli(argc, argv, std::cout, std::cerr);
#endif
  // What went to stdout is written only once flushed and closed (a full disk, a closed pipe);
  // a stdout closed from the start (`>&-`) with nothing written is no error.
  std::cout.flush();
  const bool written = std::cout && std::fflush(stdout) == 0 && !std::ferror(stdout) &&
                       (::close(STDOUT_FILENO) == 0 || errno == EBADF);
  if (!written && code != 4) {
    std::cerr << "durasim: cannot write to standard output\n";
    if (code == 0) code = 4;
  }
  return code;
}
