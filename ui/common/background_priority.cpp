#include "ui/common/background_priority.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace radon::ui {

void lower_current_thread_priority(int steps) {
#if defined(__linux__)
    const auto thread = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, thread);
    if (errno != 0) return;
    // Best effort: a refused change leaves the thread as it was.
    (void)setpriority(PRIO_PROCESS, thread, now + steps);
#else
    (void)steps;
#endif
}

}  // namespace radon::ui
