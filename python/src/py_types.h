#pragma once

// Conversions between radon's small value types and what Python passes: 3-sequences for
// vectors, nested 3x3 and 4x4 sequences (or arrays) for matrices.

#include <array>

#include <nanobind/nanobind.h>

#include "kernels/core/vec.h"
#include "kernels/geometry/rotation.h"

namespace radon::python {

using Triple = std::array<double, 3>;
using Matrix3 = std::array<std::array<double, 3>, 3>;
using Matrix4 = std::array<std::array<double, 4>, 4>;

inline Vec3 vec(const Triple& t) {
    return {t[0], t[1], t[2]};
}
inline Triple triple(const Vec3& v) {
    return {v.x, v.y, v.z};
}

inline Mat3 mat(const Matrix3& m) {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            r.m[i][j] = m[i][j];
    return r;
}

inline Matrix3 matrix(const Mat3& m) {
    Matrix3 r{};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            r[i][j] = m.m[i][j];
    return r;
}

inline std::array<double, 16> flat(const Matrix4& m) {
    std::array<double, 16> r{};
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            r[4 * i + j] = m[i][j];
    return r;
}

inline Matrix4 matrix4(const std::array<double, 16>& a) {
    Matrix4 r{};
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            r[i][j] = a[4 * i + j];
    return r;
}

// Read-only shapes and vectors go to Python as tuples, as NumPy's shapes do.
template <class T, size_t N>
nanobind::tuple as_tuple(const std::array<T, N>& a) {
    nanobind::list l;
    for (const T& v : a)
        l.append(v);
    return nanobind::tuple(l);
}

}  // namespace radon::python
