#pragma once

#include <QList>
#include <QString>

#include <utility>

class QSettings;

namespace radon::ui {

// A volume the user opened: a file or DICOM folder, and for a folder of several series the one
// chosen (empty otherwise).
struct RecentFile {
    QString path;
    QString series;

    bool operator==(const RecentFile& other) const {
        return path == other.path && series == other.series;
    }
};

// The most recently opened volumes, newest first, without repeats, kept in QSettings as an
// array of (path, series) under `key`.
class RecentFiles {
  public:
    static constexpr int kMaxEntries = 10;

    explicit RecentFiles(QString key = QStringLiteral("recentFiles")) : key_(std::move(key)) {}

    const QList<RecentFile>& entries() const { return entries_; }
    // Puts `file` first, dropping an earlier copy and the oldest entry beyond kMaxEntries.
    void add(const RecentFile& file);
    void remove(const RecentFile& file);
    void clear() { entries_.clear(); }

    void load(QSettings& settings);
    void save(QSettings& settings) const;

    // "thorax.nii.gz", or "CT/ (series Thorax 2.5 mm)": the name shown in a menu.
    static QString label(const RecentFile& file);

  private:
    QString key_;
    QList<RecentFile> entries_;
};

}  // namespace radon::ui
