#include "recon/io/itk_support.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "itkConvertPixelBuffer.h"
#include "itkDefaultConvertPixelTraits.h"
#include "itkImageIOFactory.h"
#include "itkImageIORegion.h"
#include "itkMetaImageIO.h"
#include "itkMetaImageIOFactory.h"
#include "itkNiftiImageIO.h"
#include "itkNiftiImageIOFactory.h"
#include "itkNrrdImageIO.h"
#include "itkNrrdImageIOFactory.h"
#include "itkObjectFactoryBase.h"
#include "itkPNGImageIO.h"
#include "itkPNGImageIOFactory.h"
#include "itkTIFFImageIO.h"
#include "itkTIFFImageIOFactory.h"

#include "kernels/core/error.h"
#include "kernels/core/host_memory.h"
#include "recon/io/atomic_file.h"
#include "recon/io/captured_stderr.h"
#include "recon/io/format_sniff.h"
#include "recon/io/payload_check.h"
#include "recon/io/regular_file.h"

namespace radon::recon::detail {

namespace fs = std::filesystem;

// DICOM pads odd-length strings with a space or a NUL; neither is part of a value.
std::string trimmed(const std::string& s) {
    const std::string blank(" \t\r\n\0", 5);
    const auto first = s.find_first_not_of(blank);
    if (first == std::string::npos) return std::string();
    const auto last = s.find_last_not_of(blank);
    return s.substr(first, last - first + 1);
}

bool equals_ignoring_case(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// ITK only registers its IO factories by itself when a project includes ITK's use-file, which
// generates a registration header per build directory. Registering here makes reading work
// however the library is linked; factories already present (from that header) are kept as they
// are so that each format is asked once.
void register_itk_image_io() {
    static const bool registered = [] {
        struct Entry {
            const char* name;
            void (*add)();
        };
        const Entry entries[] = {
            {"NiftiImageIOFactory", &itk::NiftiImageIOFactory::RegisterOneFactory},
            {"NrrdImageIOFactory", &itk::NrrdImageIOFactory::RegisterOneFactory},
            {"MetaImageIOFactory", &itk::MetaImageIOFactory::RegisterOneFactory},
            {"TIFFImageIOFactory", &itk::TIFFImageIOFactory::RegisterOneFactory},
            {"PNGImageIOFactory", &itk::PNGImageIOFactory::RegisterOneFactory},
        };
        const auto present = itk::ObjectFactoryBase::GetRegisteredFactories();
        for (const Entry& entry : entries) {
            const bool found = std::any_of(present.begin(), present.end(), [&](auto* factory) {
                return std::strcmp(factory->GetNameOfClass(), entry.name) == 0;
            });
            if (!found) entry.add();
        }
        return true;
    }();
    (void)registered;
}

// ITK's descriptions run over several lines and start with the class name and its address;
// users get one line: the first meaningful one, or for NRRD the innermost cause that the teem
// library lists last. The temporary file name of a write is replaced by the real one.
std::string itk_reason(const itk::ExceptionObject& error, const std::string& temp_path,
                       const std::string& path) {
    std::istringstream lines(error.GetDescription());
    std::string line;
    std::string reason;
    std::string teem_cause;
    while (std::getline(lines, line)) {
        line = trimmed(line);
        if (line.empty()) continue;
        if (reason.empty()) reason = line;
        if (line.compare(0, 7, "[nrrd] ") == 0) teem_cause = line.substr(7);
    }
    const std::string prefix = "ITK ERROR: ";
    if (reason.compare(0, prefix.size(), prefix) == 0) {
        const auto end_of_object = reason.find("): ");
        reason = end_of_object == std::string::npos ? reason.substr(prefix.size())
                                                    : reason.substr(end_of_object + 3);
    }
    if (!teem_cause.empty()) {
        // "function: cause" -> "cause"
        const auto colon = teem_cause.find(": ");
        if (colon != std::string::npos && teem_cause.find(' ') > colon) {
            teem_cause = teem_cause.substr(colon + 2);
        }
        reason = teem_cause;
    }
    if (!temp_path.empty()) {
        for (auto at = reason.find(temp_path); at != std::string::npos;
             at = reason.find(temp_path, at + path.size())) {
            reason.replace(at, temp_path.size(), path);
        }
    }
    if (reason.empty()) reason = "ITK gave no reason";
    reason = printable(reason);
    const std::size_t max_length = 240;
    if (reason.size() > max_length) reason = reason.substr(0, max_length - 3) + "...";
    return reason;
}

std::string join_extensions(const std::vector<std::string>& extensions) {
    std::string list;
    for (const auto& extension : extensions)
        list += (list.empty() ? "" : ", ") + extension;
    return list;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// Writers are chosen by extension rather than through the factories, so that the format written
// never depends on which factories happen to be registered.
itk::ImageIOBase::Pointer make_itk_io(const std::string& extension) {
    if (extension == ".nrrd" || extension == ".nhdr") return itk::NrrdImageIO::New().GetPointer();
    if (extension == ".mha" || extension == ".mhd") return itk::MetaImageIO::New().GetPointer();
    if (extension == ".nii" || extension == ".nii.gz") return itk::NiftiImageIO::New().GetPointer();
    if (extension == ".tif" || extension == ".tiff") return itk::TIFFImageIO::New().GetPointer();
    if (extension == ".png") return itk::PNGImageIO::New().GetPointer();
    return nullptr;
}

// Sizes are checked before anything is allocated: a damaged or hostile header can claim
// petabytes, and the allocation would then fail late, or succeed and start swapping.
uint64_t check_loadable_size(const std::string& path, const std::vector<uint64_t>& shape,
                             const std::string& element, double bytes_per_element) {
    std::ostringstream shape_text;
    double count = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        shape_text << (i ? " x " : "") << shape[i];
        count *= static_cast<double>(shape[i]);
    }
    if (count < 1) {
        throw InvalidArgument(path + ": has no " + element + "s (size " + shape_text.str() + ")");
    }
    // Projectors index elements with 32-bit integers on the device.
    const double max_count = static_cast<double>(std::numeric_limits<int32_t>::max());
    // A negative size in a text header reaches us as a number near 2^32 or 2^64.
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (static_cast<double>(shape[i]) > max_count) {
            std::ostringstream msg;
            msg << path << ": size along " << (i < 3 ? std::string(1, "xyz"[i]) : std::to_string(i))
                << " is " << shape[i] << " " << element
                << "s in the header (a negative or damaged size?), expected at most "
                << static_cast<int64_t>(max_count);
            throw InvalidArgument(msg.str());
        }
    }
    if (count > max_count) {
        std::ostringstream msg;
        msg << path << ": the header claims " << shape_text.str() << " = " << count << " "
            << element << "s, more than the " << static_cast<int64_t>(max_count)
            << " Radon Studio can hold (damaged header?)";
        throw InvalidArgument(msg.str());
    }
    const double memory = static_cast<double>(physical_memory_bytes());
    const double needed = count * bytes_per_element;
    if (memory > 0 && needed > memory) {
        const double gib = 1024.0 * 1024.0 * 1024.0;
        std::ostringstream msg;
        msg.precision(3);
        msg << path << ": " << shape_text.str() << " " << element << "s need about " << needed / gib
            << " GiB of memory to load, more than this machine's " << memory / gib << " GiB";
        throw InvalidArgument(msg.str());
    }
    return static_cast<uint64_t>(count);
}

namespace {

// Stored values to float by ITK's own pixel conversion.
template <class T>
void convert_values(const char* stored, float* out, std::size_t n) {
    itk::ConvertPixelBuffer<T, float, itk::DefaultConvertPixelTraits<float>>::Convert(
        reinterpret_cast<T*>(const_cast<char*>(stored)), 1, out, n);
}

void convert_to_float(const std::string& path, const char* stored, itk::IOComponentEnum type,
                      float* out, std::size_t n) {
    using C = itk::IOComponentEnum;
    switch (type) {
        case C::UCHAR:
            return convert_values<unsigned char>(stored, out, n);
        case C::CHAR:
            return convert_values<signed char>(stored, out, n);
        case C::USHORT:
            return convert_values<unsigned short>(stored, out, n);
        case C::SHORT:
            return convert_values<short>(stored, out, n);
        case C::UINT:
            return convert_values<unsigned int>(stored, out, n);
        case C::INT:
            return convert_values<int>(stored, out, n);
        case C::ULONG:
            return convert_values<unsigned long>(stored, out, n);
        case C::LONG:
            return convert_values<long>(stored, out, n);
        case C::ULONGLONG:
            return convert_values<unsigned long long>(stored, out, n);
        case C::LONGLONG:
            return convert_values<long long>(stored, out, n);
        case C::FLOAT:
            return convert_values<float>(stored, out, n);
        case C::DOUBLE:
            return convert_values<double>(stored, out, n);
        default:
            throw InvalidArgument(path + ": has values of type " +
                                  itk::ImageIOBase::GetComponentTypeAsString(type) +
                                  ", which cannot be converted to float");
    }
}

}  // namespace

void select_whole_image(itk::ImageIOBase* io) {
    const unsigned dimensions = io->GetNumberOfDimensions();
    itk::ImageIORegion region(dimensions);
    for (unsigned i = 0; i < dimensions; ++i) {
        region.SetIndex(i, 0);
        region.SetSize(i, io->GetDimensions(i));
    }
    io->SetIORegion(region);
}

void read_pixels_as_float(itk::ImageIOBase* io, const std::string& path, float* out,
                          std::size_t count, std::size_t plane) {
    select_whole_image(io);
    const std::size_t value_size = io->GetComponentSize();
    const std::size_t bytes = static_cast<std::size_t>(io->GetImageSizeInBytes());
    if (io->GetNumberOfComponents() != 1 || bytes != count * value_size) {
        throw InvalidArgument(path + ": the reader's size of the pixel data disagrees with the " +
                              "header");
    }
    std::vector<char> separate;
    char* stored = reinterpret_cast<char*>(out) + count * sizeof(float) - bytes;
    if (value_size > sizeof(float)) {
        separate.resize(bytes);
        stored = separate.data();
    }
    io->Read(stored);
    // Floats were read where they belong.
    if (io->GetComponentType() == itk::IOComponentEnum::FLOAT) return;
    std::vector<char> one_plane(plane * value_size);
    for (std::size_t first = 0; first < count; first += plane) {
        const std::size_t n = std::min(plane, count - first);
        std::copy_n(stored + first * value_size, n * value_size, one_plane.data());
        convert_to_float(path, one_plane.data(), io->GetComponentType(), out + first, n);
    }
}

// Everything that can be known about a file before its pixels are read, checked in the order a
// user would fix them: the file itself, its format, its shape, its size, then its completeness.
itk::ImageIOBase::Pointer read_itk_header(const std::string& path, const std::string& kind,
                                          const std::string& element, unsigned dimensions,
                                          const std::vector<std::string>& readable) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status)) throw InvalidArgument(path + ": no such file");
    if (fs::is_directory(status)) {
        throw InvalidArgument(path + ": is a folder, expected a " + kind + " file");
    }
    // Before anything opens it: opening a named pipe blocks until another process writes.
    require_regular_file(path, path + ": ");
    if (!std::ifstream(path, std::ios::binary)) {
        throw InvalidArgument(path + ": cannot be opened for reading (permission denied?)");
    }
    if (fs::file_size(path, ec) == 0 && !ec) {
        throw InvalidArgument(path + ": is empty (0 bytes), expected a " + kind + " file");
    }
    const std::string extension = file_extension(path);
    const std::string content = format_by_content(path);
    if (contains(readable, extension) && !content_fits_extension(content, extension)) {
        throw InvalidArgument(path + ": holds " + content + " data, but its name says " +
                              format_by_extension(extension) + " (" + extension +
                              "); rename the file to match its content");
    }

    if (contains(readable, extension)) check_header(path, format_by_extension(extension));

    register_itk_image_io();
    CapturedStderr library_output;
    const std::string unrecognised =
        "the header is not recognised; the file may be damaged or in another format";
    itk::ImageIOBase::Pointer io;
    try {
        io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
    } catch (const std::exception& error) {
        // Each reader is asked whether it can read the file, and some answer with an exception.
        throw InvalidArgument(path + ": cannot read the header: " + printable(error.what()));
    }
    const bool recognised = io;
    if (!io) {
        if (!contains(readable, extension)) {
            throw InvalidArgument(path + ": not a " + kind +
                                  " format Radon Studio reads (expected " +
                                  join_extensions(readable) + ")");
        }
        // Some readers only recognise lower-case extensions ("CT.MHA"), and all of them turn
        // down a damaged header here: ask the one that the extension names, for its reason.
        io = make_itk_io(extension);
        if (!io) {
            throw InvalidArgument(path + ": not a readable " + extension + " file (" +
                                  unrecognised + ")");
        }
    }
    try {
        io->SetFileName(path);
        io->ReadImageInformation();
    } catch (const itk::ExceptionObject& error) {
        // The library's own complaint, when it printed one, says more than ITK's exception.
        const std::string said = library_reason(library_output.take());
        if (!recognised) {
            throw InvalidArgument(path + ": not a readable " + extension + " file (" +
                                  (said.empty() ? unrecognised : said) + ")");
        }
        throw InvalidArgument(path + ": cannot read the header: " +
                              (said.empty() ? itk_reason(error, "", path) : said));
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& error) {
        // MetaIO, for one, throws std::length_error on some damaged headers.
        throw InvalidArgument(path + ": cannot read the header: " + printable(error.what()));
    }

    if (io->GetNumberOfComponents() != 1) {
        throw InvalidArgument(path + ": has " + std::to_string(io->GetNumberOfComponents()) +
                              " values per " + element + " (colour or vector data), expected one");
    }
    if (io->GetComponentType() == itk::IOComponentEnum::UNKNOWNCOMPONENTTYPE) {
        throw InvalidArgument(path + ": has a " + element + " type ITK cannot convert to float");
    }
    const unsigned found = io->GetNumberOfDimensions();
    if (found != dimensions) {
        throw InvalidArgument(path + ": is a " + std::to_string(found) + "D image, expected a " +
                              std::to_string(dimensions) + "D " + kind);
    }

    std::vector<uint64_t> shape;
    for (unsigned i = 0; i < found; ++i)
        shape.push_back(io->GetDimensions(i));
    // Peak use while reading (read_pixels_as_float): the float volume, and a reader's own copy of
    // the stored values, and for values wider than a float a second one. NIfTI's scaled integers
    // are reported as float here, which overstates their copy (read_stored_nifti_values).
    const double value_size = static_cast<double>(io->GetComponentSize());
    const double bytes_per_element =
        sizeof(float) + (value_size > sizeof(float) ? 2.0 : 1.0) * value_size;
    const uint64_t count = check_loadable_size(path, shape, element, bytes_per_element);

    check_payload(path, io->GetNameOfClass(),
                  static_cast<std::uintmax_t>(count) * io->GetComponentSize(), element, dimensions,
                  false);
    return io;
}

itk::Image<float, 3>::Pointer borrowed_itk_image(const Volume& volume) {
    using Image = itk::Image<float, 3>;
    auto image = Image::New();
    Image::RegionType region;
    Image::SpacingType spacing;
    Image::PointType origin;
    Image::DirectionType direction;
    const VolumeGrid& grid = volume.grid;
    for (unsigned i = 0; i < 3; ++i) {
        region.SetSize(i, static_cast<itk::SizeValueType>(grid.size[i]));
        spacing[i] = grid.spacing[i];
        origin[i] = grid.origin[i];
        for (unsigned c = 0; c < 3; ++c)
            direction[i][c] = grid.direction.m[i][c];
    }
    image->SetRegions(region);
    image->SetSpacing(spacing);
    image->SetOrigin(origin);
    image->SetDirection(direction);
    image->GetPixelContainer()->SetImportPointer(
        const_cast<float*>(volume.voxels.host_data()),
        static_cast<itk::SizeValueType>(volume.voxels.size()), false);
    return image;
}

}  // namespace radon::recon::detail
