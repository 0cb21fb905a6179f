#include "recon/pet/interfile_sinogram.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "kernels/core/error.h"
#include "recon/io/regular_file.h"

namespace radon::recon {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::string num(double v) {
    char text[40];
    std::snprintf(text, sizeof(text), "%.9g", v);
    return text;
}

// TOF times are float mm converted back to ps: six digits are all they hold.
std::string ps(double mm) {
    char text[40];
    std::snprintf(text, sizeof(text), "%.6g", mm / pet::kTofMmPerPs);
    return text;
}

std::string list_text(const std::vector<int>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? "," : "") + std::to_string(values[i]);
    return out + "}";
}

// The descriptor of the file's own layout: the same sinogram in STIR's order.
pet::SinogramDescriptor file_layout(const pet::SinogramDescriptor& d) {
    pet::SinogramSpec spec = d.spec();
    spec.axis_order = d.has_tof_axis() ? "TPVR" : "PVR";
    return pet::SinogramDescriptor(d.scanner(), spec);
}

bool host_is_little_endian() {
    const uint32_t one = 1;
    unsigned char first = 0;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

// Keys compared as STIR does: case and the leading '!' / '%' ignored, runs of blanks as one.
std::string normalise_key(const std::string& key) {
    std::string out;
    bool blank = false;
    for (const char c : key) {
        if (out.empty() && (c == '!' || c == '%' || std::isspace(static_cast<unsigned char>(c))))
            continue;
        if (std::isspace(static_cast<unsigned char>(c))) {
            blank = true;
            continue;
        }
        if (blank && c != '[') out += ' ';
        blank = false;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

struct Header {
    std::string path;
    std::map<std::string, std::string> values;

    bool has(const std::string& key) const { return values.count(normalise_key(key)) != 0; }

    const std::string& text(const std::string& key, const std::string& expected) const {
        const auto it = values.find(normalise_key(key));
        if (it == values.end())
            throw InvalidArgument(path + ": key '" + key + "' is missing, expected " + expected);
        return it->second;
    }
    long long integer(const std::string& key, const std::string& expected) const {
        const std::string& v = text(key, expected);
        char* end = nullptr;
        const long long n = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0')
            throw InvalidArgument(path + ": key '" + key + "' is '" + v + "', expected " +
                                  expected);
        return n;
    }
    double number(const std::string& key, const std::string& expected) const {
        const std::string& v = text(key, expected);
        char* end = nullptr;
        const double x = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !std::isfinite(x))
            throw InvalidArgument(path + ": key '" + key + "' is '" + v + "', expected " +
                                  expected);
        return x;
    }
    std::vector<int> list(const std::string& key, const std::string& expected) const {
        std::string v = text(key, expected);
        std::vector<int> out;
        if (v.size() < 2 || v.front() != '{' || v.back() != '}')
            throw InvalidArgument(path + ": key '" + key + "' is '" + v + "', expected " +
                                  expected);
        std::stringstream in(v.substr(1, v.size() - 2));
        std::string item;
        while (std::getline(in, item, ',')) {
            item = trim(item);
            char* end = nullptr;
            const long n = std::strtol(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0')
                throw InvalidArgument(path + ": key '" + key + "' is '" + v + "', expected " +
                                      expected);
            out.push_back(static_cast<int>(n));
        }
        return out;
    }
    void expect_text(const std::string& key, const std::string& wanted) const {
        const std::string& v = text(key, "'" + wanted + "'");
        std::string a = v, b = wanted;
        std::transform(a.begin(), a.end(), a.begin(), ::tolower);
        std::transform(b.begin(), b.end(), b.begin(), ::tolower);
        if (a != b)
            throw InvalidArgument(path + ": key '" + key + "' is '" + v + "', expected '" + wanted +
                                  "'");
    }
    void expect_integer(const std::string& key, long long wanted, const std::string& why) const {
        const long long v = integer(key, std::to_string(wanted) + " (" + why + ")");
        if (v != wanted)
            throw InvalidArgument(path + ": key '" + key + "' is " + std::to_string(v) +
                                  ", expected " + std::to_string(wanted) + " (" + why + ")");
    }
    void expect_list(const std::string& key, const std::vector<int>& wanted,
                     const std::string& why) const {
        const std::vector<int> v = list(key, list_text(wanted) + " (" + why + ")");
        if (v != wanted)
            throw InvalidArgument(path + ": key '" + key + "' is " + list_text(v) + ", expected " +
                                  list_text(wanted) + " (" + why + ")");
    }
    void expect_number(const std::string& key, double wanted, double tolerance,
                       const std::string& why) const {
        const double v = number(key, num(wanted) + " (" + why + ")");
        if (!(std::fabs(v - wanted) <= tolerance))
            throw InvalidArgument(path + ": key '" + key + "' is " + num(v) + ", expected " +
                                  num(wanted) + " (" + why + ")");
    }
};

Header parse_header(const std::string& path) {
    detail::require_regular_file(path, path + ": ");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidArgument(path + ": cannot open the Interfile header");
    Header h;
    h.path = path;
    std::string line;
    bool first = true;
    int line_count = 0;
    while (std::getline(in, line)) {
        if (++line_count > 100000)
            throw InvalidArgument(path + ": more than 100000 lines, expected an Interfile header");
        const auto sep = line.find(":=");
        if (first) {
            if (sep == std::string::npos || normalise_key(line.substr(0, sep)) != "interfile")
                throw InvalidArgument(path +
                                      ": first line is not '!INTERFILE :=', expected an "
                                      "Interfile header");
            first = false;
            continue;
        }
        if (sep == std::string::npos) continue;
        const std::string key = normalise_key(line.substr(0, sep));
        if (key.empty()) continue;
        const std::string value = trim(line.substr(sep + 2));
        if (!h.values.count(key)) h.values[key] = value;
    }
    if (first) throw InvalidArgument(path + ": empty file, expected an Interfile header");
    return h;
}

std::string folder_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<int> segment_numbers(const pet::SinogramDescriptor& d, int which) {
    std::vector<int> out;
    for (const pet::Segment& s : d.segments())
        out.push_back(which == 0   ? s.min_ring_difference
                      : which == 1 ? s.max_ring_difference
                                   : s.planes);
    return out;
}

double mean_ring_spacing(const pet::ScannerGeometry& g) {
    return g.rings > 1 ? (g.ring_z_mm.back() - g.ring_z_mm.front()) / (g.rings - 1) : 0.0;
}

// The file's bins in file order, from `data` in the descriptor's order (or back).
std::vector<float> to_file_order(const pet::SinogramDescriptor& d, const float* data) {
    const pet::SinogramDescriptor f = file_layout(d);
    std::vector<float> out(static_cast<std::size_t>(d.bins()));
    if (f.spec().axis_order == d.spec().axis_order) {
        std::copy(data, data + d.bins(), out.begin());
        return out;
    }
    for (int64_t off = 0; off < f.bins(); ++off)
        out[static_cast<std::size_t>(off)] = data[d.offset(f.bin_at(off))];
    return out;
}

std::vector<float> from_file_order(const pet::SinogramDescriptor& d,
                                   const std::vector<float>& file) {
    const pet::SinogramDescriptor f = file_layout(d);
    if (f.spec().axis_order == d.spec().axis_order) return file;
    std::vector<float> out(file.size());
    for (int64_t off = 0; off < f.bins(); ++off)
        out[static_cast<std::size_t>(d.offset(f.bin_at(off)))] =
            file[static_cast<std::size_t>(off)];
    return out;
}

}  // namespace

std::string interfile_sinogram_data_path(const std::string& header_path) {
    const std::string ext = ".hs";
    if (header_path.size() > ext.size() &&
        header_path.compare(header_path.size() - ext.size(), ext.size(), ext) == 0)
        return header_path.substr(0, header_path.size() - ext.size()) + ".s";
    return header_path + ".s";
}

std::string interfile_sinogram_header(const pet::SinogramDescriptor& d,
                                      const std::string& data_file_name) {
    const pet::ScannerGeometry& g = d.scanner();
    const pet::SinogramSpec& spec = d.spec();
    const bool tof = d.has_tof_axis();
    const double bin_size_mm = kPi * g.effective_radius_mm() / g.detectors_per_ring;
    std::ostringstream h;
    h << "!INTERFILE :=\n"
      << "!imaging modality := PT\n"
      << "name of data file := " << data_file_name << "\n"
      << "originating system := " << g.name << "\n"
      << "!version of keys := STIR6.0\n"
      << "!GENERAL DATA :=\n"
      << "!GENERAL IMAGE DATA :=\n"
      << "!type of data := PET\n"
      << "imagedata byte order := LITTLEENDIAN\n"
      << "!PET STUDY (General) :=\n"
      << "!PET data type := Emission\n"
      << "applied corrections := {None}\n"
      << "!number format := float\n"
      << "!number of bytes per pixel := 4\n"
      << "number of dimensions := " << (tof ? 5 : 4) << "\n";
    if (tof)
        h << "matrix axis label [5] := timing positions\n"
          << "!matrix size [5] := " << d.tof_bins() << "\n";
    h << "matrix axis label [4] := segment\n"
      << "!matrix size [4] := " << d.segments().size() << "\n"
      << "matrix axis label [3] := axial coordinate\n"
      << "!matrix size [3] := " << list_text(segment_numbers(d, 2)) << "\n"
      << "matrix axis label [2] := view\n"
      << "!matrix size [2] := " << d.views() << "\n"
      << "matrix axis label [1] := tangential coordinate\n"
      << "!matrix size [1] := " << d.radial_bins() << "\n"
      << "minimum ring difference per segment := " << list_text(segment_numbers(d, 0)) << "\n"
      << "maximum ring difference per segment := " << list_text(segment_numbers(d, 1)) << "\n";
    if (tof) h << "%TOF mashing factor := 1\n";
    h << "Scanner parameters:=\n"
      << "Scanner type := " << g.name << "\n"
      << "Number of rings := " << g.rings << "\n"
      << "Number of detectors per ring := " << g.detectors_per_ring << "\n"
      << "Inner ring diameter (cm) := " << num(2 * g.inner_radius_mm / 10) << "\n"
      << "Average depth of interaction (cm) := " << num(g.average_doi_mm / 10) << "\n"
      << "Distance between rings (cm) := " << num(mean_ring_spacing(g) / 10) << "\n"
      << "Default bin size (cm) := " << num(bin_size_mm / 10) << "\n"
      << "View offset (degrees) := " << num(0.0) << "\n"
      << "Maximum number of non-arc-corrected bins := " << d.radial_bins() << "\n"
      << "Default number of arc-corrected bins := " << d.radial_bins() << "\n";
    if (tof)
        h << "Maximum number of (unmashed) TOF time bins := " << d.tof_bins() << "\n"
          << "Size of unmashed TOF time bins (ps) := " << ps(spec.tof.bin_width_mm) << "\n"
          << "TOF timing resolution (ps) := " << ps(spec.tof.fwhm_mm) << "\n";
    h << "end scanner parameters:=\n"
      << "effective central bin size (cm) := " << num(bin_size_mm / 10) << "\n"
      << "number of time frames := 1\n"
      // Radon Studio's own keys: what STIR's keys leave out, for an exact read-back. The view
      // offset above is 0 because crystal 0's azimuth is carried here; STIR's zero azimuth is
      // not checked against ours.
      << "radon first crystal azimuth (degrees) := "
      << num(std::atan2(g.crystals[0].centre.y, g.crystals[0].centre.x) * 180 / kPi) << "\n"
      << "radon view mashing factor := " << spec.view_mashing << "\n"
      << "radon span := " << spec.span << "\n"
      << "radon max ring difference := " << spec.max_ring_difference << "\n"
      << "radon minimum tangential position := " << d.min_tangential() << "\n";
    if (tof)
        h << "radon tof bin width (mm) := " << num(spec.tof.bin_width_mm) << "\n"
          << "radon tof fwhm (mm) := " << num(spec.tof.fwhm_mm) << "\n"
          << "radon tof truncation (sigmas) := " << num(spec.tof.truncation_sigmas) << "\n"
          << "radon tof centre offset (mm) := " << num(spec.tof.centre_offset_mm) << "\n";
    h << "!END OF INTERFILE :=\n";
    return h.str();
}

void write_interfile_sinogram(AtomicFileSet& outputs, const std::string& header_path,
                              const pet::SinogramDescriptor& d, const float* data, int64_t count) {
    if (count != d.bins())
        throw InvalidArgument(header_path + ": " + std::to_string(count) +
                              " sinogram values given, expected " + std::to_string(d.bins()) +
                              " (" + d.description() + ")");
    if (!host_is_little_endian())
        throw InvalidArgument(header_path + ": writing needs a little-endian host");
    const std::string data_path = interfile_sinogram_data_path(header_path);
    const std::vector<float> file = to_file_order(d, data);
    outputs.add(data_path, [&](const std::string& temp) {
        write_file_checked(
            temp, {{reinterpret_cast<const char*>(file.data()), file.size() * sizeof(float)}},
            data_path);
    });
    outputs.add_text(header_path, interfile_sinogram_header(d, base_name(data_path)));
}

void write_interfile_sinogram(const std::string& header_path, const pet::SinogramDescriptor& d,
                              const std::vector<float>& data) {
    AtomicFileSet outputs;
    write_interfile_sinogram(outputs, header_path, d, data.data(),
                             static_cast<int64_t>(data.size()));
    outputs.commit();
}

std::vector<float> read_interfile_sinogram(const std::string& header_path,
                                           const pet::SinogramDescriptor& d) {
    const Header h = parse_header(header_path);
    const pet::ScannerGeometry& g = d.scanner();
    const std::string of = " of " + d.description();
    h.expect_text("number format", "float");
    h.expect_integer("number of bytes per pixel", 4, "float32");
    if (h.has("imagedata byte order")) h.expect_text("imagedata byte order", "LITTLEENDIAN");
    const bool tof = d.has_tof_axis();
    h.expect_integer("number of dimensions", tof ? 5 : 4, tof ? "a TOF sinogram" : "no TOF axis");
    h.expect_text("matrix axis label [4]", "segment");
    h.expect_text("matrix axis label [3]", "axial coordinate");
    h.expect_text("matrix axis label [2]", "view");
    h.expect_text("matrix axis label [1]", "tangential coordinate");
    h.expect_integer("Number of rings", g.rings, "the scanner's rings");
    h.expect_integer("Number of detectors per ring", g.detectors_per_ring,
                     "the scanner's detectors per ring");
    h.expect_integer("matrix size [4]", static_cast<long long>(d.segments().size()),
                     "the segments" + of);
    h.expect_list("minimum ring difference per segment", segment_numbers(d, 0),
                  "the segments" + of);
    h.expect_list("maximum ring difference per segment", segment_numbers(d, 1),
                  "the segments" + of);
    h.expect_list("matrix size [3]", segment_numbers(d, 2), "the planes per segment" + of);
    h.expect_integer("matrix size [2]", d.views(), "the views" + of);
    h.expect_integer("matrix size [1]", d.radial_bins(), "the radial bins" + of);
    if (h.has("radon minimum tangential position"))
        h.expect_integer("radon minimum tangential position", d.min_tangential(),
                         "the first radial position" + of);
    if (tof) {
        h.expect_text("matrix axis label [5]", "timing positions");
        h.expect_integer("matrix size [5]", d.tof_bins(), "the TOF bins" + of);
        if (h.has("radon tof bin width (mm)"))
            h.expect_number("radon tof bin width (mm)", d.spec().tof.bin_width_mm, 1e-3,
                            "the TOF bin width" + of);
    }
    const long long offset =
        h.has("data offset in bytes [1]") ? h.integer("data offset in bytes [1]", "bytes") : 0;
    if (offset < 0)
        throw InvalidArgument(header_path + ": key 'data offset in bytes [1]' is " +
                              std::to_string(offset) + ", expected a number of bytes >= 0");

    std::string data_name = h.text("name of data file", "the data file's name");
    const std::string data_path = (!data_name.empty() && data_name[0] == '/')
                                      ? data_name
                                      : folder_of(header_path) + data_name;
    detail::require_regular_file(data_path, header_path + ": its data file " + data_path + " ");
    std::ifstream in(data_path, std::ios::binary | std::ios::ate);
    if (!in) throw InvalidArgument(header_path + ": cannot open its data file " + data_path);
    const long long size = static_cast<long long>(in.tellg());
    const long long expected = offset + d.bins() * static_cast<long long>(sizeof(float));
    if (size != expected)
        throw InvalidArgument(header_path + ": its data file " + data_path + " holds " +
                              std::to_string(size) + " bytes, expected " +
                              std::to_string(expected) + " (" + std::to_string(d.bins()) +
                              " float32 values" + of + ")");
    std::vector<float> file(static_cast<std::size_t>(d.bins()));
    in.seekg(offset);
    in.read(reinterpret_cast<char*>(file.data()),
            static_cast<std::streamsize>(file.size() * sizeof(float)));
    if (!in) throw InvalidArgument(header_path + ": cannot read its data file " + data_path);
    if (!host_is_little_endian())
        throw InvalidArgument(header_path + ": reading needs a little-endian host");
    return from_file_order(d, file);
}

}  // namespace radon::recon
