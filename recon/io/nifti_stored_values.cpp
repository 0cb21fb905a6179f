#include "recon/io/nifti_stored_values.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "itkNiftiImageIO.h"

#include "recon/io/nifti_header.h"

namespace radon::recon::detail {
namespace {

// The ITK component type of an integer NIfTI datatype; UNKNOWNCOMPONENTTYPE for the others.
itk::IOComponentEnum integer_component(int datatype) {
    using C = itk::IOComponentEnum;
    switch (datatype) {
        case 2:
            return C::UCHAR;
        case 256:
            return C::CHAR;
        case 4:
            return C::SHORT;
        case 512:
            return C::USHORT;
        case 8:
            return C::INT;
        case 768:
            return C::UINT;
        case 1024:
            return C::LONG;
        case 1280:
            return C::ULONG;
        default:
            return C::UNKNOWNCOMPONENTTYPE;
    }
}

// niftilib keeps a scale factor only when it is finite; ITK then treats a slope of 0 as 1 and
// rescales when the slope is not 1 or the intercept not 0 (NiftiImageIO::MustRescale).
NiftiScaling itk_scaling(const NiftiHeader& header) {
    constexpr double eps = std::numeric_limits<double>::epsilon();
    NiftiScaling s;
    s.slope = std::isfinite(header.scl_slope) ? header.scl_slope : 0.0;
    s.intercept = std::isfinite(header.scl_inter) ? header.scl_inter : 0.0;
    if (std::abs(s.slope) < eps) s.slope = 1;
    s.active = std::abs(s.slope - 1.0) > eps || std::abs(s.intercept) > eps;
    return s;
}

}  // namespace

NiftiScaling read_stored_nifti_values(itk::ImageIOBase* io, const std::string& path) {
    auto* nifti = dynamic_cast<itk::NiftiImageIO*>(io);
    if (!nifti || io->GetComponentType() != itk::IOComponentEnum::FLOAT) return {};
    NiftiStart start;
    if (!read_nifti_start(path, start)) return {};
    const NiftiHeader header = parse_nifti_header(path, start.bytes, start.length);
    const itk::IOComponentEnum stored = integer_component(header.datatype);
    const NiftiScaling scaling = itk_scaling(header);
    // Float data, or a header ITK read differently from this one: ITK's own path.
    if (stored == itk::IOComponentEnum::UNKNOWNCOMPONENTTYPE || !scaling.active) return {};
    nifti->SetRescaleSlope(1.0);
    nifti->SetRescaleIntercept(0.0);
    io->SetComponentType(stored);
    return scaling;
}

void apply_nifti_scaling(const NiftiScaling& scaling, float* values, std::size_t count) {
    if (!scaling.active) return;
    for (std::size_t i = 0; i < count; ++i) {
        double v = static_cast<double>(values[i]) * scaling.slope;
        v += scaling.intercept;
        values[i] = static_cast<float>(v);
    }
}

}  // namespace radon::recon::detail
