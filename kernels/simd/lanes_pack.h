#pragma once

// SIMD lane policy for the CPU engine: N rays in one register, through GCC/Clang vector
// extensions. The same per-ray templates that run one ray per CUDA thread run here on packs.
// Host only: never include this from CUDA sources.

#include <stdint.h>

#include <immintrin.h>

namespace radon {

// GCC ignores vector_size on a typedef that depends on a template parameter, hence one
// specialization per width.
template <int N>
struct PackTypes;
template <>
struct PackTypes<4> {
    typedef float F __attribute__((vector_size(16)));
    typedef int32_t I __attribute__((vector_size(16)));
};
template <>
struct PackTypes<8> {
    typedef float F __attribute__((vector_size(32)));
    typedef int32_t I __attribute__((vector_size(32)));
};
template <>
struct PackTypes<16> {
    typedef float F __attribute__((vector_size(64)));
    typedef int32_t I __attribute__((vector_size(64)));
};

template <int N>
struct PackLanes {
    using F = typename PackTypes<N>::F;
    using I = typename PackTypes<N>::I;
    using M = I;  // comparisons yield -1 (true) or 0 per lane
    static constexpr int width = N;

    static F splat(float v) { return F{} + v; }
    static I splat_int(int32_t v) { return I{} + v; }
    static F select(M m, F a, F b) { return m ? a : b; }
    static I select_int(M m, I a, I b) { return m ? a : b; }
    static F min(F a, F b) { return a < b ? a : b; }
    static F max(F a, F b) { return a > b ? a : b; }
    static I min_int(I a, I b) { return a < b ? a : b; }
    static I max_int(I a, I b) { return a > b ? a : b; }
    static F abs(F a) { return a < 0 ? -a : a; }
    static F sqrt(F a) {
        F r;
        for (int i = 0; i < N; ++i)
            r[i] = __builtin_sqrtf(a[i]);
        return r;
    }
    // Truncation corrected downwards; exact for |a| < 2^31, which callers guarantee by clamping.
    static F floor(F a) {
#if defined(__AVX512F__)
        if constexpr (N == 16) {
            return (F)_mm512_mask_roundscale_ps((__m512)a, 0xFFFF, (__m512)a,
                                                _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
        }
#endif
#if defined(__AVX2__)
        if constexpr (N == 8) return (F)_mm256_floor_ps((__m256)a);
#endif
        const F t = __builtin_convertvector(__builtin_convertvector(a, I), F);
        return t > a ? t - 1.0f : t;
    }
    static I to_int(F a) {
        return __builtin_convertvector(a, I);
    }
    static F to_float(I a) {
        return __builtin_convertvector(a, F);
    }
    static I minus_one_where(M m) {
        return m;
    }
    static bool any(M m) {
#if defined(__AVX512F__)
        if constexpr (N == 16) return _mm512_test_epi32_mask((__m512i)m, (__m512i)m) != 0;
#endif
#if defined(__AVX2__)
        if constexpr (N == 8) return _mm256_movemask_ps((__m256)m) != 0;
#endif
        if constexpr (N == 4) return _mm_movemask_ps((__m128)m) != 0;
        int32_t acc = 0;
        for (int i = 0; i < N; ++i)
            acc |= m[i];
        return acc != 0;
    }
    static int32_t max_lane(I a) {
        int32_t r = a[0];
        for (int i = 1; i < N; ++i)
            r = a[i] > r ? a[i] : r;
        return r;
    }
    static M and_(M a, M b) {
        return a & b;
    }
    static M or_(M a, M b) {
        return a | b;
    }
    static M not_(M a) {
        return ~a;
    }

    // The masked forms with a zero source: the unmasked intrinsics start from an undefined
    // register, which GCC 12 reports as maybe-uninitialized.
    static F gather(const float* base, I index) {
#if defined(__AVX512F__)
        if constexpr (N == 16) {
            return (F)_mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, (__m512i)index, base,
                                               4);
        }
#endif
#if defined(__AVX2__)
        if constexpr (N == 8) {
            const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
            return (F)_mm256_mask_i32gather_ps(_mm256_setzero_ps(), base, (__m256i)index, all, 4);
        }
#endif
        F r;
        for (int i = 0; i < N; ++i)
            r[i] = base[index[i]];
        return r;
    }

    // One lane's value: what scatters read, lane after lane.
    static float lane(F a, int l) {
        return a[l];
    }
    static int32_t lane_int(I a, int l) {
        return a[l];
    }
    static bool lane_mask(M a, int l) {
        return a[l] != 0;
    }

    // Per lane, the four consecutive floats from base + 4 * index (16-byte aligned quads): one
    // 16-byte load per lane and a 4x4 transpose, where four gathers would fetch them one float
    // at a time (a gather costs about one load per element on many CPUs).
    static void gather_quad(const float* base, I index, F& a, F& b, F& c, F& d) {
#if defined(__AVX2__) && !defined(__AVX512F__)
        if constexpr (N == 8) {
            __m128 q[8];
            for (int l = 0; l < 8; ++l)
                q[l] = _mm_load_ps(base + 4 * static_cast<int64_t>(index[l]));
            const __m256 r0 = _mm256_set_m128(q[4], q[0]);
            const __m256 r1 = _mm256_set_m128(q[5], q[1]);
            const __m256 r2 = _mm256_set_m128(q[6], q[2]);
            const __m256 r3 = _mm256_set_m128(q[7], q[3]);
            const __m256 t0 = _mm256_unpacklo_ps(r0, r1);
            const __m256 t1 = _mm256_unpacklo_ps(r2, r3);
            const __m256 t2 = _mm256_unpackhi_ps(r0, r1);
            const __m256 t3 = _mm256_unpackhi_ps(r2, r3);
            a = (F)_mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0));
            b = (F)_mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2));
            c = (F)_mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(1, 0, 1, 0));
            d = (F)_mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 2, 3, 2));
            return;
        }
#endif
        if constexpr (N == 4) {
            __m128 q0 = _mm_load_ps(base + 4 * static_cast<int64_t>(index[0]));
            __m128 q1 = _mm_load_ps(base + 4 * static_cast<int64_t>(index[1]));
            __m128 q2 = _mm_load_ps(base + 4 * static_cast<int64_t>(index[2]));
            __m128 q3 = _mm_load_ps(base + 4 * static_cast<int64_t>(index[3]));
            _MM_TRANSPOSE4_PS(q0, q1, q2, q3);
            a = (F)q0;
            b = (F)q1;
            c = (F)q2;
            d = (F)q3;
            return;
        }
        for (int l = 0; l < N; ++l) {
            const float* q = base + 4 * static_cast<int64_t>(index[l]);
            a[l] = q[0];
            b[l] = q[1];
            c[l] = q[2];
            d[l] = q[3];
        }
    }

    // The first, middle and last lane cover the cache lines a pack of neighbouring rays touches.
    static void prefetch(const float* base, I index) {
        __builtin_prefetch(base + index[0]);
        __builtin_prefetch(base + index[N / 2]);
        __builtin_prefetch(base + index[N - 1]);
    }
};

}  // namespace radon
