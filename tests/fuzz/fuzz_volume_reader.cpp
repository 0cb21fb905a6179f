// libFuzzer target for recon::read_volume. The input bytes become a file with the extension this
// target was built for (RADON_FUZZ_EXTENSION), so every format is fuzzed by its own target and
// keeps its own corpus. For formats whose header names a separate data file (.nhdr, .mhd,
// RADON_FUZZ_DETACHED), the bytes up to the first NUL are the header and the rest is
// "input.raw", the data file the seeds name; without a NUL there is no data file.
//
// Besides crashes, leaks and hangs, libFuzzer reports as a crash: any exception other than
// InvalidArgument, a message that does not start with the file name or spans several lines,
// and a volume whose voxel array does not match its grid.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "kernels/core/error.h"
#include "recon/io/volume_io.h"

#ifndef RADON_FUZZ_EXTENSION
#error "RADON_FUZZ_EXTENSION names the file extension this target fuzzes"
#endif
#ifndef RADON_FUZZ_DETACHED
#define RADON_FUZZ_DETACHED 0
#endif

namespace {

// A private folder in $TMPDIR, removed at exit, so that parallel runs never share files. The
// name outlives every static destructor: the exit handler reads it.
const std::string& folder() {
    static const std::string* const path = [] {
        const char* base = std::getenv("TMPDIR");
        auto* name =
            new std::string(std::string(base && *base ? base : "/tmp") + "/radon-fuzz-XXXXXX");
        if (!mkdtemp(name->data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(folder(), ignored);
        });
        return name;
    }();
    return *path;
}

void write_file(const std::string& path, const uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string path = folder() + "/input" RADON_FUZZ_EXTENSION;
    std::size_t header_size = size;
    if (RADON_FUZZ_DETACHED) {
        const std::string raw = folder() + "/input.raw";
        const void* nul = std::memchr(data, 0, size);
        if (nul) {
            header_size = static_cast<std::size_t>(static_cast<const uint8_t*>(nul) - data);
            write_file(raw, data + header_size + 1, size - header_size - 1);
        } else {
            std::remove(raw.c_str());
        }
    }
    write_file(path, data, header_size);

    try {
        const radon::recon::Volume volume = radon::recon::read_volume(path);
        if (volume.voxels.size() != volume.grid.voxel_count()) {
            std::printf("read_volume returned %lld voxels for a grid of %lld\n",
                        static_cast<long long>(volume.voxels.size()),
                        static_cast<long long>(volume.grid.voxel_count()));
            std::fflush(stdout);
            std::abort();
        }
    } catch (const radon::InvalidArgument& error) {
        const std::string message = error.what();
        if (message.compare(0, path.size(), path) != 0 ||
            message.find_first_of("\r\n") != std::string::npos) {
            // stdout: libFuzzer runs with -close_fd_mask=2, which silences the target's stderr.
            std::printf("not a one-line message naming the file: [%s]\n", error.what());
            std::fflush(stdout);
            std::abort();
        }
    }
    return 0;
}
