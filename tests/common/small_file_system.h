#pragma once

// A real file system that fills up: a tmpfs of a few kilobytes mounted on a folder, for the tests
// that a full disk is noticed. Mounting needs root (CAP_SYS_ADMIN); without it the tests skip and
// say why.

#include <sys/mount.h>

#include <QDir>
#include <QString>

#include <cerrno>
#include <cstring>
#include <string>

namespace radon::test {

class SmallFileSystem {
  public:
    // Mounts a tmpfs of `kib` KiB on `folder` (created if missing).
    SmallFileSystem(const QString& folder, int kib) : folder_(folder) {
        QDir().mkpath(folder);
        const std::string options = "size=" + std::to_string(kib) + "k";
        if (::mount("tmpfs", folder.toLocal8Bit().constData(), "tmpfs", 0, options.c_str()) == 0) {
            mounted_ = true;
        } else {
            reason_ = QString(
                          "cannot mount a %1 KiB tmpfs on %2 (%3; the full-disk tests need "
                          "root)")
                          .arg(kib)
                          .arg(folder, QString::fromLocal8Bit(std::strerror(errno)));
        }
    }
    ~SmallFileSystem() {
        if (mounted_) ::umount2(folder_.toLocal8Bit().constData(), MNT_DETACH);
    }
    SmallFileSystem(const SmallFileSystem&) = delete;
    SmallFileSystem& operator=(const SmallFileSystem&) = delete;

    bool mounted() const { return mounted_; }
    const QString& reason() const { return reason_; }
    QString path(const QString& name) const { return folder_ + "/" + name; }

  private:
    QString folder_;
    QString reason_;
    bool mounted_ = false;
};

}  // namespace radon::test
