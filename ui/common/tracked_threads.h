#pragma once

#include <QPointer>
#include <QThread>

#include <algorithm>
#include <vector>

namespace radon::ui {

// Starts `thread` and keeps a weak handle to it, so an owner can wait for its threads on
// destruction; handles of threads that have finished (and deleted themselves) are dropped.
inline void start_tracked(std::vector<QPointer<QThread>>& threads, QThread* thread) {
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    threads.erase(std::remove_if(threads.begin(), threads.end(),
                                 [](const QPointer<QThread>& t) { return t.isNull(); }),
                  threads.end());
    threads.push_back(thread);
    thread->start();
}

}  // namespace radon::ui
