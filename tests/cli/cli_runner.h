#pragma once

// Runs the radon command line as a user runs it: as a separate process.

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

// A small phantom grid keeps each run well under a second.
inline const QStringList kSmallPhantom = {"--phantom", "shepp-logan",       "--phantom-size",
                                          "48,48,48",  "--phantom-spacing", "4,4,4"};

}  // namespace radon::test
