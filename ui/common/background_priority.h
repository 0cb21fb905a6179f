#pragma once

namespace radon::ui {

// Lowers the calling thread's CPU priority by `steps` nice levels (Linux: per thread; threads it
// creates later, such as an OpenMP team, inherit it). Compute threads run so: on a machine with
// few cores and software OpenGL, the UI thread and the GL driver's threads must win the CPU over
// a DRR render, or every 3D frame drawn during a render stalls the window. The DRR still gets
// every cycle the UI leaves idle. Does nothing where per-thread priorities are not supported.
void lower_current_thread_priority(int steps);

}  // namespace radon::ui
