// Volume and image I/O for builds without ITK (a GPU server with only a compiler and CUDA):
// uncompressed MetaImage only, little-endian, one component per voxel. Writes .mha (header and
// voxels in one file, atomically); reads .mha and .mhd (voxels in the named data file) of the
// common scalar element types. ITK reads and writes the same files.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/dicom_series.h"
#include "recon/io/image_io.h"
#include "recon/io/regular_file.h"
#include "recon/io/volume_io.h"

namespace radon::recon {
namespace {

const char* kNoItk = "this build has no ITK: only uncompressed MetaImage (.mha, .mhd) is supported";

struct MetaHeader {
    std::map<std::string, std::string> fields;
    std::streamoff data_offset = 0;  // where LOCAL data starts
};

MetaHeader read_meta_header(std::ifstream& in, const std::string& path) {
    MetaHeader h;
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) {
            throw InvalidArgument(path + ": not a MetaImage header (line without '=')");
        }
        auto trim = [](std::string s) {
            const auto b = s.find_first_not_of(" \t\r");
            const auto e = s.find_last_not_of(" \t\r");
            return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
        };
        const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        h.fields[key] = value;
        if (key == "ElementDataFile") {
            h.data_offset = in.tellg();
            return h;
        }
    }
    throw InvalidArgument(path + ": MetaImage header without ElementDataFile");
}

std::vector<double> numbers(const MetaHeader& h, const std::string& key, std::size_t count,
                            const std::string& path, const std::vector<double>& fallback) {
    const auto it = h.fields.find(key);
    if (it == h.fields.end()) {
        if (!fallback.empty()) return fallback;
        throw InvalidArgument(path + ": MetaImage header has no " + key);
    }
    std::istringstream s(it->second);
    std::vector<double> out;
    double v;
    while (s >> v)
        out.push_back(v);
    if (out.size() != count) {
        throw InvalidArgument(path + ": MetaImage " + key + " has " + std::to_string(out.size()) +
                              " values, expected " + std::to_string(count));
    }
    return out;
}

bool is_true(const MetaHeader& h, const std::string& key) {
    const auto it = h.fields.find(key);
    return it != h.fields.end() &&
           (it->second == "True" || it->second == "true" || it->second == "1");
}

template <class T>
void convert(const std::vector<char>& raw, float* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        T v;
        std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
        out[i] = static_cast<float>(v);
    }
}

// Reads a scalar MetaImage of `dims` dimensions (a 2D image may also be 3D with one slice) into
// floats; fills size (1 for missing axes), spacing, origin and direction.
std::vector<float> read_meta(const std::string& path, unsigned dims, VolumeGrid& grid) {
    detail::require_regular_file(path, path + ": ");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidArgument(path + ": cannot open the file");
    const MetaHeader h = read_meta_header(in, path);
    const auto nd = static_cast<unsigned>(numbers(h, "NDims", 1, path, {})[0]);
    // dims 0: a 2D image or a stack of them (3D), as read_image_stack takes either.
    if (dims == 0 ? (nd != 2 && nd != 3) : (nd != dims && !(dims == 2 && nd == 3))) {
        throw InvalidArgument(path + ": " + std::to_string(nd) + " dimensions, expected " +
                              (dims == 0 ? std::string("2 or 3") : std::to_string(dims)));
    }
    if (is_true(h, "CompressedData")) {
        throw InvalidArgument(path + ": compressed MetaImage; " + kNoItk);
    }
    if (is_true(h, "BinaryDataByteOrderMSB") || is_true(h, "ElementByteOrderMSB")) {
        throw InvalidArgument(path + ": big-endian MetaImage; " + kNoItk);
    }
    const auto channels = h.fields.find("ElementNumberOfChannels");
    if (channels != h.fields.end() && channels->second != "1") {
        throw InvalidArgument(path + ": " + channels->second + " components per voxel, expected 1");
    }
    const auto size = numbers(h, "DimSize", nd, path, {});
    const auto spacing = numbers(h, "ElementSpacing", nd, path,
                                 numbers(h, "ElementSize", nd, path, std::vector<double>(nd, 1.0)));
    const auto origin = numbers(h, "Offset", nd, path,
                                numbers(h, "Origin", nd, path, std::vector<double>(nd, 0.0)));
    std::vector<double> identity(nd * nd, 0.0);
    for (unsigned i = 0; i < nd; ++i)
        identity[i * nd + i] = 1.0;
    const auto matrix = numbers(h, "TransformMatrix", nd * nd, path,
                                numbers(h, "Orientation", nd * nd, path, identity));
    grid = VolumeGrid{};
    grid.size = {1, 1, 1};
    for (unsigned i = 0; i < nd; ++i) {
        if (size[i] < 1 || size[i] != std::floor(size[i])) {
            throw InvalidArgument(path + ": DimSize must hold whole numbers >= 1");
        }
        if (!std::isfinite(spacing[i]) || spacing[i] <= 0) {
            throw InvalidArgument(path + ": spacing " + std::to_string(spacing[i]) +
                                  " mm, expected a finite value > 0");
        }
        grid.size[i] = static_cast<int64_t>(size[i]);
        grid.spacing[i] = spacing[i];
        grid.origin[i] = origin[i];
        // MetaImage lists the direction of axis i as the i-th group of nd numbers.
        for (unsigned r = 0; r < nd; ++r)
            grid.direction.m[r][i] = matrix[i * nd + r];
    }
    if (dims == 2 && grid.size[2] != 1) {
        throw InvalidArgument(path + ": a volume of " + std::to_string(grid.size[2]) +
                              " slices, expected a 2D image");
    }
    if (dims == 3) grid.validate(path);

    const std::string type = h.fields.count("ElementType") ? h.fields.at("ElementType") : "";
    const std::map<std::string, std::size_t> bytes_of = {
        {"MET_FLOAT", 4}, {"MET_DOUBLE", 8}, {"MET_SHORT", 2}, {"MET_USHORT", 2},
        {"MET_CHAR", 1},  {"MET_UCHAR", 1},  {"MET_INT", 4},   {"MET_UINT", 4}};
    if (!bytes_of.count(type)) {
        throw InvalidArgument(path + ": MetaImage element type '" + type + "' is not supported; " +
                              kNoItk + " of float, double, (unsigned) char, short or int");
    }
    const std::size_t count = static_cast<std::size_t>(grid.voxel_count());
    std::vector<char> raw(count * bytes_of.at(type));
    const std::string data_file = h.fields.at("ElementDataFile");
    std::ifstream data_stream;
    std::istream* data = &in;
    if (data_file != "LOCAL") {
        const auto data_path = std::filesystem::path(path).parent_path() / data_file;
        detail::require_regular_file(data_path.string(),
                                     path + ": its data file " + data_path.string() + " ");
        data_stream.open(data_path, std::ios::binary);
        if (!data_stream) {
            throw InvalidArgument(path + ": cannot open its data file " + data_path.string());
        }
        data = &data_stream;
    }
    data->read(raw.data(), static_cast<std::streamsize>(raw.size()));
    if (static_cast<std::size_t>(data->gcount()) != raw.size()) {
        throw InvalidArgument(path + ": the voxel data is shorter than the header says");
    }
    std::vector<float> out(count);
    if (type == "MET_FLOAT") convert<float>(raw, out.data(), count);
    if (type == "MET_DOUBLE") convert<double>(raw, out.data(), count);
    if (type == "MET_SHORT") convert<int16_t>(raw, out.data(), count);
    if (type == "MET_USHORT") convert<uint16_t>(raw, out.data(), count);
    if (type == "MET_CHAR") convert<int8_t>(raw, out.data(), count);
    if (type == "MET_UCHAR") convert<uint8_t>(raw, out.data(), count);
    if (type == "MET_INT") convert<int32_t>(raw, out.data(), count);
    if (type == "MET_UINT") convert<uint32_t>(raw, out.data(), count);
    const auto bad =
        std::find_if(out.begin(), out.end(), [](float v) { return !std::isfinite(v); });
    if (bad != out.end()) {
        throw InvalidArgument(path + ": voxel " + std::to_string(bad - out.begin()) +
                              " is not finite (NaN or infinite); projections need finite values");
    }
    return out;
}

void write_meta(AtomicFileSet& outputs, const std::string& path, unsigned dims,
                const VolumeGrid& grid, const float* values) {
    std::ostringstream header;
    header.precision(17);
    header << "ObjectType = Image\nNDims = " << dims
           << "\nBinaryData = True\nBinaryDataByteOrderMSB = False\nCompressedData = False\n"
           << "TransformMatrix =";
    for (unsigned i = 0; i < dims; ++i)
        for (unsigned r = 0; r < dims; ++r)
            header << ' ' << grid.direction.m[r][i];
    header << "\nOffset =";
    for (unsigned i = 0; i < dims; ++i)
        header << ' ' << grid.origin[i];
    header << "\nElementSpacing =";
    for (unsigned i = 0; i < dims; ++i)
        header << ' ' << grid.spacing[i];
    header << "\nDimSize =";
    for (unsigned i = 0; i < dims; ++i)
        header << ' ' << grid.size[i];
    header << "\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n";
    const std::string text = header.str();
    const ByteSpan voxels{reinterpret_cast<const char*>(values),
                          sizeof(float) * static_cast<std::size_t>(grid.voxel_count())};
    // Checked writes: the file is ours, every short write is seen.
    outputs.add(path, [&](const std::string& temp) {
        write_file_checked(temp, {{text.data(), text.size()}, voxels}, path);
    });
}

void require_mha(const std::string& path, const std::string& what) {
    if (file_extension(path) != ".mha") {
        throw InvalidArgument(path + ": cannot write a " + what + " to '" + file_extension(path) +
                              "'; " + kNoItk + " (write .mha)");
    }
}

}  // namespace

DicomFolderListing scan_dicom_folder(const std::string& folder) {
    throw InvalidArgument(folder + ": DICOM series need ITK; " + kNoItk);
}

std::vector<DicomSeriesSummary> list_dicom_series(const std::string& folder) {
    return scan_dicom_folder(folder).series;
}

Volume read_volume(const std::string& path, const std::string& series, std::vector<std::string>*) {
    if (!series.empty()) {
        throw InvalidArgument(path + ": DICOM series need ITK; " + kNoItk);
    }
    if (!is_readable_volume_extension(file_extension(path))) {
        throw InvalidArgument(path + ": cannot read '" + file_extension(path) + "'; " + kNoItk);
    }
    VolumeGrid grid;
    const std::vector<float> voxels = read_meta(path, 3, grid);
    Volume volume = Volume::allocate(grid, VoxelUnit::Hounsfield);
    std::copy(voxels.begin(), voxels.end(), volume.voxels.host_data());
    return volume;
}

void write_volume(const Volume& volume, const std::string& path) {
    AtomicFileSet outputs;
    write_volume(outputs, volume, path);
    outputs.commit();
}

void write_volume(AtomicFileSet& outputs, const Volume& volume, const std::string& path) {
    require_mha(path, "volume");
    volume.grid.validate(path);
    const Extents expected{volume.grid.size[0], volume.grid.size[1], volume.grid.size[2]};
    if (volume.voxels.extents() != expected) {
        throw InvalidArgument(path + ": the voxel array does not match the volume's grid size");
    }
    write_meta(outputs, path, 3, volume.grid, volume.voxels.host_data());
}

bool is_readable_volume_extension(const std::string& extension) {
    return extension == ".mha" || extension == ".mhd";
}

bool is_writable_volume_extension(const std::string& extension) {
    return extension == ".mha";
}

// Without ITK there is no PNG output, so the window never shapes pixels: the full range.
Window automatic_window(const Image2D& image) {
    Window window;
    const float* data = image.pixels.host_data();
    double low = INFINITY, high = -INFINITY;
    for (int64_t i = 0; i < image.pixels.size(); ++i) {
        if (!std::isfinite(data[i])) continue;
        low = std::min(low, static_cast<double>(data[i]));
        high = std::max(high, static_cast<double>(data[i]));
    }
    if (low > high) return window;
    window.level = 0.5 * (low + high);
    window.width = std::max(high - low, 1e-6 * std::max(1.0, std::fabs(window.level)));
    return window;
}

void write_image(const Image2D& image, const std::string& path, const Window& window,
                 int png_bits) {
    AtomicFileSet outputs;
    write_image(outputs, image, path, window, png_bits);
    outputs.commit();
}

void write_image(AtomicFileSet& outputs, const Image2D& image, const std::string& path,
                 const Window&, int) {
    require_mha(path, "image");
    // A stack of channels is a 3D image, as the ITK build writes it.
    const unsigned dims = image.channels() > 1 ? 3 : 2;
    VolumeGrid grid;
    grid.size = {image.width(), image.height(), image.channels()};
    grid.spacing = {image.spacing[0], image.spacing[1], 1.0};
    grid.origin = {image.origin[0], image.origin[1], 0.0};
    write_meta(outputs, path, dims, grid, image.pixels.host_data());
}

Image2D read_image_stack(const std::string& path) {
    VolumeGrid grid;
    const std::vector<float> pixels = read_meta(path, 0, grid);
    Image2D image = Image2D::allocate(grid.size[0], grid.size[1], grid.spacing[0], grid.spacing[1],
                                      grid.size[2]);
    std::copy(pixels.begin(), pixels.end(), image.pixels.host_data());
    image.origin[0] = grid.origin[0];
    image.origin[1] = grid.origin[1];
    return image;
}

Image2D read_image(const std::string& path) {
    Image2D image = read_image_stack(path);
    if (image.channels() != 1)
        throw InvalidArgument(path + ": a stack of " + std::to_string(image.channels()) +
                              " images, expected one 2D image");
    return image;
}

bool is_image_extension(const std::string& extension) {
    return extension == ".mha";
}

std::string image_extensions() {
    return std::string(".mha (") + kNoItk + ")";
}

}  // namespace radon::recon
