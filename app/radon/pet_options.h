#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "kernels/pet/lor_projector.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "recon/pet/pet_image.h"
#include "recon/pet/scanner_json.h"

namespace radon::cli {

// The options the PET commands share, and what they build: the scanner (--scanner), the
// sinogram (--span, --max-ring-difference, --view-mashing, --radial-bins, --axis-order, --tof,
// --no-tof), the image grid (--image-size, --voxel-size) and the projector (--projector,
// --device, --threads).
const std::vector<std::string>& pet_value_options();
const std::vector<std::string>& pet_flags();
// The help text for those options.
const char* pet_options_help();

// The command line of a PET command: its own value options, the shared ones above (and the
// object's below when `with_object`), and --help.
Arguments pet_arguments(const std::vector<std::string>& raw, std::vector<std::string> value_options,
                        bool with_object);
// The one sinogram argument (.hs) of backproject and recon.
std::string sinogram_argument(const Arguments& args);
// -o IMAGE, held to the volume formats that can be written.
std::string image_output(const Arguments& args);

recon::ScannerDescription scanner_from_arguments(const Arguments& args);
// The scanner's default sinogram with the options applied; TOF as the scanner has it unless
// --tof or --no-tof says otherwise. The TOF axis is always the fastest (projector order).
pet::SinogramDescriptor sinogram_from_arguments(const Arguments& args,
                                                const recon::ScannerDescription& scanner);
// --image-size NX,NY,NZ and --voxel-size SX,SY,SZ (mm) centred on the scanner, or the scanner's
// default grid (recon/pet/pet_image.h).
pet::PetImageGrid image_grid_from_arguments(const Arguments& args,
                                            const pet::SinogramDescriptor& sinogram);
// The projector settings for `grid`: --projector joseph|siddon, --device cpu|cuda, --threads.
pet::LorProjectorConfig projector_from_arguments(const Arguments& args,
                                                 const pet::PetImageGrid& grid);

// One line: "Siemens Biograph mCT: 672 x 55 crystals; sinogram 400 radial x 336 views x 559
// planes, span 11, MRD 49; TOF 13 bins".
std::string pet_setup_line(const recon::ScannerDescription& scanner,
                           const pet::SinogramDescriptor& sinogram);
std::string grid_text(const pet::PetImageGrid& grid);

}  // namespace radon::cli

namespace radon::cli {

// What a PET command projects or reconstructs against: the activity (an image file or a
// phantom) and the attenuation of the object, from the options --image FILE, --phantom
// iec|point [--point X,Y,Z] [--contrast C], --mu-map FILE (1/mm at 511 keV), --mu-from-ct CT
// (HU, converted by the bilinear 511 keV model) or --attenuation (the phantom's own mu-map).
const std::vector<std::string>& pet_object_value_options();
const std::vector<std::string>& pet_object_flags();
const char* pet_object_help();

// The activity image: the file's own grid, or the phantom on `grid`. `description` says what.
recon::PetImage activity_from_arguments(const Arguments& args,
                                        const pet::SinogramDescriptor& sinogram,
                                        const pet::PetImageGrid& grid, std::string& description);
// exp(-integral of mu) for every bin of `sinogram` (the same for each TOF bin of a LOR), or
// empty when no attenuation is asked for. The mu-map is projected on its own grid along the
// sinogram's LORs. `grid` is the phantom's grid for --attenuation.
std::vector<float> attenuation_from_arguments(const Arguments& args,
                                              const pet::SinogramDescriptor& sinogram,
                                              const pet::PetImageGrid& grid,
                                              const pet::LorProjectorConfig& projector,
                                              std::string& description);

}  // namespace radon::cli
