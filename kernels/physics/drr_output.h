#pragma once

#include <math.h>

#include <cstdint>
#include <string>

#include "kernels/core/hd.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/physics/unfused_multiply.h"

namespace radon {

// What a DRR pixel holds, computed from the line integral p = integral of mu ds along its ray.
enum class DrrOutputKind : int32_t {
    LineIntegral,  // p (dimensionless)
    Transmission,  // Beer-Lambert: I = I0 exp(-p), in counts; I/I0 when I0 = 1
    Log,           // ln(I0 / max(I, 1)) = min(p, ln I0): the log image of a detector that
                   // cannot count fewer than one photon, so it saturates at ln I0
};

struct DrrOutput {
    DrrOutputKind kind = DrrOutputKind::LineIntegral;
    float i0 = 1.0f;     // incident intensity, counts per pixel
    int32_t invert = 0;  // 1: the value is reflected about the top of its range (see below)
};

// The top of each kind's range, about which --invert reflects a value: I0 for transmission
// (I0 - I, the counts the patient removed: bone white), ln I0 for the log image (ln of the
// detected counts: bone black), 0 for the line integral (-p: bone black).
RADON_HD float drr_output_top(const DrrOutput& o) {
    switch (o.kind) {
        case DrrOutputKind::Transmission:
            return o.i0;
        case DrrOutputKind::Log:
            return logf(o.i0);
        case DrrOutputKind::LineIntegral:
        default:
            return 0.0f;
    }
}

// One pixel's value from its line integral; the CPU loop below and the CUDA backend both call
// this. With no inversion, bone is white for the line integral and the log image, and black
// for transmission.
RADON_HD float drr_output_value(float line_integral, const DrrOutput& o) {
    float v = line_integral;
    switch (o.kind) {
        case DrrOutputKind::Transmission:
            v = unfused_multiply(o.i0, expf(-line_integral));
            break;
        case DrrOutputKind::Log:
            v = fminf(line_integral, logf(o.i0));
            break;
        case DrrOutputKind::LineIntegral:
        default:
            break;
    }
    return o.invert ? drr_output_top(o) - v : v;
}

// How a front end names the fields in messages (the CLI passes its option names).
struct DrrOutputFieldNames {
    std::string kind = "output kind";
    std::string i0 = "incident intensity";
    std::string reduction = "projection mode";
};

// Throws InvalidArgument for an incident intensity that is not finite and in (0, 1e12] counts
// (for the log image: above 1, or the image would be all zero), or for a kind other than the
// line integral with a maximum intensity projection (a MIP is no line integral).
void validate(const DrrOutput& output, DrrReduction reduction,
              const DrrOutputFieldNames& names = {});

// Replaces every line integral in `pixels` by drr_output_value (OpenMP-parallel).
void apply_drr_output(float* pixels, int64_t count, const DrrOutput& output);

// One line for records and headers: what the values are and their unit.
std::string describe(const DrrOutput& output, DrrReduction reduction);

DrrOutputKind parse_drr_output_kind(const std::string& name);  // line-integral|transmission|log
const char* to_string(DrrOutputKind kind);

}  // namespace radon
