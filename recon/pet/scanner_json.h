#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kernels/pet/scanner_geometry.h"
#include "kernels/pet/sinogram_descriptor.h"

namespace radon::recon {

// A PET scanner read from a JSON description (resources/scanners/*.json shows every field).
// "model" selects the description: "block" (BlockScannerSpec's fields), "regular_polygon"
// (RegularPolygonSpec's) or "explicit" (crystal_centres_mm, optional crystal_normals). TOF
// settings are given in ps ("tof": bins, bin_width_ps, fwhm_ps, truncation_sigmas,
// centre_offset_ps) and converted to mm along the LOR (c / 2 per ps). A YRT-PET scanner file
// (recognised by its "scannerName" field) is read too, with its look-up table when it names one.
struct ScannerDescription {
    pet::ScannerGeometry scanner;
    pet::SinogramSpec default_sinogram;  // the file's "default_sinogram", TOF from "tof"
    std::string origin;                  // the file's path, or "preset <id>"
    std::string model;
    std::vector<std::pair<std::string, std::string>> sources;  // field -> public source
    std::vector<std::string> disagreements;
    // The JSON it was read from, compact (one line): what a sinogram file embeds so that it
    // reads back with its own scanner.
    std::string json;
};

// Each throws InvalidArgument naming the file, the field and the expected range: a missing
// field, a value of the wrong type or out of range, an unknown field (a misspelt one would
// otherwise be ignored), a file that is not JSON.
ScannerDescription parse_scanner_json(const std::string& text, const std::string& origin);
ScannerDescription read_scanner_file(const std::string& path);

// The presets compiled into the program (resources/scanners/*.json), by id (the file name without
// .json, e.g. "siemens_biograph_mct") or by name ("Siemens Biograph mCT"), case-insensitive.
std::vector<std::string> scanner_preset_ids();
ScannerDescription scanner_preset(const std::string& id_or_name);

// A preset id or name, or else the path of a scanner JSON file.
ScannerDescription load_scanner(const std::string& preset_or_path);

}  // namespace radon::recon
