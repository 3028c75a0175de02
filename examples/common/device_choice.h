// The --device flag of the example programs: auto, cpu, cuda or cuda:N.
#pragma once

#include <string>

#include "cnn/device.h"

namespace example_common {

// "auto": CUDA when a real GPU is usable, else the CPU (never the SIMT harness, which runs CUDA
// kernels on CPU fibers, orders of magnitude slower than the CPU backend; --device cuda still
// selects it explicitly). "cuda" without a usable device is an InputError: a CUDA request never
// silently runs on the CPU.
cnn::Device select_device(const std::string& text);

// "cpu", "cuda:0", or "cuda:0 (SIMT)" when the CUDA device is the SIMT harness.
std::string describe_device(const cnn::Device& device);

}  // namespace example_common
