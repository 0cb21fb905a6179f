#pragma once

namespace radon::recon {

// Resident memory from the kernel's own accounting (/proc/self), in MiB: what `radon bench` and
// `radon info` report. Linux only; 0 where the figures are not available.

// Starts a new peak: from here on peak_memory_mb() counts from the memory in use now.
void reset_peak_memory();

// The largest resident memory since the last reset (or since the start).
double peak_memory_mb();

// The resident memory now.
double resident_memory_mb();

}  // namespace radon::recon
