#include "ui/common/recent_files.h"

#include <QFileInfo>
#include <QSettings>

namespace radon::ui {

void RecentFiles::add(const RecentFile& file) {
    entries_.removeAll(file);
    entries_.prepend(file);
    while (entries_.size() > kMaxEntries)
        entries_.removeLast();
}

void RecentFiles::remove(const RecentFile& file) {
    entries_.removeAll(file);
}

void RecentFiles::load(QSettings& settings) {
    entries_.clear();
    const int count = settings.beginReadArray(key_);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        RecentFile file{settings.value("path").toString(), settings.value("series").toString()};
        if (!file.path.isEmpty() && !entries_.contains(file) && entries_.size() < kMaxEntries)
            entries_.append(file);
    }
    settings.endArray();
}

void RecentFiles::save(QSettings& settings) const {
    settings.remove(key_);  // a shorter list must not keep the old tail
    settings.beginWriteArray(key_, static_cast<int>(entries_.size()));
    for (int i = 0; i < entries_.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue("path", entries_[i].path);
        settings.setValue("series", entries_[i].series);
    }
    settings.endArray();
}

QString RecentFiles::label(const RecentFile& file) {
    const QFileInfo info(file.path);
    const QString name = info.fileName().isEmpty() ? file.path : info.fileName();
    if (file.series.isEmpty()) return name;
    return QStringLiteral("%1 (series %2)").arg(name, file.series);
}

}  // namespace radon::ui
