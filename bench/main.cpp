// cnn-bench entry point; the benchmarks register themselves from bench/{cpu,cuda,core}.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
