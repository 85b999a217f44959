// Entry point of durasim_bench: the benchmarks register themselves from the other files.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
