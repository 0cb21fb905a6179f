#pragma once

#include <cstddef>
#include <string>

namespace itk {
class ImageIOBase;
}

// ITK's NIfTI reader hands out integers stored with scl_slope/scl_inter as float, and to get
// there it keeps niftilib's copy of the stored values and a float copy of the whole image besides
// the caller's buffer: 2.5 times the float volume at the peak for int16. Read instead, the stored
// values go straight into the volume's float memory and are scaled there, with ITK's arithmetic,
// so the peak is the float volume and niftilib's copy (1.5 times for int16).
namespace radon::recon::detail {

// The scaling ITK would apply: value = float(double(float(stored)) * slope + intercept).
struct NiftiScaling {
    bool active = false;
    double slope = 1, intercept = 0;
};

// When `io` (its header read by ITK) is a NIfTI reader that promotes scaled integers to float,
// makes its next Read hand out the stored integers, reported as their own type, and returns the
// scaling to apply to them afterwards (apply_nifti_scaling); otherwise changes nothing and
// returns an inactive scaling. Throws InvalidArgument naming `path` when the header cannot be
// read again.
NiftiScaling read_stored_nifti_values(itk::ImageIOBase* io, const std::string& path);

// Applies `scaling` to `count` values converted from the stored integers, as ITK does.
void apply_nifti_scaling(const NiftiScaling& scaling, float* values, std::size_t count);

}  // namespace radon::recon::detail
