#!/usr/bin/env bash
# Resource report for every kernel in kernels/cuda: compiles each .cu with `nvcc -Xptxas -v` for
# each architecture and prints one row per kernel: registers, static shared memory, spill stores
# and spill loads. Exits non-zero if any kernel spills (design rule: 0 bytes of spills).
#
# usage: resource_report.sh NVCC REPO_ROOT        (the CMake target `kernel-resources` calls it)
# env:   CUDA_ARCHS      CMake-style list, e.g. "75-real;80-real;90" or "75-real,80-real,90"
#                        (default: that list)
#        CNN_NVCC_FLAGS  extra nvcc flags (optional)
set -euo pipefail

nvcc=${1:?usage: resource_report.sh NVCC REPO_ROOT}
root=${2:?usage: resource_report.sh NVCC REPO_ROOT}
archs=${CUDA_ARCHS:-75-real;80-real;90}
filt=$(dirname "$nvcc")/cu++filt
[[ -x $filt ]] || filt=c++filt

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-100s %-6s %5s %7s %7s %7s\n' kernel arch regs smem_B spill_st spill_ld
status=0
rows=0
for src in "$root"/kernels/cuda/*.cu; do
  for arch in ${archs//[;,]/ }; do
    sm=sm_${arch%%-*}
    # shellcheck disable=SC2086
    if ! "$nvcc" -std=c++17 --expt-relaxed-constexpr ${CNN_NVCC_FLAGS:-} -I"$root" -arch="$sm" \
         -Xptxas -v -c "$src" -o "$tmp/out.o" > "$tmp/log" 2>&1; then
      cat "$tmp/log" >&2
      echo "resource_report: compiling $src for $sm failed" >&2
      exit 2
    fi
    # ptxas prints, per kernel: "Compiling entry function 'NAME' for 'sm_XX'", then
    # "N bytes stack frame, S bytes spill stores, L bytes spill loads", then
    # "Used R registers, ... B bytes smem, ...".
    awk -v arch="$sm" '
      /Compiling entry function/ { match($0, /'"'"'[^'"'"']+'"'"'/); name = substr($0, RSTART + 1, RLENGTH - 2); st = 0; ld = 0 }
      /bytes spill stores/ && name != "" { st = $5; ld = $9 }
      /Used [0-9]+ registers/ && name != "" {
        regs = $0; sub(/.*Used /, "", regs); sub(/ registers.*/, "", regs)
        smem = 0; if (match($0, /[0-9]+ bytes smem/)) { smem = substr($0, RSTART, RLENGTH); sub(/ bytes smem/, "", smem) }
        print name, arch, regs, smem, st, ld; name = ""
      }' "$tmp/log" > "$tmp/rows"
    while read -r name sm_name regs smem st ld; do
      # Demangle, drop namespaces, `void` and the parameter list: template arguments name the
      # variant.
      pretty=$("$filt" "$name" | sed -e 's/cnn::kernels::cuda:://g' -e 's/(anonymous namespace):://g' \
        -e 's/gemm:://g' -e 's/detail:://g' -e 's/^void //' | perl -pe 's/\((?:[^()]++|(?0))*\)(?=\s*$)//')
      printf '%-100s %-6s %5s %7s %7s %7s\n' "$pretty" "$sm_name" "$regs" "$smem" "$st" "$ld"
      if [[ $st != 0 || $ld != 0 ]]; then status=1; fi
      rows=$((rows + 1))
    done < "$tmp/rows"
  done
done
# No rows means ptxas's output was not understood: fail rather than report "0 spills" for nothing.
if [[ $rows == 0 ]]; then echo "resource_report: no kernel found in ptxas output" >&2; status=1; fi
if [[ $status != 0 ]]; then echo "resource_report: some kernels spill registers" >&2; fi
exit $status
