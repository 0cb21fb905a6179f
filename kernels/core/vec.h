#pragma once

#include <cmath>

#include "kernels/core/hd.h"

namespace radon {

// Small fixed-size linear algebra for geometry. Double precision: poses and frames are set up
// once per render, and the per-ray code receives its inputs already converted to float.
struct Vec3 {
    double x = 0, y = 0, z = 0;

    RADON_HD double operator[](int i) const { return i == 0 ? x : (i == 1 ? y : z); }
    RADON_HD double& operator[](int i) { return i == 0 ? x : (i == 1 ? y : z); }
};

RADON_HD Vec3 operator+(Vec3 a, Vec3 b) {
    return {a.x + b.x, a.y + b.y, a.z + b.z};
}
RADON_HD Vec3 operator-(Vec3 a, Vec3 b) {
    return {a.x - b.x, a.y - b.y, a.z - b.z};
}
RADON_HD Vec3 operator-(Vec3 a) {
    return {-a.x, -a.y, -a.z};
}
RADON_HD Vec3 operator*(double s, Vec3 a) {
    return {s * a.x, s * a.y, s * a.z};
}
RADON_HD Vec3 operator*(Vec3 a, double s) {
    return s * a;
}
RADON_HD double dot(Vec3 a, Vec3 b) {
    return a.x * b.x + a.y * b.y + a.z * b.z;
}
RADON_HD Vec3 cross(Vec3 a, Vec3 b) {
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
RADON_HD double norm(Vec3 a) {
    return sqrt(dot(a, a));
}
RADON_HD Vec3 normalized(Vec3 a) {
    return (1.0 / norm(a)) * a;
}

// Row-major 3x3 matrix: m[r][c].
struct Mat3 {
    double m[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

    RADON_HD static Mat3 identity() { return Mat3{}; }
    RADON_HD static Mat3 from_columns(Vec3 c0, Vec3 c1, Vec3 c2) {
        Mat3 r;
        for (int i = 0; i < 3; ++i) {
            r.m[i][0] = c0[i];
            r.m[i][1] = c1[i];
            r.m[i][2] = c2[i];
        }
        return r;
    }
    RADON_HD Vec3 column(int c) const { return {m[0][c], m[1][c], m[2][c]}; }
    RADON_HD Vec3 row(int r) const { return {m[r][0], m[r][1], m[r][2]}; }
};

RADON_HD Vec3 operator*(const Mat3& a, Vec3 v) {
    return {dot(a.row(0), v), dot(a.row(1), v), dot(a.row(2), v)};
}

RADON_HD Mat3 operator*(const Mat3& a, const Mat3& b) {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            r.m[i][j] = a.m[i][0] * b.m[0][j] + a.m[i][1] * b.m[1][j] + a.m[i][2] * b.m[2][j];
    return r;
}

RADON_HD Mat3 transpose(const Mat3& a) {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            r.m[i][j] = a.m[j][i];
    return r;
}

RADON_HD double determinant(const Mat3& a) {
    return dot(a.row(0), cross(a.row(1), a.row(2)));
}

// Inverse by cofactors; the caller checks the determinant first where singularity is possible.
RADON_HD Mat3 inverse(const Mat3& a) {
    const Vec3 r0 = a.row(0), r1 = a.row(1), r2 = a.row(2);
    const double inv_det = 1.0 / dot(r0, cross(r1, r2));
    return Mat3::from_columns(inv_det * cross(r1, r2), inv_det * cross(r2, r0),
                              inv_det * cross(r0, r1));
}

// Right-handed rotations by `angle` radians about the x, y and z axes.
RADON_HD Mat3 rotation_x(double angle) {
    const double c = cos(angle), s = sin(angle);
    Mat3 r;
    r.m[1][1] = c;
    r.m[1][2] = -s;
    r.m[2][1] = s;
    r.m[2][2] = c;
    return r;
}
RADON_HD Mat3 rotation_y(double angle) {
    const double c = cos(angle), s = sin(angle);
    Mat3 r;
    r.m[0][0] = c;
    r.m[0][2] = s;
    r.m[2][0] = -s;
    r.m[2][2] = c;
    return r;
}
RADON_HD Mat3 rotation_z(double angle) {
    const double c = cos(angle), s = sin(angle);
    Mat3 r;
    r.m[0][0] = c;
    r.m[0][1] = -s;
    r.m[1][0] = s;
    r.m[1][1] = c;
    return r;
}
// axis: 0 = x, 1 = y, 2 = z.
RADON_HD Mat3 rotation_about_axis(int axis, double angle) {
    return axis == 0 ? rotation_x(angle) : (axis == 1 ? rotation_y(angle) : rotation_z(angle));
}

constexpr double kPi = 3.14159265358979323846;
RADON_HD double deg_to_rad(double deg) {
    return deg * (kPi / 180.0);
}
RADON_HD double rad_to_deg(double rad) {
    return rad * (180.0 / kPi);
}

}  // namespace radon
