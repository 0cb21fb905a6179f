#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/core/vec.h"
#include "recon/volume.h"

namespace radon::recon {

// One DICOM series of a folder, as `radon series` lists it and a GUI offers it for choosing.
struct DicomSeriesSummary {
    std::string uid;          // SeriesInstanceUID (0020,000E)
    std::string description;  // SeriesDescription (0008,103E), may be empty
    std::string modality;     // Modality (0008,0060)
    int64_t number = 0;       // SeriesNumber (0020,0011), 0 when absent
    int64_t files = 0;
    std::array<int64_t, 3> size{0, 0, 0};  // columns, rows, slices (or frames)
    Vec3 spacing{0, 0, 0};                 // mm; along the slices their mean gap
    // Why the series does not load as a regular grid (uneven spacing, a missing slice, a gantry
    // tilt, mixed image sizes, ...), one clause; empty when it loads.
    std::string problem;
};

// A file of a folder that presents itself as DICOM but cannot be read: cut short, damaged, or
// holding values no image can have (a rescale slope of 0).
struct UnreadableDicomFile {
    std::string path;
    std::string reason;  // one clause, for "PATH: REASON"
};

struct DicomFolderListing {
    std::vector<DicomSeriesSummary> series;
    std::vector<UnreadableDicomFile> unreadable;  // in file name order
};

// Thrown where a folder holds DICOM files but none that can be read: the message names the first
// and its reason; `unreadable` holds every one, for a caller that lists them all (the app's error
// for a folder of damaged copies).
class UnreadableDicomFolder : public InvalidArgument {
  public:
    UnreadableDicomFolder(const std::string& message, std::vector<UnreadableDicomFile> files)
        : InvalidArgument(message), unreadable(std::move(files)) {}
    std::vector<UnreadableDicomFile> unreadable;  // in file name order
};

// The image series in `folder` and its subfolders, ordered by series number, then UID, and the
// files that are DICOM but cannot be read, each with its reason. Files that are not DICOM images
// (DICOMDIR, reports, other formats) are passed over. Reads headers only. Throws InvalidArgument
// naming the folder when it holds no readable DICOM image (UnreadableDicomFolder when it holds
// DICOM files, all unreadable).
DicomFolderListing scan_dicom_folder(const std::string& folder);

// The series of scan_dicom_folder.
std::vector<DicomSeriesSummary> list_dicom_series(const std::string& folder);

// Reads a DICOM series from a folder, or a single DICOM file (one slice, or a multi-frame file
// holding a whole volume), as HU: each slice's rescale slope and intercept applied, slices
// placed by their position along the slice normal, direction cosines kept as the files give
// them. `series` picks one series by UID or by description (case-insensitive); it may be empty
// when the folder holds one series. Slices are converted to float one at a time, so loading
// needs little more memory than the float volume itself.
// Throws InvalidArgument with a one-line message naming the folder or file and, for a series,
// its UID: no DICOM image, several series and no choice, a choice that matches none or several,
// uneven spacing or missing slices, a gantry tilt (measured spacings or angle given), images of
// different sizes or orientations, unreadable pixel data, a damaged or cut file (the single file
// read, or every image file of the folder), a rescale slope that is 0 or not a number.
// Unreadable files of a folder are left out and the rest loads; `warnings`, when given, then
// receives one line naming them (and an error that the rest cannot load names them too).
Volume read_dicom(const std::string& path, const std::string& series,
                  std::vector<std::string>* warnings = nullptr);

// True for a regular file that presents itself as DICOM: "DICM" at byte 128, a DICOM data set
// without preamble, a DICOM file name, or a copy cut short inside the preamble. Reads a few bytes
// only; false for folders, pipes, devices and missing files.
bool is_dicom_file(const std::string& path);

}  // namespace radon::recon
