#!/usr/bin/env python3
"""Turns cnn-bench's JSON output (--benchmark_out=FILE --benchmark_out_format=json) for the CPU
benchmarks into the markdown table of docs/benchmarks.md ("CPU backend").

usage: bench/cpu/to_markdown.py bench.json
"""
import json
import sys


def si(value, unit):
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.1f} {prefix}{unit}"
    return f"{value:.1f} {unit}"


def main(path):
    with open(path) as f:
        data = json.load(f)
    ctx = data["context"]
    print(f"- run: {ctx.get('date', '?')}, {ctx.get('num_cpus', '?')} CPUs at "
          f"{ctx.get('mhz_per_cpu', '?')} MHz (nominal), load average "
          f"{', '.join(f'{x:.1f}' for x in ctx.get('load_avg', []))}")
    print()
    print("| benchmark | time per iteration | GFLOP/s | fraction of peak (wall) "
          "| fraction of peak (CPU time) | bytes/s | label |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        name = b["name"].replace("/min_time:0.300", "").replace("/min_time:0.500", "")
        name = name.replace("/real_time", "")
        time = f"{b['real_time']:.3g} {b['time_unit']}"
        flops = f"{b['flops'] / 1e9:.1f}" if "flops" in b else ""
        frac = f"{b['fraction_of_peak']:.2f}" if "fraction_of_peak" in b else ""
        frac_cpu = f"{b['fraction_of_peak_cpu']:.2f}" if "fraction_of_peak_cpu" in b else ""
        rate = si(b["bytes_per_second"], "B") if "bytes_per_second" in b else ""
        print(f"| {name} | {time} | {flops} | {frac} | {frac_cpu} | {rate} "
              f"| {b.get('label', '')} |")


if __name__ == "__main__":
    main(sys.argv[1])
