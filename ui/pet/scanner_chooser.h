#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

#include "recon/pet/scanner_json.h"

class QLineEdit;

namespace radon::ui {

// Chooses the PET workspace's scanner: a compiled-in preset, a scanner JSON file, or an edit of
// the current one's parametric description. The editor holds one field per number of the
// description's JSON (the block or polygon model's fields, its TOF and default sinogram), named
// as in the file. Every edit rebuilds the JSON and reads it back through recon's scanner reader,
// the one place that checks scanners: a description it accepts is emitted at once; one it
// refuses turns the field its message names red, shows the message, and emits nothing.
// It starts on the demo preset (description() holds it; nothing is emitted before a connection
// can exist).
class ScannerChooser : public QWidget {
    Q_OBJECT

  public:
    explicit ScannerChooser(QWidget* parent = nullptr);
    ~ScannerChooser() override;

    // Each emits scannerChanged on success. A file that does not read leaves the current
    // description and shows the reader's message (openFile returns false).
    void selectPreset(const QString& id);
    bool openFile(const QString& path);

    // The last description accepted.
    const recon::ScannerDescription& description() const;

    // The editor's fields, by their JSON names ("radius_mm", "tof.fwhm_ps",
    // "default_sinogram.span"), in the order shown.
    QStringList fieldNames() const;
    QLineEdit* field(const QString& name) const;
    // The field shown as invalid (empty when the edit is valid), and the reader's message.
    QString invalidField() const;
    QString errorText() const;

  signals:
    void scannerChanged(const recon::ScannerDescription& description);

  private:
    void load(const recon::ScannerDescription& description);
    void rebuildEditor();
    void onFieldEdited(const QString& name);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The editor field a scanner reader's message names: a field of the file ("field 'rings'"), of
// a scanner check ("scanner 'X': rings is 7"; the TOF's mm fields name the file's ps ones) or of
// the default sinogram ("sinogram of scanner 'X': span is 2"); else the first of `names` the
// message mentions; else empty.
QString scanner_field_named(const QString& message, const QString& scanner_name,
                            const QStringList& names);

}  // namespace radon::ui
