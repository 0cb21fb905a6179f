// Runs the radon command line as a user runs it: as a separate process.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace radon::test {

struct Run {
    int exit_code = -1;
    QString out, err;
};

inline Run run_radon(const QStringList& args) {
    QProcess p;
    p.start(RADON_CLI_PATH, args);
    Run r;
    if (!p.waitForFinished(600000)) {
        p.kill();
        return r;
    }
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

}  // namespace radon::test
