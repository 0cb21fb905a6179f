#include "recon/io/dicom_series.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <new>
#include <numeric>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <omp.h>

#include "gdcmAttribute.h"
#include "gdcmDataSet.h"
#include "gdcmReader.h"
#include "gdcmScanner.h"
#include "gdcmSequenceOfItems.h"
#include "gdcmTag.h"
#include "gdcmTrace.h"
#include "gdcmTransferSyntax.h"
#include "itkGDCMImageIO.h"

#include "kernels/core/error.h"
#include "recon/io/captured_stderr.h"
#include "recon/io/dicom_structure.h"
#include "recon/io/itk_support.h"
#include "recon/io/regular_file.h"
#include "recon/io/slice_stack.h"

namespace radon::recon {
namespace {

namespace fs = std::filesystem;

const gdcm::Tag kSeriesUid(0x0020, 0x000e);
const gdcm::Tag kSeriesDescription(0x0008, 0x103e);
const gdcm::Tag kModality(0x0008, 0x0060);
const gdcm::Tag kSeriesNumber(0x0020, 0x0011);
const gdcm::Tag kImagePosition(0x0020, 0x0032);
const gdcm::Tag kImageOrientation(0x0020, 0x0037);
const gdcm::Tag kSamplesPerPixel(0x0028, 0x0002);
const gdcm::Tag kNumberOfFrames(0x0028, 0x0008);
const gdcm::Tag kRows(0x0028, 0x0010);
const gdcm::Tag kColumns(0x0028, 0x0011);
const gdcm::Tag kPixelSpacing(0x0028, 0x0030);
const gdcm::Tag kSliceThickness(0x0018, 0x0050);
const gdcm::Tag kBitsAllocated(0x0028, 0x0100);
const gdcm::Tag kBitsStored(0x0028, 0x0101);
const gdcm::Tag kHighBit(0x0028, 0x0102);
const gdcm::Tag kPixelRepresentation(0x0028, 0x0103);
const gdcm::Tag kRescaleIntercept(0x0028, 0x1052);
const gdcm::Tag kRescaleSlope(0x0028, 0x1053);
const gdcm::Tag kPerFrameGroups(0x5200, 0x9230);
const gdcm::Tag kPlanePosition(0x0020, 0x9113);
const gdcm::Tag kPixelData(0x7fe0, 0x0010);

// GDCM reports to stderr over several lines; every problem reaches the user as one line of ours.
void silence_gdcm() {
    static const bool silenced = [] {
        gdcm::Trace::DebugOff();
        gdcm::Trace::WarningOff();
        gdcm::Trace::ErrorOff();
        return true;
    }();
    (void)silenced;
}

// What the scan of one file found: enough to group, place and size its slices without reading
// its pixels.
struct DicomImageHeader {
    std::string path;
    std::string series_uid;
    std::string description;
    std::string modality;
    int64_t series_number = 0;
    int64_t rows = 0;
    int64_t columns = 0;
    int64_t frames = 1;
    int64_t samples_per_pixel = 1;
    std::vector<double> position;       // 3 values when present
    std::vector<double> orientation;    // 6 values when present
    std::vector<double> pixel_spacing;  // row spacing, column spacing when present
    double slice_thickness = 0;
};

struct SeriesFiles {
    std::string uid;
    std::vector<DicomImageHeader> images;  // in the order the folder listing gave them
};

// One number of a decimal ("DS") or integer ("IS") string; false when it is not exactly one.
// from_chars, unlike strtod, ignores the locale a GUI may have set.
template <class T>
bool parse_value(std::string text, T& value) {
    text = detail::trimmed(text);
    if (!text.empty() && text[0] == '+') text.erase(0, 1);
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    return !text.empty() && error == std::errc() && stop == end;
}

// A backslash-separated list of decimal strings; empty when any value is not a finite number.
std::vector<double> decimals(const std::string& text) {
    std::vector<double> values;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, '\\')) {
        double v = 0;
        if (!parse_value(item, v) || !std::isfinite(v)) return {};
        values.push_back(v);
    }
    return values;
}

int64_t whole_number(const std::string& text, int64_t fallback) {
    int64_t v = 0;
    return parse_value(text, v) ? v : fallback;
}

std::vector<std::string> files_under(const std::string& folder) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    if (ec) throw InvalidArgument(folder + ": cannot list the folder (" + ec.message() + ")");
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw InvalidArgument(folder + ": cannot list the folder (" + ec.message() + ")");
        std::error_code type_ec;
        if (it->is_regular_file(type_ec)) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// GDCMImageIO multiplies by the slope it finds; 0 would turn every voxel into the intercept, and
// a value that is not a number into whatever GDCM makes of it.
std::string rescale_problem(const std::string& slope, const std::string& intercept) {
    if (!slope.empty()) {
        const std::vector<double> value = decimals(slope);
        if (value.size() != 1 || value[0] == 0) {
            return "the rescale slope (0028,1053) is '" + detail::printable(slope.substr(0, 40)) +
                   "', expected a number other than 0";
        }
    }
    if (!intercept.empty() && decimals(intercept).size() != 1) {
        return "the rescale intercept (0028,1052) is '" +
               detail::printable(intercept.substr(0, 40)) + "', expected a number";
    }
    return {};
}

// GDCM's pixel layer asserts on pixel descriptions no writer produces (more than 4 samples per
// pixel, more bits stored than allocated, a high bit outside them) and fails inside its raw
// decoder on odd allocations, aborting the process: such files are refused from their header.
// `field` gives the text of a field by tag.
template <class Field>
std::string pixel_format_problem(const Field& field) {
    auto number = [&](const gdcm::Tag& tag, int64_t fallback) {
        return whole_number(field(tag), fallback);
    };
    // A field given must hold one number: GDCM reads the first of several (a fuzz finding:
    // six samples-per-pixel values, the first 20301, aborted the process).
    for (const gdcm::Tag& tag :
         {kSamplesPerPixel, kBitsAllocated, kBitsStored, kHighBit, kPixelRepresentation}) {
        const std::string text = field(tag);
        if (!text.empty() && whole_number(text, -1) < 0) {
            char name[16];
            std::snprintf(name, sizeof(name), "(%04X,%04X)", tag.GetGroup(), tag.GetElement());
            return "the pixel description field " + std::string(name) + " holds '" +
                   detail::printable(text.substr(0, 40)) + "', expected one whole number";
        }
    }
    const int64_t samples = number(kSamplesPerPixel, 1);
    if (samples != 1 && samples != 3 && samples != 4) {
        return "the samples per pixel (0028,0002) are " + std::to_string(samples) +
               ", expected 1 (grey values)";
    }
    const int64_t allocated = number(kBitsAllocated, 0);
    if (allocated != 8 && allocated != 16 && allocated != 32 && allocated != 64) {
        return "the bits allocated (0028,0100) are '" + detail::printable(field(kBitsAllocated)) +
               "', expected 8, 16, 32 or 64";
    }
    const int64_t stored = number(kBitsStored, allocated);
    if (stored < 1 || stored > allocated) {
        return "the bits stored (0028,0101) are " + std::to_string(stored) + ", expected 1 to " +
               std::to_string(allocated) + " (the bits allocated)";
    }
    const int64_t high = number(kHighBit, stored - 1);
    if (high < 0 || high >= stored) {
        return "the high bit (0028,0102) is " + std::to_string(high) + ", expected 0 to " +
               std::to_string(stored - 1) + " (below the bits stored)";
    }
    const int64_t representation = number(kPixelRepresentation, 0);
    if (representation != 0 && representation != 1) {
        return "the pixel representation (0028,0103) is " + std::to_string(representation) +
               ", expected 0 (unsigned) or 1 (signed)";
    }
    return {};
}

// GDCMImageIO asserts that the type its rescale produces is not narrower than the stored one
// (a fuzz finding: 1 bit stored of 16, intercept -1, aborted the process). GDCM picks that type
// from the stored range (bits stored, signedness) mapped through an integer slope and intercept:
// the smallest of uint8, int8, uint16, int16, uint32, int32 that holds it (ranked in that order);
// other slopes and intercepts give doubles. Called once the pixel format is known to be valid.
template <class Field>
std::string rescaled_type_problem(const Field& field) {
    double slope = 1, intercept = 0;
    const std::vector<double> s = decimals(field(kRescaleSlope));
    const std::vector<double> i = decimals(field(kRescaleIntercept));
    if (s.size() == 1) slope = s[0];
    if (i.size() == 1) intercept = i[0];
    if ((slope == 1 && intercept == 0) || slope != std::trunc(slope) ||
        intercept != std::trunc(intercept)) {
        return {};
    }
    const int64_t allocated = whole_number(field(kBitsAllocated), 0);
    if (allocated > 32) return {};
    const int64_t stored = whole_number(field(kBitsStored), allocated);
    const bool is_signed = whole_number(field(kPixelRepresentation), 0) == 1;
    const double low = is_signed ? -std::ldexp(1.0, static_cast<int>(stored) - 1) : 0.0;
    const double high = is_signed ? std::ldexp(1.0, static_cast<int>(stored) - 1) - 1
                                  : std::ldexp(1.0, static_cast<int>(stored)) - 1;
    const double a = slope * low + intercept, b = slope * high + intercept;
    const double least = std::min(a, b), most = std::max(a, b);
    // Ranks as GDCM orders its scalar types: uint8, int8, (12-bit), uint16, int16, uint32, int32.
    int rank = -1;
    if (least >= 0) {
        rank = most <= 255 ? 0 : most <= 65535 ? 4 : most <= 4294967295.0 ? 6 : -1;
    } else {
        rank = least >= -128 && most <= 127                     ? 1
               : least >= -32768 && most <= 32767               ? 5
               : least >= -2147483648.0 && most <= 2147483647.0 ? 7
                                                                : -1;
    }
    const int stored_rank = (allocated == 8 ? 0 : allocated == 16 ? 4 : 6) + (is_signed ? 1 : 0);
    if (rank >= stored_rank) return {};
    std::ostringstream msg;
    msg << "the rescale slope " << slope << " and intercept " << intercept << " map its " << stored
        << " stored bits to " << least << " .. " << most
        << (rank < 0
                ? ", beyond 32-bit integers"
                : ", a narrower type than the " + std::to_string(allocated) + " bits allocated")
        << ", which GDCM's reader cannot handle";
    return msg.str();
}

struct ScannedFiles {
    std::vector<DicomImageHeader> images;
    std::vector<UnreadableDicomFile> unreadable;
};

// Reads the header fields of every file that GDCM recognises as a DICOM image (it has rows and
// columns; DICOMDIRs, reports and structure sets do not), stopping each read before the pixels.
// Only files whose structure is whole reach GDCM (see dicom_structure.h); the others, and images
// with values no image can have, are unreadable.
ScannedFiles scan_images(const std::vector<std::string>& files) {
    silence_gdcm();
    ScannedFiles scanned;
    std::vector<std::string> intact;
    for (const std::string& file : files) {
        const detail::DicomStructure structure = detail::check_dicom_structure(file);
        if (!structure.dicom) continue;
        if (structure.problem.empty()) {
            intact.push_back(file);
        } else {
            scanned.unreadable.push_back({file, structure.problem});
        }
    }
    gdcm::Scanner scanner;
    for (const gdcm::Tag& tag :
         {kSeriesUid, kSeriesDescription, kModality, kSeriesNumber, kImagePosition,
          kImageOrientation, kSamplesPerPixel, kNumberOfFrames, kRows, kColumns, kPixelSpacing,
          kSliceThickness, kBitsAllocated, kBitsStored, kHighBit, kPixelRepresentation,
          kRescaleIntercept, kRescaleSlope}) {
        scanner.AddTag(tag);
    }
    scanner.Scan(intact);
    std::vector<DicomImageHeader>& images = scanned.images;
    for (const std::string& file : intact) {
        if (!scanner.IsKey(file.c_str())) continue;
        const auto& found = scanner.GetMapping(file.c_str());
        auto text = [&](const gdcm::Tag& tag) {
            const auto at = found.find(tag);
            return at == found.end() || !at->second ? std::string() : detail::trimmed(at->second);
        };
        DicomImageHeader h;
        h.path = file;
        h.rows = whole_number(text(kRows), 0);
        h.columns = whole_number(text(kColumns), 0);
        if (h.rows < 1 || h.columns < 1) continue;
        std::string value_problem = pixel_format_problem(text);
        if (value_problem.empty()) {
            value_problem = rescale_problem(text(kRescaleSlope), text(kRescaleIntercept));
        }
        if (value_problem.empty()) value_problem = rescaled_type_problem(text);
        if (!value_problem.empty()) {
            scanned.unreadable.push_back({file, value_problem});
            continue;
        }
        h.series_uid = text(kSeriesUid);
        h.description = text(kSeriesDescription);
        h.modality = text(kModality);
        h.series_number = whole_number(text(kSeriesNumber), 0);
        h.frames = std::max<int64_t>(1, whole_number(text(kNumberOfFrames), 1));
        h.samples_per_pixel = whole_number(text(kSamplesPerPixel), 1);
        h.position = decimals(text(kImagePosition));
        h.orientation = decimals(text(kImageOrientation));
        h.pixel_spacing = decimals(text(kPixelSpacing));
        const std::vector<double> thickness = decimals(text(kSliceThickness));
        if (thickness.size() == 1 && thickness[0] > 0) h.slice_thickness = thickness[0];
        images.push_back(std::move(h));
    }
    std::sort(
        scanned.unreadable.begin(), scanned.unreadable.end(),
        [](const UnreadableDicomFile& a, const UnreadableDicomFile& b) { return a.path < b.path; });
    return scanned;
}

// "1 file is unreadable: PATH: REASON", or "3 files are unreadable, the first PATH: REASON".
std::string unreadable_summary(const std::vector<UnreadableDicomFile>& unreadable) {
    const UnreadableDicomFile& first = unreadable.front();
    const std::string one = first.path + ": " + first.reason;
    if (unreadable.size() == 1) return "1 DICOM file is unreadable: " + one;
    return std::to_string(unreadable.size()) + " DICOM files are unreadable, the first " + one;
}

std::vector<SeriesFiles> group_by_series(std::vector<DicomImageHeader> images) {
    std::map<std::string, SeriesFiles> by_uid;
    for (auto& image : images) {
        SeriesFiles& series = by_uid[image.series_uid];
        series.uid = image.series_uid;
        series.images.push_back(std::move(image));
    }
    std::vector<SeriesFiles> all;
    for (auto& entry : by_uid)
        all.push_back(std::move(entry.second));
    std::stable_sort(all.begin(), all.end(), [](const SeriesFiles& a, const SeriesFiles& b) {
        return a.images[0].series_number < b.images[0].series_number;
    });
    return all;
}

std::string describe(const SeriesFiles& series) {
    const DicomImageHeader& first = series.images[0];
    std::string text = series.uid.empty() ? std::string("(no series UID)") : series.uid;
    if (!first.description.empty()) text += " '" + first.description + "'";
    return text;
}

// The positions of the frames of an enhanced multi-frame file (one PlanePositionSequence per
// frame); empty for files that do not give them frame by frame.
std::vector<Vec3> frame_positions(const std::string& path) {
    silence_gdcm();
    gdcm::Reader reader;
    reader.SetFileName(path.c_str());
    if (!reader.ReadUpToTag(kPixelData, {kPixelData})) return {};
    const gdcm::DataSet& data = reader.GetFile().GetDataSet();
    if (!data.FindDataElement(kPerFrameGroups)) return {};
    const auto frames = data.GetDataElement(kPerFrameGroups).GetValueAsSQ();
    if (!frames) return {};
    std::vector<Vec3> positions;
    for (gdcm::SequenceOfItems::SizeType i = 1; i <= frames->GetNumberOfItems(); ++i) {
        const gdcm::DataSet& frame = frames->GetItem(i).GetNestedDataSet();
        if (!frame.FindDataElement(kPlanePosition)) return {};
        const auto plane = frame.GetDataElement(kPlanePosition).GetValueAsSQ();
        if (!plane || plane->GetNumberOfItems() < 1) return {};
        const gdcm::DataSet& item = plane->GetItem(1).GetNestedDataSet();
        if (!item.FindDataElement(kImagePosition)) return {};
        const gdcm::ByteValue* value = item.GetDataElement(kImagePosition).GetByteValue();
        if (!value) return {};
        const std::vector<double> p =
            decimals(detail::trimmed(std::string(value->GetPointer(), value->GetLength())));
        if (p.size() != 3) return {};
        positions.push_back({p[0], p[1], p[2]});
    }
    return positions;
}

// How a series becomes a volume, worked out from headers alone.
struct SeriesLayout {
    DicomSeriesSummary summary;
    const SeriesFiles* files = nullptr;
    bool multiframe = false;
    SliceArrangement arrangement;  // order: indices into files->images, or frames of a multi-frame
    // Set when the series cannot be loaded at all: the advice that follows the problem.
    std::string advice;
};

// Geometry of a multi-frame file from GDCM (which knows the enhanced and legacy layouts), with
// the frames placed by their own positions where the file gives them.
void lay_out_multiframe(const DicomImageHeader& file, SeriesLayout& layout) {
    auto io = itk::GDCMImageIO::New();
    io->SetFileName(file.path);
    try {
        io->ReadImageInformation();
    } catch (const itk::ExceptionObject& error) {
        layout.arrangement.problem =
            "its file " + file.path + " cannot be read: " + detail::itk_reason(error, "", "");
        layout.advice = "the file may be damaged";
        return;
    }
    const unsigned dimensions = io->GetNumberOfDimensions();
    SlicePlanes planes;
    planes.columns = static_cast<int64_t>(io->GetDimensions(0));
    planes.rows = static_cast<int64_t>(io->GetDimensions(1));
    planes.column_spacing = io->GetSpacing(0);
    planes.row_spacing = io->GetSpacing(1);
    const auto row = io->GetDirection(0), column = io->GetDirection(1);
    planes.row_direction = {row[0], row[1], row[2]};
    planes.column_direction = {column[0], column[1], column[2]};
    const int64_t frames = dimensions > 2 ? static_cast<int64_t>(io->GetDimensions(2)) : 1;
    planes.positions = frame_positions(file.path);
    if (static_cast<int64_t>(planes.positions.size()) == frames) {
        layout.arrangement = arrange_slices(planes);
        return;
    }
    // No per-frame positions to check: the grid GDCM derives, frames in file order.
    SliceArrangement& a = layout.arrangement;
    a.grid.size = {planes.columns, planes.rows, frames};
    for (unsigned i = 0; i < 3; ++i) {
        a.grid.spacing[i] = i < dimensions ? io->GetSpacing(i) : 1.0;
        a.grid.origin[i] = io->GetOrigin(i);
        const auto axis = io->GetDirection(i);
        for (unsigned r = 0; r < 3; ++r)
            a.grid.direction.m[r][i] = r < axis.size() ? axis[r] : 0.0;
    }
    a.order.resize(static_cast<std::size_t>(frames));
    std::iota(a.order.begin(), a.order.end(), std::size_t(0));
}

// Values written per file may differ in their last printed digits.
bool nearly_equal(const std::vector<double>& a, const std::vector<double>& b, double tolerance) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::fabs(a[i] - b[i]) > tolerance * std::max(1.0, std::fabs(a[i]))) return false;
    }
    return true;
}

// Single-frame files: every image must share size, orientation and pixel spacing, and carry a
// position, before the positions can say anything about the grid.
void lay_out_slices(const SeriesFiles& series, SeriesLayout& layout) {
    const auto& images = series.images;
    const DicomImageHeader& first = images[0];
    const std::string regroup = "move the other files out of the folder, or load them one by one";
    for (const auto& image : images) {
        if (image.rows != first.rows || image.columns != first.columns) {
            std::ostringstream s;
            s << "its images differ in size (" << first.columns << "x" << first.rows << " in "
              << first.path << ", " << image.columns << "x" << image.rows << " in " << image.path
              << ")";
            layout.arrangement.problem = s.str();
            layout.advice = regroup;
            return;
        }
        if (!nearly_equal(image.orientation, first.orientation, 1e-4)) {
            layout.arrangement.problem = "its images differ in orientation (0020,0037) (" +
                                         first.path + " and " + image.path +
                                         "): a localizer among the slices?";
            layout.advice = regroup;
            return;
        }
        if (!nearly_equal(image.pixel_spacing, first.pixel_spacing, 1e-4)) {
            layout.arrangement.problem = "its images differ in pixel spacing (0028,0030) (" +
                                         first.path + " and " + image.path + ")";
            layout.advice = regroup;
            return;
        }
    }
    SlicePlanes planes;
    planes.columns = first.columns;
    planes.rows = first.rows;
    if (first.pixel_spacing.size() == 2) {
        planes.row_spacing = first.pixel_spacing[0];
        planes.column_spacing = first.pixel_spacing[1];
    } else if (images.size() > 1) {
        layout.arrangement.problem = "its images have no pixel spacing (0028,0030)";
        layout.advice = "Radon Studio needs the voxel size in mm";
        return;
    }
    const bool placed = first.orientation.size() == 6;
    for (const auto& image : images) {
        if (image.position.size() != 3 || image.orientation.size() != 6) {
            if (images.size() == 1) break;
            layout.arrangement.problem = "its file " + image.path +
                                         " has no image position (0020,0032) or orientation "
                                         "(0020,0037), so its slice cannot be placed";
            layout.advice = "Radon Studio places slices by their position, never by file name";
            return;
        }
        planes.positions.push_back({image.position[0], image.position[1], image.position[2]});
    }
    if (placed && planes.positions.size() == images.size()) {
        const auto& o = first.orientation;
        planes.row_direction = {o[0], o[1], o[2]};
        planes.column_direction = {o[3], o[4], o[5]};
    } else {
        // A lone image without geometry (a secondary capture): ITK's defaults, at the origin.
        planes.positions.assign(1, Vec3{0, 0, 0});
    }
    planes.lone_plane_thickness = first.slice_thickness;
    layout.arrangement = arrange_slices(planes);
}

SeriesLayout lay_out(const SeriesFiles& series) {
    SeriesLayout layout;
    layout.files = &series;
    const DicomImageHeader& first = series.images[0];
    DicomSeriesSummary& s = layout.summary;
    s.uid = series.uid;
    s.description = first.description;
    s.modality = first.modality;
    s.number = first.series_number;
    s.files = static_cast<int64_t>(series.images.size());

    const auto colour =
        std::find_if(series.images.begin(), series.images.end(),
                     [](const DicomImageHeader& h) { return h.samples_per_pixel != 1; });
    const auto multiframe = std::count_if(series.images.begin(), series.images.end(),
                                          [](const DicomImageHeader& h) { return h.frames > 1; });
    if (colour != series.images.end()) {
        layout.arrangement.problem = "its file " + colour->path + " holds colour images (" +
                                     std::to_string(colour->samples_per_pixel) +
                                     " samples per pixel (0028,0002))";
        layout.advice = "Radon Studio expects grey values (CT in HU)";
    } else if (multiframe > 0 && series.images.size() > 1) {
        layout.arrangement.problem =
            "it mixes " + std::to_string(multiframe) + " multi-frame files with " +
            std::to_string(series.images.size() - multiframe) + " other files";
        layout.advice = "expected either one multi-frame file or single-slice files";
    } else if (multiframe > 0) {
        layout.multiframe = true;
        lay_out_multiframe(first, layout);
    } else {
        lay_out_slices(series, layout);
    }
    const SliceArrangement& a = layout.arrangement;
    s.size = a.grid.size;
    s.spacing = a.grid.spacing;
    s.problem = a.problem;
    if (!a.problem.empty() && layout.advice.empty()) {
        layout.advice =
            "Radon Studio loads slices on a regular grid only: resample the series onto one "
            "first";
    }
    return layout;
}

std::vector<SeriesFiles> series_in_folder(const std::string& folder,
                                          std::vector<UnreadableDicomFile>& unreadable) {
    const std::vector<std::string> files = files_under(folder);
    ScannedFiles scanned = scan_images(files);
    unreadable = std::move(scanned.unreadable);
    std::vector<SeriesFiles> all = group_by_series(std::move(scanned.images));
    if (all.empty()) {
        const std::string counted = std::to_string(files.size()) +
                                    (files.size() == 1 ? " file" : " files") +
                                    " in the folder and its subfolders";
        if (!unreadable.empty()) {
            throw UnreadableDicomFolder(folder + ": no readable DICOM images (" + counted + "; " +
                                            unreadable_summary(unreadable) + ")",
                                        unreadable);
        }
        throw InvalidArgument(folder + ": no DICOM images found (" + counted + ")");
    }
    return all;
}

std::string series_list(const std::vector<const SeriesFiles*>& list) {
    const std::size_t shown = 6;
    std::string text;
    for (std::size_t i = 0; i < list.size() && i < shown; ++i) {
        const SeriesFiles& series = *list[i];
        const std::string& modality = series.images[0].modality;
        text += (i ? ", " : "") + describe(series) + " (" + (modality.empty() ? "?" : modality) +
                ", " + std::to_string(series.images.size()) +
                (series.images.size() == 1 ? " file)" : " files)");
    }
    if (list.size() > shown) {
        text += " and " + std::to_string(list.size() - shown) + " more ('radon series' lists all)";
    }
    return text;
}

const SeriesFiles& choose_series(const std::string& folder, const std::vector<SeriesFiles>& all,
                                 const std::string& selector) {
    std::vector<const SeriesFiles*> everything;
    for (const auto& series : all)
        everything.push_back(&series);
    const std::string wanted = detail::trimmed(selector);
    if (wanted.empty()) {
        if (all.size() == 1) return all[0];
        throw InvalidArgument(folder + ": holds " + std::to_string(all.size()) +
                              " DICOM series; choose one with --series UID or DESCRIPTION: " +
                              series_list(everything));
    }
    for (const auto& series : all) {
        if (series.uid == wanted) return series;
    }
    std::vector<const SeriesFiles*> matching;
    for (const auto& series : all) {
        if (detail::equals_ignoring_case(series.images[0].description, wanted)) {
            matching.push_back(&series);
        }
    }
    if (matching.size() == 1) return *matching[0];
    if (matching.empty()) {
        throw InvalidArgument(folder + ": no DICOM series has the UID or description '" + wanted +
                              "'; its series are " + series_list(everything));
    }
    throw InvalidArgument(folder + ": " + std::to_string(matching.size()) +
                          " DICOM series have the description '" + wanted +
                          "'; choose one by UID: " + series_list(matching));
}

// Puts slice order[k] at k for every k, following the permutation's cycles with one spare slice.
void reorder_slices(float* voxels, std::size_t slice, const std::vector<std::size_t>& order) {
    std::vector<bool> placed(order.size(), false);
    std::vector<float> spare(slice);
    for (std::size_t start = 0; start < order.size(); ++start) {
        if (placed[start] || order[start] == start) continue;
        std::copy_n(voxels + start * slice, slice, spare.data());
        std::size_t k = start;
        while (order[k] != start) {
            std::copy_n(voxels + order[k] * slice, slice, voxels + k * slice);
            placed[k] = true;
            k = order[k];
        }
        std::copy_n(spare.data(), slice, voxels + k * slice);
        placed[k] = true;
    }
}

// GDCM reads a file whose pixel data is cut short with a warning only, and hands the missing
// values over as whatever the buffer held; so the payload of uncompressed files is measured
// first. Compressed pixel data is left to its decoder, which fails on a cut stream.
void check_pixel_payload(const DicomImageHeader& image) {
    gdcm::Reader reader;
    reader.SetFileName(image.path.c_str());
    if (!reader.ReadUpToTag(kPixelData, {kPixelData})) return;  // GDCMImageIO names it
    const gdcm::File& file = reader.GetFile();
    const gdcm::TransferSyntax& syntax = file.GetHeader().GetDataSetTransferSyntax();
    if (syntax.IsEncapsulated()) return;
    gdcm::Attribute<0x0028, 0x0100> bits_allocated{};
    bits_allocated.SetFromDataSet(file.GetDataSet());
    const std::uintmax_t needed =
        (static_cast<std::uintmax_t>(image.rows * image.columns * image.frames *
                                     image.samples_per_pixel) *
             bits_allocated.GetValue() +
         7) /
        8;
    // Skipping the pixel data leaves the read just past its tag and length.
    const std::uintmax_t start = reader.GetStreamCurrentPosition();
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(image.path, ec);
    if (ec || size >= start + needed) return;
    throw InvalidArgument(image.path + ": its pixel data is cut short: the header describes " +
                          std::to_string(needed) + " bytes, " +
                          std::to_string(size > start ? size - start : 0) + " are present");
}

// The slope GDCM applies, also from the functional groups of an enhanced multi-frame file, which
// the scan of the top-level fields does not see.
void check_rescale(const itk::GDCMImageIO* io, const std::string& path) {
    const double slope = io->GetRescaleSlope();
    if (!std::isfinite(slope) || slope == 0 || !std::isfinite(io->GetRescaleIntercept())) {
        std::ostringstream msg;
        msg << path << ": the rescale slope is " << slope << " and the intercept "
            << io->GetRescaleIntercept()
            << " (0028,1053 and 0028,1052), expected finite numbers and a slope other than 0";
        throw InvalidArgument(msg.str());
    }
}

[[noreturn]] void throw_unreadable(const std::string& file, const itk::ExceptionObject& error) {
    throw InvalidArgument(file +
                          ": cannot read the DICOM pixel data (damaged file or an "
                          "unsupported compression?): " +
                          detail::itk_reason(error, "", file));
}

void read_slice(itk::GDCMImageIO* io, const DicomImageHeader& image, const VolumeGrid& grid,
                float* out) {
    check_pixel_payload(image);
    const std::size_t slice = static_cast<std::size_t>(grid.size[0] * grid.size[1]);
    try {
        io->SetFileName(image.path);
        io->ReadImageInformation();
        const bool one_slice = io->GetNumberOfDimensions() < 3 || io->GetDimensions(2) == 1;
        if (static_cast<int64_t>(io->GetDimensions(0)) != grid.size[0] ||
            static_cast<int64_t>(io->GetDimensions(1)) != grid.size[1] || !one_slice) {
            throw InvalidArgument(image.path + ": its pixel data does not match its header (" +
                                  std::to_string(grid.size[0]) + "x" +
                                  std::to_string(grid.size[1]) + " expected)");
        }
        check_rescale(io, image.path);
        // GDCMImageIO applies this file's rescale slope and intercept while reading.
        detail::read_pixels_as_float(io, image.path, out, slice, slice);
    } catch (const itk::ExceptionObject& error) {
        throw_unreadable(image.path, error);
    } catch (const std::bad_alloc&) {
        throw Error(image.path + ": not enough memory to read the slice");
    }
}

// Files are parsed in parallel, each thread with its own reader, made before the threads start
// (ITK sets up its object factories on first use): parsing, not the disk, takes most of the time
// once the files are cached. The error of the first failing slice is reported.
void read_slices(const SeriesLayout& layout, Volume& volume) {
    const auto& images = layout.files->images;
    const auto& order = layout.arrangement.order;
    const std::size_t slice = static_cast<std::size_t>(volume.grid.size[0] * volume.grid.size[1]);
    float* voxels = volume.voxels.host_data();
    const auto count = static_cast<int64_t>(order.size());
    std::vector<std::exception_ptr> failures(order.size());
    std::vector<itk::GDCMImageIO::Pointer> readers(static_cast<std::size_t>(omp_get_max_threads()));
    for (auto& reader : readers)
        reader = itk::GDCMImageIO::New();
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t k = 0; k < count; ++k) {
        try {
            read_slice(readers[static_cast<std::size_t>(omp_get_thread_num())], images[order[k]],
                       volume.grid, voxels + k * slice);
        } catch (...) {
            failures[k] = std::current_exception();
        }
    }
    for (const auto& failure : failures) {
        if (failure) std::rethrow_exception(failure);
    }
}

// A multi-frame file is read whole; read_pixels_as_float keeps that within the float volume
// plus GDCM's copies of the file.
void read_frames(const SeriesLayout& layout, Volume& volume) {
    const DicomImageHeader& image = layout.files->images[0];
    check_pixel_payload(image);
    const VolumeGrid& grid = volume.grid;
    const std::size_t slice = static_cast<std::size_t>(grid.size[0] * grid.size[1]);
    auto io = itk::GDCMImageIO::New();
    try {
        io->SetFileName(image.path);
        io->ReadImageInformation();
        check_rescale(io, image.path);
        detail::read_pixels_as_float(io, image.path, volume.voxels.host_data(),
                                     static_cast<std::size_t>(grid.voxel_count()), slice);
    } catch (const itk::ExceptionObject& error) {
        throw_unreadable(image.path, error);
    } catch (const std::bad_alloc&) {
        throw Error(image.path + ": not enough memory to read the frames");
    }
    reorder_slices(volume.voxels.host_data(), slice, layout.arrangement.order);
}

Volume read_layout(const std::string& where, const SeriesLayout& layout,
                   const std::vector<UnreadableDicomFile>& unreadable = {}) {
    const SliceArrangement& a = layout.arrangement;
    if (!a.problem.empty()) {
        // A missing slice is often one of the files that could not be read.
        const std::string left_out =
            unreadable.empty() ? std::string()
                               : " (" + unreadable_summary(unreadable) + ", and was left out)";
        throw InvalidArgument(where + ": " + a.problem + "; " + layout.advice + left_out);
    }
    a.grid.validate(where);
    // The float volume, plus for a multi-frame file GDCM's copy of the file and of its
    // rescaled values while it is read whole.
    const double bytes_per_voxel = layout.multiframe ? sizeof(float) + 2.0 * sizeof(int16_t)
                                                     : static_cast<double>(sizeof(float));
    detail::check_loadable_size(
        where,
        {static_cast<uint64_t>(a.grid.size[0]), static_cast<uint64_t>(a.grid.size[1]),
         static_cast<uint64_t>(a.grid.size[2])},
        "voxel", bytes_per_voxel);
    Volume volume;
    try {
        volume = Volume::allocate(a.grid, VoxelUnit::Hounsfield);
    } catch (const std::bad_alloc&) {
        throw Error(where + ": not enough memory to load the volume");
    }
    if (layout.multiframe) {
        read_frames(layout, volume);
    } else {
        read_slices(layout, volume);
    }
    return volume;
}

}  // namespace

DicomFolderListing scan_dicom_folder(const std::string& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        throw InvalidArgument(folder +
                              (fs::exists(folder, ec) ? ": is not a folder" : ": no such folder"));
    }
    detail::CapturedStderr library_output;
    DicomFolderListing listing;
    for (const SeriesFiles& series : series_in_folder(folder, listing.unreadable))
        listing.series.push_back(lay_out(series).summary);
    return listing;
}

std::vector<DicomSeriesSummary> list_dicom_series(const std::string& folder) {
    return scan_dicom_folder(folder).series;
}

Volume read_dicom(const std::string& path, const std::string& series,
                  std::vector<std::string>* warnings) {
    // GDCM and ITK's DICOM reader print their own complaints: an error replaces them.
    detail::CapturedStderr library_output;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<UnreadableDicomFile> unreadable;
        const std::vector<SeriesFiles> all = series_in_folder(path, unreadable);
        const SeriesFiles& chosen = choose_series(path, all, series);
        Volume volume =
            read_layout(path + ": series " + describe(chosen), lay_out(chosen), unreadable);
        if (warnings && !unreadable.empty()) {
            warnings->push_back(path + ": " + unreadable_summary(unreadable) +
                                "; left out of the folder, the rest loaded");
        }
        return volume;
    }
    if (!fs::exists(path, ec)) throw InvalidArgument(path + ": no such file or folder");
    detail::require_regular_file(path, path + ": ");
    const detail::DicomStructure structure = detail::check_dicom_structure(path);
    if (!structure.problem.empty()) throw InvalidArgument(path + ": " + structure.problem);
    ScannedFiles scanned = scan_images({path});
    if (!scanned.unreadable.empty()) {
        throw InvalidArgument(path + ": " + scanned.unreadable[0].reason);
    }
    std::vector<SeriesFiles> one = group_by_series(std::move(scanned.images));
    if (one.empty()) {
        throw InvalidArgument(path +
                              ": not a DICOM image GDCM can read (damaged, or a DICOM "
                              "file without pixels such as a DICOMDIR or a report)");
    }
    const SeriesFiles& file = one[0];
    const std::string wanted = detail::trimmed(series);
    if (!wanted.empty() && wanted != file.uid &&
        !detail::equals_ignoring_case(wanted, file.images[0].description)) {
        throw InvalidArgument(path + ": belongs to series " + describe(file) +
                              ", not to the series '" + wanted + "' asked for");
    }
    return read_layout(path, lay_out(file));
}

bool is_dicom_file(const std::string& path) {
    // Never GDCMImageIO::CanReadFile: it parses the file, and aborts on a damaged one.
    return detail::check_dicom_structure(path).dicom;
}

}  // namespace radon::recon
