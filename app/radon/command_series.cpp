// radon series: lists the DICOM series of a folder, to choose one with --series.

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "kernels/core/error.h"
#include "recon/io/dicom_series.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon series FOLDER

Lists the DICOM image series in FOLDER and its subfolders: series number, UID, description,
modality, number of files, size in voxels and spacing in mm (along the slices, their mean gap).
Series that cannot be loaded say why (uneven spacing, missing slices, a gantry tilt, ...), and
DICOM files that cannot be read (cut short, damaged) are listed after them with the reason; the
other commands leave them out.
Choose one for another command with --series UID or --series DESCRIPTION, e.g.

  radon drr FOLDER --series "Thorax 2.5 mm" -o view.png
)";

std::string times(const std::array<int64_t, 3>& v) {
    return std::to_string(v[0]) + " x " + std::to_string(v[1]) + " x " + std::to_string(v[2]);
}

std::string times(const Vec3& v) {
    std::ostringstream s;
    s << v[0] << " x " << v[1] << " x " << v[2];
    return s.str();
}

}  // namespace

int run_series(const std::vector<std::string>& raw) {
    const Arguments args(raw, {}, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    const auto& folders = args.positional();
    if (folders.size() != 1) {
        throw InvalidArgument(folders.empty() ? "expected a DICOM folder: radon series FOLDER"
                                              : "expected one DICOM folder, got " +
                                                    std::to_string(folders.size()));
    }
    const recon::DicomFolderListing listing = recon::scan_dicom_folder(folders[0]);
    const std::vector<recon::DicomSeriesSummary>& list = listing.series;

    std::vector<std::vector<std::string>> rows = {
        {"number", "UID", "description", "modality", "files", "size (voxels)", "spacing (mm)"}};
    for (const auto& s : list) {
        rows.push_back({std::to_string(s.number), s.uid.empty() ? "(none)" : s.uid,
                        s.description.empty() ? "-" : s.description,
                        s.modality.empty() ? "-" : s.modality, std::to_string(s.files),
                        times(s.size), times(s.spacing)});
    }
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size(); ++c)
            width[c] = std::max(width[c], row[c].size());

    std::printf("%s: %zu DICOM series\n", folders[0].c_str(), list.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            line += rows[r][c];
            if (c + 1 < rows[r].size()) line += std::string(width[c] - rows[r][c].size() + 2, ' ');
        }
        std::printf("%s\n", line.c_str());
        if (r > 0 && !list[r - 1].problem.empty()) {
            std::printf("  (does not load: %s)\n", list[r - 1].problem.c_str());
        }
    }
    if (!listing.unreadable.empty()) {
        std::printf("%zu unreadable DICOM %s (left out of every series):\n",
                    listing.unreadable.size(), listing.unreadable.size() == 1 ? "file" : "files");
        for (const auto& file : listing.unreadable)
            std::printf("  %s: %s\n", file.path.c_str(), file.reason.c_str());
    }
    return 0;
}

}  // namespace radon::cli
