// The SIMT harness: compiles CUDA kernel sources (kernels/cuda/*.cu) with the host compiler and
// runs them on the CPU, one fiber per GPU thread, one OS thread per block in flight. Included
// through kernels/cuda/runtime.h when CNN_SIMT is defined; never include it directly elsewhere.
// How it works, what it checks and what it cannot see: docs/simt.md.
//
// Parts, in dependency order:
//   device_builtins.h  qualifiers, vector types, device math, min/max
//   fiber.h            fcontext fibers with guarded, reused stacks (ASan-aware)
//   schedule.h         forward / reverse / random run orders of a block's threads
//   block_runner.h     one block: schedules, __syncthreads, warp rendezvous, diagnostics
//   intrinsics.h       __syncthreads / __shfl_*_sync / votes / __syncwarp, CNN_DYN_SHARED
//   atomics.h          atomicAdd and friends
//   runtime_api.h      cudaMalloc, cudaMemcpy, streams, events, errors
//   grid_executor.h    the block thread pool and cnn::simt::launch
#pragma once

#if !defined(CNN_SIMT)
#error "kernels/simt/simt.h is the CPU stand-in for CUDA; include kernels/cuda/runtime.h instead"
#endif

#include "kernels/simt/atomics.h"
#include "kernels/simt/block_runner.h"
#include "kernels/simt/device_builtins.h"
#include "kernels/simt/fiber.h"
#include "kernels/simt/grid_executor.h"
#include "kernels/simt/intrinsics.h"
#include "kernels/simt/runtime_api.h"
#include "kernels/simt/schedule.h"
