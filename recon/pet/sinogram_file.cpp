#include "recon/pet/sinogram_file.h"

#include "kernels/core/error.h"
#include "recon/pet/interfile_sinogram.h"
#include "recon/pet/nrrd_sinogram.h"

namespace radon::recon {

void require_sinogram_extension(const std::string& path) {
    const std::string ext = file_extension(path);
    if (ext != ".hs" && ext != ".nrrd")
        throw InvalidArgument(path + ": a sinogram is read and written as Interfile (.hs) or NRRD "
                                     "(.nrrd), not '" +
                              ext + "'");
}

std::string sinogram_files_text(const std::string& path) {
    if (file_extension(path) == ".hs") return path + " and " + interfile_sinogram_data_path(path);
    return path;
}

void write_sinogram(AtomicFileSet& outputs, const std::string& path,
                    const ScannerDescription& scanner, const pet::SinogramDescriptor& sinogram,
                    const std::vector<float>& data) {
    require_sinogram_extension(path);
    const auto count = static_cast<int64_t>(data.size());
    if (file_extension(path) == ".hs")
        write_interfile_sinogram(outputs, path, sinogram, data.data(), count);
    else
        write_nrrd_sinogram(outputs, path, scanner, sinogram, data.data(), count);
}

std::vector<float> read_sinogram(const std::string& path,
                                 const pet::SinogramDescriptor& sinogram) {
    require_sinogram_extension(path);
    if (file_extension(path) == ".hs") return read_interfile_sinogram(path, sinogram);
    return read_nrrd_sinogram(path, sinogram);
}

}  // namespace radon::recon
