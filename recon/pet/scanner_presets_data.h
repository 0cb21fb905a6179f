#pragma once

#include <string>
#include <vector>

namespace radon::recon {

// A scanner preset file compiled into the program (resources/scanners/<id>.json).
struct EmbeddedScannerPreset {
    const char* id;    // the file name without .json
    const char* json;  // the file's text
};

// Generated at build time by cmake/EmbedScannerPresets.cmake, sorted by id.
const std::vector<EmbeddedScannerPreset>& embedded_scanner_presets();

}  // namespace radon::recon
