#include "recon/pet/nrrd_sinogram.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "kernels/core/error.h"
#if RADON_RECON_HAS_ZLIB
#include "recon/io/inflate_stream.h"
#endif
#include "recon/io/regular_file.h"

namespace radon::recon {
namespace {

const char* kFormat = "radon-pet-sinogram 1";

std::string num(double v) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

bool host_is_little_endian() {
    const uint32_t one = 1;
    unsigned char first = 0;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

// The NRRD header: its fields ("sizes: ...") and key/value pairs ("radon_span:=1"), and where
// the data begins.
struct Header {
    std::string path;
    std::map<std::string, std::string> fields;
    std::map<std::string, std::string> keys;
    std::uintmax_t data_offset = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw InvalidArgument(path + ": " + what);
    }
    const std::string& field(const std::string& name, const std::string& expected) const {
        const auto it = fields.find(name);
        if (it == fields.end()) fail("NRRD field '" + name + "' is missing, expected " + expected);
        return it->second;
    }
    const std::string& key(const std::string& name, const std::string& expected) const {
        const auto it = keys.find(name);
        if (it == keys.end()) fail("key '" + name + "' is missing, expected " + expected);
        return it->second;
    }
    double number(const std::string& name, const std::string& expected) const {
        const std::string& v = key(name, expected);
        char* end = nullptr;
        const double x = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !std::isfinite(x))
            fail("key '" + name + "' is '" + v + "', expected " + expected);
        return x;
    }
    int integer(const std::string& name, const std::string& expected) const {
        const std::string& v = key(name, expected);
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < -1000000 || n > 1000000)
            fail("key '" + name + "' is '" + v + "', expected " + expected);
        return static_cast<int>(n);
    }
};

Header read_header(const std::string& path) {
    detail::require_regular_file(path, path + ": ");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidArgument(path + ": cannot open the sinogram file");
    Header h;
    h.path = path;
    std::string line;
    if (!std::getline(in, line) || line.compare(0, 4, "NRRD") != 0)
        h.fail("not a NRRD file (its first line is not NRRD000N)");
    std::uintmax_t offset = line.size() + 1;
    // A NRRD header is short; a "header" of megabytes is not one.
    constexpr std::uintmax_t kHeaderLimit = 64u << 20;
    while (true) {
        if (!std::getline(in, line))
            h.fail("the header does not end (no blank line before the data)");
        offset += line.size() + 1;
        if (offset > kHeaderLimit) h.fail("the header is longer than 64 MB");
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) break;
        if (line[0] == '#') continue;
        const auto kv = line.find(":=");
        const auto f = line.find(": ");
        if (kv != std::string::npos && (f == std::string::npos || kv < f)) {
            h.keys[line.substr(0, kv)] = line.substr(kv + 2);
        } else if (f != std::string::npos) {
            h.fields[line.substr(0, f)] = trim(line.substr(f + 2));
        } else {
            h.fail("header line '" + line + "' is neither 'field: value' nor 'key:=value'");
        }
    }
    h.data_offset = offset;
    return h;
}

std::vector<int64_t> parse_sizes(const Header& h) {
    std::istringstream in(h.field("sizes", "the size of each axis"));
    std::vector<int64_t> sizes;
    long long n = 0;
    while (in >> n)
        sizes.push_back(n);
    return sizes;
}

std::vector<std::string> parse_labels(const Header& h) {
    std::vector<std::string> labels;
    const auto it = h.fields.find("labels");
    if (it == h.fields.end()) return labels;
    const std::string& s = it->second;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '"') continue;
        const std::size_t end = s.find('"', i + 1);
        if (end == std::string::npos) break;
        labels.push_back(s.substr(i + 1, end - i - 1));
        i = end;
    }
    return labels;
}

std::string list_text(const std::vector<int64_t>& v) {
    std::string out;
    for (int64_t x : v)
        out += (out.empty() ? "" : " ") + std::to_string(x);
    return out;
}

// `data` (in `from`'s axis order) in `to`'s axis order; both describe the same bins.
std::vector<float> reordered(const pet::SinogramDescriptor& from, const pet::SinogramDescriptor& to,
                             std::vector<float> data) {
    if (from.spec().axis_order == to.spec().axis_order &&
        from.has_tof_axis() == to.has_tof_axis() && from.shape().dims == to.shape().dims)
        return data;
    std::vector<float> out(data.size());
    for (int64_t off = 0; off < from.bins(); ++off)
        out[static_cast<std::size_t>(to.offset(from.bin_at(off)))] =
            data[static_cast<std::size_t>(off)];
    return out;
}

}  // namespace

void write_nrrd_sinogram(AtomicFileSet& outputs, const std::string& path,
                         const ScannerDescription& scanner, const pet::SinogramDescriptor& d,
                         const float* data, int64_t count) {
    if (count != d.bins())
        throw InvalidArgument(path + ": " + std::to_string(count) +
                              " values given for a sinogram of " + std::to_string(d.bins()) +
                              " bins (" + d.description() + ")");
    if (scanner.json.empty())
        throw InvalidArgument(path + ": the scanner '" + d.scanner().name +
                              "' has no JSON description to embed");
    if (!host_is_little_endian())
        throw InvalidArgument(path + ": writing needs a little-endian host");
    const OperatorShape shape = d.shape();
    const pet::SinogramSpec& spec = d.spec();
    const Vec3& c = d.scanner().isocentre_lps;
    std::ostringstream h;
    h << "NRRD0004\n"
      << "# Radon Studio PET sinogram: " << d.description() << "\n"
      << "# Axes fastest first; the bins, LORs and TOF sign are those of docs/CONVENTIONS.md, "
         "\"PET\".\n"
      << "type: float\n"
      << "dimension: " << shape.dims.size() << "\n"
      << "sizes: " << list_text(shape.dims) << "\n"
      << "kinds:";
    for (std::size_t i = 0; i < shape.dims.size(); ++i)
        h << " domain";
    h << "\nlabels:";
    for (const std::string& name : shape.axis_names)
        h << " \"" << name << "\"";
    h << "\nendian: little\n"
      << "encoding: raw\n"
      << "radon_format:=" << kFormat << "\n"
      << "radon_scanner:=" << scanner.json << "\n"
      << "radon_scanner_centre_lps_mm:=" << num(c.x) << " " << num(c.y) << " " << num(c.z) << "\n"
      << "radon_span:=" << spec.span << "\n"
      << "radon_max_ring_difference:=" << spec.max_ring_difference << "\n"
      << "radon_view_mashing:=" << spec.view_mashing << "\n"
      << "radon_radial_bins:=" << d.radial_bins() << "\n"
      << "radon_first_tangential_position:=" << d.min_tangential() << "\n"
      << "radon_axis_order:=" << spec.axis_order << "\n"
      << "radon_tof_bins:=" << spec.tof.bins << "\n"
      << "radon_tof_bin_width_mm:=" << num(spec.tof.bin_width_mm) << "\n"
      << "radon_tof_fwhm_mm:=" << num(spec.tof.fwhm_mm) << "\n"
      << "radon_tof_truncation_sigmas:=" << num(spec.tof.truncation_sigmas) << "\n"
      << "radon_tof_centre_offset_mm:=" << num(spec.tof.centre_offset_mm) << "\n"
      << "\n";
    const std::string header = h.str();
    outputs.add(path, [&](const std::string& temp) {
        write_file_checked(temp,
                           {{header.data(), header.size()},
                            {reinterpret_cast<const char*>(data),
                             static_cast<std::size_t>(count) * sizeof(float)}},
                           path);
    });
}

NrrdSinogram read_nrrd_sinogram(const std::string& path) {
    const Header h = read_header(path);
    const std::string format = h.key("radon_format", std::string("\"") + kFormat + "\"");
    if (format != kFormat)
        h.fail("key 'radon_format' is '" + format + "', expected '" + kFormat + "'");
    if (h.field("type", "float") != "float")
        h.fail("NRRD field 'type' is '" + h.fields.at("type") + "', expected float");
    const std::string encoding = h.field("encoding", "raw or gzip");
    if (encoding != "raw" && encoding != "gzip" && encoding != "gz")
        h.fail("NRRD field 'encoding' is '" + encoding + "', expected raw or gzip");
    if (h.fields.count("endian") && h.fields.at("endian") != "little")
        h.fail("NRRD field 'endian' is '" + h.fields.at("endian") + "', expected little");
    if (h.fields.count("data file") || h.fields.count("datafile"))
        h.fail("a detached data file is not read: expected the data in the .nrrd file itself");
    for (const char* skip : {"byte skip", "byteskip", "line skip", "lineskip"})
        if (h.fields.count(skip) && h.fields.at(skip) != "0")
            h.fail(std::string("NRRD field '") + skip + "' is " + h.fields.at(skip) +
                   ", expected 0");
    if (!host_is_little_endian()) h.fail("reading needs a little-endian host");

    ScannerDescription scanner = [&] {
        try {
            return parse_scanner_json(h.key("radon_scanner", "a scanner's JSON"),
                                      path + ": key 'radon_scanner'");
        } catch (const InvalidArgument& e) {
            const std::string what = e.what();
            if (what.compare(0, path.size(), path) == 0) throw;
            throw InvalidArgument(path + ": " + what);
        }
    }();
    std::istringstream centre(h.key("radon_scanner_centre_lps_mm", "three numbers (mm)"));
    Vec3 c;
    if (!(centre >> c.x >> c.y >> c.z) || !std::isfinite(c.x + c.y + c.z))
        h.fail("key 'radon_scanner_centre_lps_mm' is '" + h.keys.at("radon_scanner_centre_lps_mm") +
               "', expected three finite numbers (mm)");
    scanner.scanner.isocentre_lps = c;

    pet::SinogramSpec spec;
    spec.span = h.integer("radon_span", "an odd integer >= 1");
    spec.max_ring_difference = h.integer("radon_max_ring_difference", "an integer >= 0");
    spec.view_mashing = h.integer("radon_view_mashing", "an integer >= 1");
    spec.radial_bins = h.integer("radon_radial_bins", "an integer >= 1");
    spec.radial_trim = -1;
    spec.axis_order = h.key("radon_axis_order", "a permutation of RVP, T first or last with TOF");
    spec.tof.bins = h.integer("radon_tof_bins", "an integer >= 1");
    spec.tof.bin_width_mm = static_cast<float>(h.number("radon_tof_bin_width_mm", "mm"));
    spec.tof.fwhm_mm = static_cast<float>(h.number("radon_tof_fwhm_mm", "mm"));
    spec.tof.truncation_sigmas =
        static_cast<float>(h.number("radon_tof_truncation_sigmas", "a number of sigmas"));
    spec.tof.centre_offset_mm = static_cast<float>(h.number("radon_tof_centre_offset_mm", "mm"));
    const pet::SinogramDescriptor d = [&] {
        try {
            return pet::SinogramDescriptor(scanner.scanner, spec);
        } catch (const InvalidArgument& e) {
            h.fail(e.what());
        }
    }();
    if (h.keys.count("radon_first_tangential_position") &&
        h.integer("radon_first_tangential_position", "an integer") != d.min_tangential())
        h.fail("key 'radon_first_tangential_position' is " +
               h.keys.at("radon_first_tangential_position") + ", expected " +
               std::to_string(d.min_tangential()) + " for " + d.description());

    const OperatorShape shape = d.shape();
    const std::vector<int64_t> sizes = parse_sizes(h);
    if (sizes != shape.dims)
        h.fail("NRRD field 'sizes' is '" + list_text(sizes) + "', expected '" +
               list_text(shape.dims) + "' (" + shape.to_string() + ") for the sinogram its keys " +
               "describe on " + d.scanner().name + ": " + d.description());
    const std::vector<std::string> labels = parse_labels(h);
    if (!labels.empty() && labels != shape.axis_names) {
        std::string expected;
        for (const std::string& n : shape.axis_names)
            expected += (expected.empty() ? "\"" : " \"") + n + "\"";
        h.fail("NRRD field 'labels' is '" + h.fields.at("labels") + "', expected " + expected);
    }

    const std::uintmax_t bytes = static_cast<std::uintmax_t>(d.bins()) * sizeof(float);
    NrrdSinogram s{std::move(scanner), d, std::vector<float>(static_cast<std::size_t>(d.bins()))};
    if (encoding == "raw") {
        std::ifstream in(path, std::ios::binary | std::ios::ate);
        const std::uintmax_t size = static_cast<std::uintmax_t>(in.tellg());
        if (!in || size != h.data_offset + bytes)
            h.fail("the data part holds " + std::to_string(size - std::min(size, h.data_offset)) +
                   " bytes, expected " + std::to_string(bytes) + " (" + std::to_string(d.bins()) +
                   " float32 values of " + d.description() + ")");
        in.seekg(static_cast<std::streamoff>(h.data_offset));
        in.read(reinterpret_cast<char*>(s.data.data()), static_cast<std::streamsize>(bytes));
        if (!in) h.fail("cannot read the data part");
    } else {
#if RADON_RECON_HAS_ZLIB
        char* out = reinterpret_cast<char*>(s.data.data());
        std::uintmax_t got = 0;
        const detail::Inflated r =
            detail::inflate_file(path, h.data_offset, detail::kWholeFile, bytes + 1,
                                 [&](const unsigned char* p, std::size_t n) {
                                     const std::size_t take = static_cast<std::size_t>(
                                         std::min<std::uintmax_t>(n, bytes - std::min(got, bytes)));
                                     std::memcpy(out + got, p, take);
                                     got += n;
                                 });
        if (!r.damage.empty()) h.fail("the gzip data is damaged (" + r.damage + ")");
        if (r.bytes != bytes)
            h.fail("the gzip data holds " + std::string(r.bytes > bytes ? "more than " : "") +
                   std::to_string(std::min(r.bytes, bytes)) + " bytes, expected " +
                   std::to_string(bytes) + " (" + std::to_string(d.bins()) + " float32 values of " +
                   d.description() + ")");
#else
        h.fail(
            "gzip encoding needs zlib, which this build (without ITK) lacks: expected "
            "encoding raw");
#endif
    }
    return s;
}

std::vector<float> read_nrrd_sinogram(const std::string& path,
                                      const pet::SinogramDescriptor& wanted) {
    NrrdSinogram s = read_nrrd_sinogram(path);
    const pet::SinogramDescriptor& d = s.descriptor;
    const pet::ScannerGeometry& a = d.scanner();
    const pet::ScannerGeometry& b = wanted.scanner();
    auto differs = [&](const std::string& what, const std::string& has,
                       const std::string& expected) {
        throw InvalidArgument(path + ": its " + what + " is " + has + ", expected " + expected +
                              " (the sinogram asked for: " + wanted.description() + " on " +
                              b.name + ")");
    };
    if (a.rings != b.rings || a.detectors_per_ring != b.detectors_per_ring ||
        a.crystal_count() != b.crystal_count())
        differs("scanner",
                a.name + " (" + std::to_string(a.detectors_per_ring) + " x " +
                    std::to_string(a.rings) + " crystals)",
                b.name + " (" + std::to_string(b.detectors_per_ring) + " x " +
                    std::to_string(b.rings) + " crystals)");
    double worst = 0;
    for (int i = 0; i < a.crystal_count(); ++i)
        worst = std::max(worst, norm(a.world_centre(i) - b.world_centre(i)));
    if (worst > 1e-3)
        differs("scanner's crystal placement", "up to " + num(worst) + " mm away",
                "the same crystal centres (check --scanner and --scanner-centre)");
    if (d.radial_bins() != wanted.radial_bins() || d.views() != wanted.views() ||
        d.planes() != wanted.planes() || d.min_tangential() != wanted.min_tangential())
        differs("sinogram", d.description(), wanted.description());
    for (std::size_t k = 0; k < d.segments().size() && k < wanted.segments().size(); ++k)
        if (d.segments()[k].min_ring_difference != wanted.segments()[k].min_ring_difference ||
            d.segments()[k].max_ring_difference != wanted.segments()[k].max_ring_difference)
            differs("segment " + std::to_string(d.segments()[k].number),
                    "ring differences " + std::to_string(d.segments()[k].min_ring_difference) +
                        ".." + std::to_string(d.segments()[k].max_ring_difference),
                    std::to_string(wanted.segments()[k].min_ring_difference) + ".." +
                        std::to_string(wanted.segments()[k].max_ring_difference));
    if (d.tof_bins() != wanted.tof_bins() ||
        std::fabs(d.spec().tof.bin_width_mm - wanted.spec().tof.bin_width_mm) > 1e-3f)
        differs("TOF binning",
                std::to_string(d.tof_bins()) + " bins of " + num(d.spec().tof.bin_width_mm) + " mm",
                std::to_string(wanted.tof_bins()) + " bins of " +
                    num(wanted.spec().tof.bin_width_mm) + " mm");
    return reordered(d, wanted, std::move(s.data));
}

}  // namespace radon::recon
