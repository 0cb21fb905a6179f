// Writes the seed corpus for the volume reader fuzz targets into the folder given as argument:
// small valid files of every format and encoding the readers know, so that fuzzing starts deep
// in the parsers instead of at their magic numbers. Seeds of detached formats hold the header,
// a NUL and the data file's bytes, as fuzz_volume_reader.cpp splits them.

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "recon/io/volume_io.h"

namespace fs = std::filesystem;

namespace {

constexpr int kValues = 4 * 3 * 2;

std::string compressed(const std::string& bytes, bool gzip_wrapper) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, gzip_wrapper ? 31 : 15, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, bytes.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string float_payload() {
    std::string bytes;
    for (int i = 0; i < kValues; ++i) {
        const float value = static_cast<float>(i) * 37.5f - 400.0f;
        bytes.append(reinterpret_cast<const char*>(&value), sizeof(value));
    }
    return bytes;
}

std::string short_payload() {
    std::string bytes;
    for (int i = 0; i < kValues; ++i) {
        const int16_t value = static_cast<int16_t>(i * 90 - 1024);
        bytes.append(reinterpret_cast<const char*>(&value), sizeof(value));
    }
    return bytes;
}

std::string text_payload() {
    std::ostringstream text;
    for (int i = 0; i < kValues; ++i)
        text << i * 37.5 - 400.0 << (i % 4 == 3 ? "\n" : " ");
    return text.str();
}

std::string hex_payload(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string text;
    for (unsigned char c : bytes) {
        text += digits[c >> 4];
        text += digits[c & 15];
    }
    return text + "\n";
}

const std::string kNrrdGeometry =
    "dimension: 3\nsizes: 4 3 2\nspace: left-posterior-superior\n"
    "space directions: (0.5,0,0) (0,0.75,0) (0,0,2)\nspace origin: (-10,20.5,3)\n";

std::string nrrd(const std::string& type, const std::string& encoding, const std::string& extra) {
    return "NRRD0004\ntype: " + type + "\n" + kNrrdGeometry + "encoding: " + encoding +
           "\nendian: little\n" + extra;
}

std::string meta(const std::string& type, const std::string& data_file, int64_t packed_size) {
    std::ostringstream h;
    h << "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n";
    if (packed_size >= 0) {
        h << "CompressedData = True\nCompressedDataSize = " << packed_size << "\n";
    } else {
        h << "CompressedData = False\n";
    }
    h << "TransformMatrix = 1 0 0 0 1 0 0 0 1\nOffset = -10 20.5 3\n"
      << "ElementSpacing = 0.5 0.75 2\nDimSize = 4 3 2\nElementType = " << type
      << "\nElementDataFile = " << data_file << "\n";
    return h.str();
}

// DICOM data elements, little endian, explicit or implicit VR: enough to write small CT slices
// byte by byte, with the encodings a DICOM reader meets (sequences of defined and undefined
// length, nested items).
std::string u16(unsigned v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}

std::string u32(uint32_t v) {
    return u16(v & 0xffff) + u16(v >> 16);
}

std::string element(unsigned group, unsigned number, const char* vr, std::string value,
                    bool explicit_vr = true) {
    if (value.size() % 2) value += (std::string(vr) == "UI" ? '\0' : ' ');
    const std::string tag = u16(group) + u16(number);
    if (!explicit_vr) return tag + u32(static_cast<uint32_t>(value.size())) + value;
    const std::string v(vr);
    const bool long_length = v == "OB" || v == "OW" || v == "SQ" || v == "UN" || v == "UT";
    return tag + v +
           (long_length ? u16(0) + u32(static_cast<uint32_t>(value.size()))
                        : u16(static_cast<unsigned>(value.size()))) +
           value;
}

std::string dicom_slice(bool explicit_vr, bool undefined_sequence) {
    const std::string ts = explicit_vr ? "1.2.840.10008.1.2.1" : "1.2.840.10008.1.2";
    std::string meta_elements = element(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.2") +
                                element(0x0002, 0x0010, "UI", ts);
    std::string file =
        std::string(128, '\0') + "DICM" +
        element(0x0002, 0x0000, "UL", u32(static_cast<uint32_t>(meta_elements.size()))) +
        meta_elements;
    auto e = [&](unsigned group, unsigned number, const char* vr, const std::string& value) {
        return element(group, number, vr, value, explicit_vr);
    };
    const std::string item_body = e(0x0008, 0x0100, "SH", "123") + e(0x0008, 0x0102, "SH", "DCM");
    std::string sequence;
    if (undefined_sequence) {
        sequence = u16(0x0008) + u16(0x1032) + (explicit_vr ? "SQ" + u16(0) : "") +
                   u32(0xffffffffu) + u16(0xfffe) + u16(0xe000) + u32(0xffffffffu) + item_body +
                   u16(0xfffe) + u16(0xe00d) + u32(0) + u16(0xfffe) + u16(0xe0dd) + u32(0);
    } else {
        sequence =
            e(0x0008, 0x1032, "SQ",
              u16(0xfffe) + u16(0xe000) + u32(static_cast<uint32_t>(item_body.size())) + item_body);
    }
    std::string pixels;
    for (int i = 0; i < 12; ++i)
        pixels += u16(static_cast<unsigned>(i * 90));
    file += e(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.2") + e(0x0008, 0x0060, "CS", "CT") +
            sequence + e(0x0020, 0x000e, "UI", "1.2.3.4") +
            e(0x0020, 0x0032, "DS", "-10\\20.5\\3") + e(0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0") +
            e(0x0028, 0x0002, "US", u16(1)) + e(0x0028, 0x0004, "CS", "MONOCHROME2") +
            e(0x0028, 0x0010, "US", u16(3)) + e(0x0028, 0x0011, "US", u16(4)) +
            e(0x0028, 0x0030, "DS", "0.75\\0.5") + e(0x0028, 0x0100, "US", u16(16)) +
            e(0x0028, 0x0101, "US", u16(16)) + e(0x0028, 0x0102, "US", u16(15)) +
            e(0x0028, 0x0103, "US", u16(1)) + e(0x0028, 0x1052, "DS", "-1024") +
            e(0x0028, 0x1053, "DS", "0.5") + e(0x7fe0, 0x0010, "OW", pixels);
    return file;
}

void write(const fs::path& folder, const std::string& name, const std::string& bytes) {
    std::ofstream out(folder / name, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_fuzz_seeds FOLDER\n");
        return 2;
    }
    const fs::path folder = argv[1];
    fs::create_directories(folder);

    // Files as Radon Studio writes them.
    radon::VolumeGrid grid = radon::centered_grid({4, 3, 2}, {0.5, 0.75, 2.0});
    grid.direction = radon::rotation_z(radon::deg_to_rad(30));
    radon::recon::Volume volume =
        radon::recon::Volume::allocate(grid, radon::recon::VoxelUnit::Hounsfield);
    for (int i = 0; i < kValues; ++i)
        volume.voxels[i] = static_cast<float>(i) * 37.5f - 400.0f;
    for (const char* extension : {".nii", ".nii.gz", ".nrrd", ".mha"}) {
        radon::recon::write_volume(volume,
                                   (folder / (std::string("written") + extension)).string());
    }

    // NRRD encodings and types, attached and detached.
    const std::string floats = float_payload();
    const std::string nul(1, '\0');
    write(folder, "short.nrrd", nrrd("short", "raw", "\n") + short_payload());
    write(folder, "gzip.nrrd", nrrd("float", "gzip", "\n") + compressed(floats, true));
    write(folder, "ascii.nrrd", nrrd("float", "ascii", "\n") + text_payload());
    write(folder, "hex.nrrd", nrrd("float", "hex", "\n") + hex_payload(floats));
    write(folder, "skip.nrrd", nrrd("float", "raw", "byte skip: -1\n\n") + floats);
    write(folder, "raw.nhdr", nrrd("float", "raw", "data file: input.raw\n") + nul + floats);
    write(folder, "gzip.nhdr",
          nrrd("float", "gzip", "data file: input.raw\n") + nul + compressed(floats, true));
    write(folder, "list.nhdr", nrrd("float", "raw", "data file: LIST\ninput.raw\n") + nul + floats);

    // MetaImage types and compression, attached and detached.
    const std::string packed = compressed(floats, false);
    const auto packed_size = static_cast<int64_t>(packed.size());
    write(folder, "short.mha", meta("MET_SHORT", "LOCAL", -1) + short_payload());
    write(folder, "compressed.mha", meta("MET_FLOAT", "LOCAL", packed_size) + packed);
    write(folder, "raw.mhd", meta("MET_FLOAT", "input.raw", -1) + nul + floats);
    write(folder, "compressed.mhd", meta("MET_FLOAT", "input.raw", packed_size) + nul + packed);

    // DICOM slices: explicit and implicit VR, sequences of defined and undefined length.
    write(folder, "explicit.dcm", dicom_slice(true, false));
    write(folder, "explicit-undefined.dcm", dicom_slice(true, true));
    write(folder, "implicit.dcm", dicom_slice(false, false));
    write(folder, "implicit-undefined.dcm", dicom_slice(false, true));
    return 0;
}
