#pragma once

// Runs the radon command line with a time limit, so that a hang fails its test instead of
// blocking the suite, with extra environment variables and resource limits set in the child.

#include <sys/resource.h>

#include <csignal>

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include "tests/cli/cli_runner.h"

namespace radon::test {

struct RunLimits {
    int timeout_ms = 60000;
    QStringList environment;  // "NAME=value"
    // When > 0: no file may grow beyond this many bytes, as on a disk that is full.
    long max_file_bytes = 0;
    // When > 0: the address space of the command, so that a runaway read fails fast instead of
    // taking the machine's memory.
    long max_memory_bytes = 0;
};

// Exit code -1 and `timed_out` when the command was killed at the time limit.
struct LimitedRun : Run {
    bool timed_out = false;
};

inline LimitedRun run_radon_limited(const QStringList& args, const RunLimits& limits) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& entry : limits.environment)
        env.insert(entry.section('=', 0, 0), entry.section('=', 1));
    p.setProcessEnvironment(env);
    const long max_file_bytes = limits.max_file_bytes;
    const long max_memory_bytes = limits.max_memory_bytes;
    p.setChildProcessModifier([max_file_bytes, max_memory_bytes] {
        if (max_file_bytes > 0) {
            // A write past the limit then fails with EFBIG instead of killing the process.
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit{static_cast<rlim_t>(max_file_bytes),
                               static_cast<rlim_t>(max_file_bytes)};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        }
        if (max_memory_bytes > 0) {
            const rlimit limit{static_cast<rlim_t>(max_memory_bytes),
                               static_cast<rlim_t>(max_memory_bytes)};
            ::setrlimit(RLIMIT_AS, &limit);
        }
    });
    p.start(RADON_CLI_PATH, args);
    LimitedRun r;
    if (!p.waitForFinished(limits.timeout_ms)) {
        p.kill();
        p.waitForFinished(5000);
        r.timed_out = true;
        r.err = QString::fromLocal8Bit(p.readAllStandardError());
        return r;
    }
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

}  // namespace radon::test
