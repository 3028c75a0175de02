# Resolves the CNN_CUDA option into CNN_CUDA_MODE (native|simt|off) and sets up the language.
include(CheckLanguage)

set(CNN_CUDA_MODE "${CNN_CUDA}")
if(CNN_CUDA_MODE STREQUAL "auto")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(CNN_CUDA_MODE native)
  else()
    set(CNN_CUDA_MODE off)
  endif()
endif()
if(NOT CNN_CUDA_MODE MATCHES "^(native|simt|off)$")
  message(FATAL_ERROR "CNN_CUDA must be auto, native, simt or off (got '${CNN_CUDA}')")
endif()

if(CNN_CUDA_MODE STREQUAL "native")
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    # Turing, Ampere, Hopper as real code; "90" also embeds sm_90 PTX that newer GPUs JIT-compile.
    set(CMAKE_CUDA_ARCHITECTURES "75-real;80-real;90")
  endif()
  enable_language(CUDA)
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  find_package(CUDAToolkit REQUIRED)
elseif(CNN_CUDA_MODE STREQUAL "simt")
  find_package(Boost 1.71 REQUIRED COMPONENTS context)
endif()

# Compile definitions every libcnn target sees: CNN_WITH_CUDA when a CUDA backend exists
# (native or simt), CNN_SIMT when that backend is the CPU harness.
add_library(cnn_backend_defs INTERFACE)
if(NOT CNN_CUDA_MODE STREQUAL "off")
  target_compile_definitions(cnn_backend_defs INTERFACE CNN_WITH_CUDA=1)
endif()
if(CNN_CUDA_MODE STREQUAL "simt")
  target_compile_definitions(cnn_backend_defs INTERFACE CNN_SIMT=1)
endif()
