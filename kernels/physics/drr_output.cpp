#include "kernels/physics/drr_output.h"

#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon {

void validate(const DrrOutput& output, DrrReduction reduction, const DrrOutputFieldNames& names) {
    const double i0 = output.i0;
    if (!std::isfinite(i0) || i0 <= 0 || i0 > 1e12) {
        std::ostringstream msg;
        msg << names.i0 << ": " << i0 << " is not an incident intensity in (0, 1e12] counts";
        throw InvalidArgument(msg.str());
    }
    if (output.kind == DrrOutputKind::Log && i0 <= 1) {
        std::ostringstream msg;
        msg << names.i0 << ": " << i0 << " counts; the log image ln(I0 / max(I, 1)) needs I0 > 1 "
            << "counts (it saturates at ln I0), e.g. 1e5";
        throw InvalidArgument(msg.str());
    }
    if (output.kind != DrrOutputKind::LineIntegral && reduction != DrrReduction::Sum) {
        throw InvalidArgument(names.kind + " " + to_string(output.kind) + " needs " +
                              names.reduction +
                              " sum: a maximum intensity projection is not a line integral");
    }
}

void apply_drr_output(float* pixels, int64_t count, const DrrOutput& output) {
    if (output.kind == DrrOutputKind::LineIntegral && !output.invert) return;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; ++i)
        pixels[i] = drr_output_value(pixels[i], output);
}

std::string describe(const DrrOutput& o, DrrReduction reduction) {
    std::ostringstream s;
    s.precision(10);
    if (reduction == DrrReduction::Max) {
        s << (o.invert ? "minus the " : "") << "maximum linear attenuation along the ray (1/mm)";
        return s.str();
    }
    switch (o.kind) {
        case DrrOutputKind::Transmission:
            if (o.invert) {
                s << "I0 - I = I0 (1 - exp(-p)), attenuated counts, with I0 = " << o.i0;
            } else {
                s << "Beer-Lambert transmission I = I0 exp(-p) with I0 = " << o.i0
                  << (o.i0 == 1.0f ? " (I/I0)" : " counts");
            }
            break;
        case DrrOutputKind::Log:
            if (o.invert) {
                s << "ln(max(I, 1)) = ln I0 - min(p, ln I0), the log of the detected counts, "
                  << "with I0 = " << o.i0 << " counts";
            } else {
                s << "ln(I0 / max(I, 1)) = min(p, ln I0) with I0 = " << o.i0 << " counts";
            }
            break;
        case DrrOutputKind::LineIntegral:
        default:
            s << (o.invert ? "minus the " : "")
              << "line integral p of linear attenuation (dimensionless)";
            break;
    }
    return s.str();
}

DrrOutputKind parse_drr_output_kind(const std::string& name) {
    if (name == "line-integral") return DrrOutputKind::LineIntegral;
    if (name == "transmission") return DrrOutputKind::Transmission;
    if (name == "log") return DrrOutputKind::Log;
    throw InvalidArgument("unknown output kind '" + name +
                          "': expected line-integral, transmission or log");
}

const char* to_string(DrrOutputKind kind) {
    switch (kind) {
        case DrrOutputKind::Transmission:
            return "transmission";
        case DrrOutputKind::Log:
            return "log";
        case DrrOutputKind::LineIntegral:
        default:
            return "line-integral";
    }
}

}  // namespace radon
