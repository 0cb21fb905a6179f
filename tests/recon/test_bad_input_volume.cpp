// The bad-volume corpus: every reader format, each damaged in every way the issue lists, written
// by the test itself. Each file must give one InvalidArgument line that names the file and the
// problem, without a crash, a hang or a large allocation.

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/core/error.h"
#include "recon/io/volume_io.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/recon/test_bad_input_files.h"
#include "tests/recon/test_bad_input_fuzz_inputs.h"

using namespace radon;
using namespace radon::test;

namespace {

// What a corpus file is on disk: its bytes, or a file of another kind under its name (a data
// file that is a named pipe blocked the readers forever; /dev/zero and folders read as garbage).
enum class FileKind { Bytes, Fifo, Folder, DevZero };

struct CorpusFile {
    std::string name;
    std::string bytes;
    FileKind kind = FileKind::Bytes;
};

struct BadCase {
    std::string label;
    std::vector<CorpusFile> files;  // the first is the one read
    std::string problem;            // a part of the expected message
};

struct Format {
    std::string extension;
    std::function<std::vector<CorpusFile>(const VolumeFileSpec&)> write;
    bool detached;  // header and data in two files
    bool nifti;
    bool nrrd;
};

const char* const kData = "v.raw";

std::vector<Format> formats() {
    return {
        {".nii",
         [](const VolumeFileSpec& s) -> std::vector<CorpusFile> {
             return {{"v.nii", nifti_file(s)}};
         },
         false, true, false},
        {".nii.gz",
         [](const VolumeFileSpec& s) -> std::vector<CorpusFile> {
             return {{"v.nii.gz", gzipped(nifti_file(s))}};
         },
         false, true, false},
        {".nrrd",
         [](const VolumeFileSpec& s) -> std::vector<CorpusFile> {
             return {{"v.nrrd", nrrd_header(s) + s.payload}};
         },
         false, false, true},
        {".nhdr",
         [](const VolumeFileSpec& s) -> std::vector<CorpusFile> {
             return {{"v.nhdr", nrrd_header(s, "raw", kData)}, {kData, s.payload}};
         },
         true, false, true},
        {".mha",
         [](const VolumeFileSpec& s) -> std::vector<CorpusFile> {
             return {{"v.mha", meta_header(s) + s.payload}};
         },
         false, false, false},
        {".mhd",
         [](const VolumeFileSpec& s) -> std::vector<CorpusFile> {
             return {{"v.mhd", meta_header(s, kData)}, {kData, s.payload}};
         },
         true, false, false},
    };
}

VolumeFileSpec with_sizes(std::vector<int64_t> sizes, std::vector<double> spacing) {
    VolumeFileSpec spec;
    spec.sizes = std::move(sizes);
    spec.spacing = std::move(spacing);
    return spec;
}

VolumeFileSpec with_spacing(double y_spacing) {
    VolumeFileSpec spec;
    spec.spacing[1] = y_spacing;
    return spec;
}

VolumeFileSpec with_direction(std::vector<double> row_major) {
    VolumeFileSpec spec;
    spec.direction = std::move(row_major);
    return spec;
}

VolumeFileSpec with_voxel(int index, float value) {
    VolumeFileSpec spec;
    std::memcpy(&spec.payload[static_cast<std::size_t>(index) * sizeof(float)], &value,
                sizeof(float));
    return spec;
}

VolumeFileSpec with_pixel(FilePixel pixel, std::size_t value_size) {
    VolumeFileSpec spec;
    spec.pixel = pixel;
    spec.payload.assign(static_cast<std::size_t>(value_count(spec)) * value_size, '\x01');
    return spec;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::logic_error("corpus: '" + from + "' not found");
    return text.replace(at, from.size(), to);
}

// The main file of `format` with its header text or bytes damaged; the data unchanged.
std::vector<CorpusFile> with_header(const Format& format, const VolumeFileSpec& spec,
                                    const std::function<std::string(std::string)>& damage) {
    std::vector<CorpusFile> files = format.write(spec);
    if (format.extension == ".nii.gz") {
        files[0].bytes = gzipped(damage(nifti_file(spec)));
    } else if (format.detached) {
        files[0].bytes = damage(files[0].bytes);
    } else {
        const std::size_t header = files[0].bytes.size() - spec.payload.size();
        files[0].bytes = damage(files[0].bytes.substr(0, header)) + spec.payload;
    }
    return files;
}

// A valid file of another format under this format's name.
std::vector<CorpusFile> other_format(const Format& format) {
    const VolumeFileSpec spec;
    const std::string main = "v" + format.extension;
    if (format.nifti) return {{main, nrrd_header(spec) + spec.payload}};
    if (format.nrrd) return {{main, meta_header(spec) + spec.payload}};
    return {{main, nifti_file(spec)}};
}

// Compressed pixel data with its middle overwritten, under a header that says so.
std::vector<CorpusFile> corrupt_compressed(const Format& format) {
    const VolumeFileSpec spec;
    auto damaged = [](std::string packed) {
        for (std::size_t i = packed.size() / 3; i < packed.size() * 2 / 3; ++i)
            packed[i] = static_cast<char>(i * 37 + 11);
        return packed;
    };
    const std::string main = "v" + format.extension;
    if (format.nifti) {
        return {{main, damaged(gzipped(nifti_file(spec) + std::string(4000, '\0')))}};
    }
    if (format.nrrd) {
        const std::string packed = damaged(gzipped(spec.payload));
        if (format.detached) return {{main, nrrd_header(spec, "gzip", kData)}, {kData, packed}};
        return {{main, nrrd_header(spec, "gzip") + packed}};
    }
    const std::string packed = damaged(zlib_compressed(spec.payload));
    const auto size = static_cast<int64_t>(packed.size());
    if (format.detached) return {{main, meta_header(spec, kData, size)}, {kData, packed}};
    return {{main, meta_header(spec, "LOCAL", size) + packed}};
}

std::vector<BadCase> cases_for(const Format& format) {
    const VolumeFileSpec plain;
    std::vector<BadCase> cases;
    auto add = [&](const std::string& label, std::vector<CorpusFile> files,
                   const std::string& problem) {
        cases.push_back({label, std::move(files), problem});
    };

    VolumeFileSpec short_data;
    short_data.payload.resize(short_data.payload.size() / 2);
    add("data cut short", format.write(short_data), "truncated: the header describes 240 bytes");

    std::vector<CorpusFile> cut = format.write(plain);
    if (format.nifti) {
        const std::string head = nifti_file(plain).substr(0, 200);
        cut[0].bytes = format.extension == ".nii.gz" ? gzipped(head) : head;
    } else {
        const std::size_t header =
            cut[0].bytes.size() - (format.detached ? 0 : plain.payload.size());
        cut[0].bytes = cut[0].bytes.substr(0, header / 2);
    }
    // NrrdIO looks for the blank line before attached data, or for a data file.
    add("header cut mid-way", cut, format.nrrd ? "no \"data file\"" : "header is cut short");

    add("garbage in a header field",
        with_header(format, plain,
                    [&](std::string header) {
                        // bitpix and datatype of NIfTI-1
                        if (format.nifti) return header.replace(70, 4, "\x7f\x7f\x7f\x7f");
                        if (format.nrrd) return replaced(header, "sizes: 5 4 3", "sizes: 5 four 3");
                        return replaced(header, "DimSize = 5 4 3", "DimSize = 5 four 3");
                    }),
        format.nifti  ? "bad datatype"
        : format.nrrd ? "axis 1 size is zero"
                      : "DimSize holds 'four', expected a whole number");

    // NrrdIO reads a size that is not a positive number as 0.
    add("a zero size", format.write(with_sizes({5, 0, 3}, plain.spacing)),
        format.nrrd ? "axis 1 size is zero" : "size along y is 0 in the header");
    add("a negative size", format.write(with_sizes({5, -4, 3}, plain.spacing)),
        format.nrrd ? "axis 1 size is zero" : "size along y is -4 in the header");
    // NIfTI-1 sizes are 16-bit.
    const int64_t absurd = format.nifti ? 30000 : 100000;
    add("absurd sizes", format.write(with_sizes({absurd, absurd, absurd}, plain.spacing)),
        "more than");
    // 4 GB claimed, within this machine's memory: only the file size can refuse it in time.
    add("sizes beyond the file", format.write(with_sizes({1000, 1000, 1000}, plain.spacing)),
        "truncated: the header describes 4000000000 bytes");
    if (!format.nifti) {
        const int64_t huge = int64_t(1) << 40;
        add("sizes whose product overflows",
            format.write(with_sizes({huge, huge, huge}, plain.spacing)),
            format.nrrd ? "too large" : "size along x is 2147483648");
    }
    add("2D image", format.write(with_sizes({5, 12}, {0.5, 0.75})), "2D");
    add("4D image", format.write(with_sizes({5, 2, 3, 2}, {0.5, 0.75, 2, 1})), "4D");

    add("zero spacing", format.write(with_spacing(0)),
        format.nrrd ? "axis 1 spacing (0) invalid" : "spacing along y is 0");
    add("negative spacing", format.write(with_spacing(-0.75)), "spacing along y is -0.75");
    add("NaN spacing", format.write(with_spacing(std::nan(""))),
        format.nifti || format.nrrd ? "spacing along y is nan" : "ElementSpacing holds 'nan'");
    add("skewed direction", format.write(with_direction({1, 0.6, 0, 0, 0.8, 0, 0, 0, 1})),
        "orthonormal");
    add("singular direction", format.write(with_direction({1, 1, 0, 0, 0, 0, 0, 0, 1})),
        "direction");

    const double nan = std::nan("");
    add("a NaN in the direction", format.write(with_direction({1, nan, 0, 0, 1, 0, 0, 0, 1})),
        format.nifti  ? "the sform (srow_x/y/z) holds a value that is not finite"
        : format.nrrd ? "space vector coefficients must be consistent"
                      : "TransformMatrix holds 'nan'");
    add("a zero direction column", format.write(with_direction({1, 0, 0, 0, 0, 0, 0, 0, 1})),
        format.nifti  ? "the sform's column 1 (srow_x/y/z[1]) has length 0 mm"
        : format.nrrd ? "spacing along y"
                      : "direction column 1 has length 0");
    VolumeFileSpec far = with_direction({1, 0, 0, 0, 1, 0, 0, 0, 1});
    far.origin = {0, 3e12, 0};
    add("an origin 3e12 mm away", format.write(far),
        format.nifti ? "the origin in srow_x/y/z[3] is 3e+12 mm" : "origin y is 3e+12 mm");
    if (format.nifti) {
        add("a quaternion longer than 1",
            with_header(format, plain,
                        [](std::string header) {
                            const int16_t qform_code = 1;
                            const float b = 2.0f;
                            header.replace(252, 2, reinterpret_cast<const char*>(&qform_code), 2);
                            return header.replace(256, 4, reinterpret_cast<const char*>(&b), 4);
                        }),
            "is longer than 1, expected the vector part of a unit quaternion");
    }
    if (!format.nifti && !format.nrrd) {
        // The header's last line has no newline: nothing can follow it.
        VolumeFileSpec beyond = with_sizes({1000, 1000, 1000}, plain.spacing);
        std::vector<CorpusFile> files = format.write(beyond);
        files[0].bytes = meta_header(beyond, format.detached ? "missing.raw" : "LOCAL");
        files[0].bytes.pop_back();
        files.resize(1);
        add("no newline after ElementDataFile", files,
            format.detached ? "missing.raw is missing" : "truncated: the header describes");
    }
    if (format.detached) {
        add("an empty data file name",
            with_header(format, plain,
                        [&](std::string header) {
                            const std::string key =
                                format.nrrd ? "data file: " : "ElementDataFile = ";
                            return header.substr(0, header.find(key)) + key + "\n";
                        }),
            format.nrrd ? "the header field 'data file' is empty"
                        : "the header field ElementDataFile is empty");
        add("a data file pattern naming two billion files",
            with_header(format, plain,
                        [&](std::string header) {
                            const std::string key =
                                format.nrrd ? "data file: " : "ElementDataFile = ";
                            return header.substr(0, header.find(key)) + key +
                                   "slice%03d.raw 1 2000000000 1\n";
                        }),
            "holds 'slice%03d.raw 1 2000000000 1', expected a file pattern");
    }
    if (!format.nifti && !format.nrrd) {
        add("NDims below 1",
            with_header(
                format, plain,
                [](std::string header) { return replaced(header, "NDims = 3", "NDims = -1"); }),
            "NDims holds -1, expected 1 to 10");
        add("a data file pattern with step 0",
            with_header(format, plain,
                        [](std::string header) {
                            const auto at = header.find("ElementDataFile = ");
                            return header.substr(0, at) + "ElementDataFile = slice%03d.raw 1 3 0\n";
                        }),
            "ElementDataFile holds 'slice%03d.raw 1 3 0', expected a file pattern");
        add("a data file pattern with a string conversion",
            with_header(format, plain,
                        [](std::string header) {
                            const auto at = header.find("ElementDataFile = ");
                            return header.substr(0, at) + "ElementDataFile = slice%s.raw 1 3 1\n";
                        }),
            "ElementDataFile holds 'slice%s.raw 1 3 1', expected a file pattern");
        add("a data file pattern of 0 slice dimensions",
            with_header(format, plain,
                        [](std::string header) {
                            const auto at = header.find("ElementDataFile = ");
                            return header.substr(0, at) +
                                   "ElementDataFile = slice%03d.raw 1 3 1 0\n";
                        }),
            "ElementDataFile holds 'slice%03d.raw 1 3 1 0', expected a file pattern");
        add("NDims twice",
            with_header(format, plain,
                        [](std::string h) {
                            return replaced(h, "BinaryData = True", "NDims = 2\nBinaryData = True");
                        }),
            "the header field NDims appears twice");
        add("DimSize before NDims",
            with_header(format, plain,
                        [](std::string h) {
                            return "DimSize = 5 4 3\n" + replaced(h, "DimSize = 5 4 3\n", "");
                        }),
            "the header field DimSize comes before NDims");
        add("too few sizes",
            with_header(
                format, plain,
                [](std::string h) { return replaced(h, "DimSize = 5 4 3", "DimSize = 5 4"); }),
            "the header field DimSize holds 2 values, expected 3 for NDims = 3");
        add("a data file name that starts with LIST",
            with_header(format, plain,
                        [](std::string header) {
                            const auto at = header.find("ElementDataFile = ");
                            return header.substr(0, at) + "ElementDataFile = LISTING.raw\n";
                        }),
            "ElementDataFile holds 'LISTING.raw', expected LIST or LIST followed by");
        add("a flag that is neither True nor False",
            with_header(format, plain,
                        [](std::string h) {
                            return replaced(h, "CompressedData = False", "CompressedData = Tz");
                        }),
            "CompressedData holds 'Tz', expected True or False");
        add("compressed data of no stated size",
            with_header(format, plain,
                        [](std::string h) {
                            return replaced(h, "CompressedData = False", "CompressedData = True");
                        }),
            "CompressedData = True but gives no CompressedDataSize");
        add("a negative compressed size",
            with_header(format, plain,
                        [](std::string h) {
                            return replaced(h, "CompressedData = False",
                                            "CompressedData = True\nCompressedDataSize = -5");
                        }),
            "CompressedDataSize holds -5, expected 1 or more");
        add("a value of 255 characters",
            with_header(format, plain,
                        [](std::string h) { return "Name = " + std::string(255, 'n') + "\n" + h; }),
            "the header field Name holds 256 characters, expected at most 200");
        add("a key of 255 characters",
            with_header(format, plain,
                        [](std::string h) { return std::string(255, 'K') + " = 1\n" + h; }),
            "has a key of 255 characters, expected a MetaImage field name of at most 64");
        // MetaIO takes the value of a key without '=' from the next '=' further down.
        add("a key without a value",
            with_header(format, plain,
                        [](std::string header) {
                            return replaced(header, "NDims = 3", "NDims\nNDims = 3");
                        }),
            "header line 2 ('NDims') is not a 'Key = Value' line");
    }

    add("a NaN voxel", format.write(with_voxel(17, std::numeric_limits<float>::quiet_NaN())),
        "1 voxel is not finite");
    add("an infinite voxel", format.write(with_voxel(59, -std::numeric_limits<float>::infinity())),
        "1 voxel is not finite");
    add("complex voxels", format.write(with_pixel(FilePixel::Complex, sizeof(float))),
        "2 values per voxel");
    add("RGB voxels", format.write(with_pixel(FilePixel::Rgb, 1)), "3 values per voxel");

    std::vector<CorpusFile> empty = format.write(plain);
    empty[0].bytes.clear();
    add("an empty file", empty, "is empty");
    add("another format inside", other_format(format), "holds");
    if (format.extension != ".nii") {
        add("damaged compressed data", corrupt_compressed(format), "compressed data is damaged");
    }
    if (format.detached) {
        std::vector<CorpusFile> header_only = format.write(plain);
        header_only.pop_back();
        add("data file missing", header_only, format.nrrd ? "couldn't open" : "is missing");
    }
    add("no such file", {}, "no such file");

    // Files that are not regular files, as the volume or as its data file.
    const std::string main = "v" + format.extension;
    add("the file is a named pipe", {{main, "", FileKind::Fifo}},
        "is a named pipe (FIFO), expected a regular file");
    add("the file is /dev/zero", {{main, "", FileKind::DevZero}},
        "is a character device, expected a regular file");
    if (format.detached) {
        const char* const kinds[] = {"a named pipe (FIFO)", "a folder", "a character device"};
        const FileKind special[] = {FileKind::Fifo, FileKind::Folder, FileKind::DevZero};
        const char* const labels[] = {"the data file is a named pipe", "the data file is a folder",
                                      "the data file is /dev/zero"};
        for (int i = 0; i < 3; ++i) {
            std::vector<CorpusFile> files = format.write(plain);
            files[1] = {kData, "", special[i]};
            add(labels[i], files,
                std::string("its data file ") + "DIR/" + kData + " is " + kinds[i] +
                    ", expected a regular file");
        }
    }
    if (format.nrrd) {
        // NrrdIO reads "none" and a vector of NaN alike; ITK then made up a 1 mm spacing.
        for (const std::string& axis : {std::string("(nan,nan,nan)"), std::string("none")}) {
            add("space direction " + axis,
                with_header(format, with_direction({1, 0, 0, 0, 1, 0, 0, 0, 1}),
                            [&](std::string h) { return replaced(h, "(0,0.75,0)", axis); }),
                "the space direction of axis y is none or not finite in the header ('space "
                "directions')");
        }
    }
    if (!format.nifti && !format.nrrd) {
        // Text values (BinaryData = False): MetaIO read too few without a word.
        VolumeFileSpec text;
        std::string values;
        for (int i = 0; i < 59; ++i)
            values += std::to_string(i) + " ";
        auto as_text = [&](const std::string& payload) {
            std::vector<CorpusFile> files = format.write(text);
            files[0].bytes =
                replaced(files[0].bytes.substr(0, files[0].bytes.size() -
                                                      (format.detached ? 0 : text.payload.size())),
                         "BinaryData = True", "BinaryData = False") +
                (format.detached ? "" : payload);
            if (format.detached) files[1].bytes = payload;
            return files;
        };
        add("text values, one too few", as_text(values),
            "the file is truncated: the header describes 60 values as text (BinaryData = False), "
            "59 are present");
        add("text values that are not numbers", as_text(values + "sixty"),
            "text value 60 is 'sixty', expected a number");
    }
    return cases;
}

// Each case with the name of the file to read: the formats' cases, then the fuzz findings.
const std::vector<std::pair<std::string, BadCase>>& corpus() {
    static const auto all = [] {
        std::vector<std::pair<std::string, BadCase>> list;
        for (const Format& format : formats()) {
            for (BadCase& c : cases_for(format))
                list.emplace_back("v" + format.extension, std::move(c));
        }
        int n = 0;
        for (const FuzzFinding& f : fuzz_findings()) {
            list.emplace_back(f.file_name, BadCase{"fuzz finding " + std::to_string(++n),
                                                   {{f.file_name, f.bytes}},
                                                   f.problem});
        }
        return list;
    }();
    return all;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void write_corpus_file(const std::string& path, const CorpusFile& file) {
    switch (file.kind) {
        case FileKind::Bytes:
            return write_file(path, file.bytes);
        case FileKind::Fifo:
            ::mkfifo(path.c_str(), 0600);
            return;
        case FileKind::Folder:
            std::filesystem::create_directory(path);
            return;
        case FileKind::DevZero:
            std::filesystem::create_symlink("/dev/zero", path);
            return;
    }
}

// Runs `read` on a thread of its own and waits at most `seconds`: a reader blocked on a named
// pipe is released by opening the pipes' write ends (the reader then sees the end of the file),
// and the test fails instead of hanging.
QString message_within(const std::function<QString()>& read, const std::vector<std::string>& pipes,
                       int seconds, bool& blocked) {
    auto result = std::async(std::launch::async, read);
    blocked = result.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready;
    while (blocked && result.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        for (const std::string& pipe : pipes) {
            const int fd = ::open(pipe.c_str(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0) ::close(fd);
        }
    }
    return result.get();
}

// Caps this process's address space at what it uses now plus `headroom` for as long as it
// lives, so that an attempt to allocate a volume a damaged header describes fails at once
// (bad_alloc, a null malloc) instead of succeeding lazily and going unseen.
class AddressSpaceCap {
  public:
    explicit AddressSpaceCap(std::uintmax_t headroom) {
        getrlimit(RLIMIT_AS, &saved_);
        std::ifstream statm("/proc/self/statm");
        std::uintmax_t pages = 0;
        statm >> pages;
        rlimit capped = saved_;
        capped.rlim_cur = static_cast<rlim_t>(pages * sysconf(_SC_PAGE_SIZE) + headroom);
        active_ =
            pages > 0 && capped.rlim_cur < saved_.rlim_max && setrlimit(RLIMIT_AS, &capped) == 0;
    }
    ~AddressSpaceCap() {
        if (active_) setrlimit(RLIMIT_AS, &saved_);
    }
    bool active() const { return active_; }
    AddressSpaceCap(const AddressSpaceCap&) = delete;
    AddressSpaceCap& operator=(const AddressSpaceCap&) = delete;

  private:
    rlimit saved_{};
    bool active_ = false;
};

}  // namespace

class TestBadInputVolume : public QObject {
    Q_OBJECT

  private slots:
    // The guard every case runs under turns a 2 GiB allocation into a failure.
    void addressSpaceCapRefusesLargeAllocations() {
        const AddressSpaceCap cap(std::uintmax_t(1) << 30);
        QVERIFY(cap.active());
        const std::size_t bytes = std::size_t(2) << 30;
        QVERIFY_THROWS_EXCEPTION(std::bad_alloc, {
            std::unique_ptr<char[]> block(new char[bytes]);
            block[bytes - 1] = 1;
            volatile char touched = block[bytes - 1];
            (void)touched;
        });
    }

    // The corpus is only as good as its writers: undamaged, each format must read back.
    void validFilesRead_data() {
        QTest::addColumn<int>("format");
        const auto all = formats();
        for (int i = 0; i < static_cast<int>(all.size()); ++i)
            QTest::newRow(all[i].extension.c_str()) << i;
    }

    void validFilesRead() {
        QFETCH(int, format);
        const Format f = formats()[static_cast<std::size_t>(format)];
        QTemporaryDir dir;
        for (const CorpusFile& file : f.write(VolumeFileSpec{}))
            write_file(dir.filePath(QString::fromStdString(file.name)).toStdString(), file.bytes);
        const std::string path =
            dir.filePath(QString::fromStdString("v" + f.extension)).toStdString();
        const recon::Volume v = recon::read_volume(path);
        QCOMPARE(v.grid.size, (std::array<int64_t, 3>{5, 4, 3}));
        QCOMPARE(v.voxels[59], 290.0f);
        QCOMPARE(std::fabs(v.grid.spacing[1]), 0.75);
    }

    // A relative path with a folder in it names the same file as its absolute path: the payload
    // of a MetaImage holding its own data is measured in that file (it was looked for in
    // FOLDER/FOLDER/NAME, not found, and a cut file loaded).
    void cutLocalMetaImageByRelativePathIsRefused() {
        Format mha;
        for (const Format& f : formats())
            if (f.extension == ".mha") mha = f;
        QCOMPARE(mha.extension, std::string(".mha"));
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir("sub"));
        for (const CorpusFile& file : mha.write(VolumeFileSpec{})) {
            std::string bytes = file.bytes;
            bytes.resize(bytes.size() - 40);  // the last ten float voxels
            write_file(dir.filePath(QString::fromStdString("sub/" + file.name)).toStdString(),
                       bytes);
        }
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        const QString message = invalid_argument_message([] { recon::read_volume("sub/v.mha"); });
        QDir::setCurrent(before);
        QVERIFY2(message.contains("truncated"), qPrintable(message));
    }

    void badFileGivesOneLine_data() {
        QTest::addColumn<int>("index");
        const auto& all = corpus();
        for (int i = 0; i < static_cast<int>(all.size()); ++i) {
            const std::string row = all[i].first + ": " + all[i].second.label;
            QTest::newRow(row.c_str()) << i;
        }
    }

    void badFileGivesOneLine() {
        QFETCH(int, index);
        const BadCase& bad = corpus()[static_cast<std::size_t>(index)].second;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::vector<std::string> pipes;
        for (const CorpusFile& file : bad.files) {
            const std::string name = dir.filePath(QString::fromStdString(file.name)).toStdString();
            write_corpus_file(name, file);
            if (file.kind == FileKind::Fifo) pipes.push_back(name);
        }
        const std::string path =
            dir.filePath(QString::fromStdString(corpus()[static_cast<std::size_t>(index)].first))
                .toStdString();
        // The data file is named in the message by its path in this folder.
        std::string problem = bad.problem;
        const auto dir_at = problem.find("DIR/");
        if (dir_at != std::string::npos) {
            problem.replace(dir_at, 3, dir.path().toStdString());
        }

        QString message;
        QElapsedTimer timer;
        timer.start();
        bool blocked = false;
        {
            const AddressSpaceCap cap(std::uintmax_t(1) << 30);
            QVERIFY(cap.active());
            try {
                message = message_within(
                    [&] { return invalid_argument_message([&] { recon::read_volume(path); }); },
                    pipes, 5, blocked);
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("not an InvalidArgument: ") + e.what()));
            }
        }
        const qint64 ms = timer.elapsed();
        QVERIFY2(!blocked, "the read blocked on a named pipe");
        QVERIFY2(!message.isEmpty(), "read without an error");
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(problem)), qPrintable(message));
        QVERIFY2(!message.contains('\n') && !message.contains('\r'), qPrintable(message));
        // A guard against hangs, not a speed measurement: every case takes milliseconds, and the
        // margin absorbs a loaded machine.
        QVERIFY2(ms < 2000, qPrintable(QString("%1 ms").arg(ms)));
        qInfo("%s", qPrintable(message));
    }
};

RADON_TEST_CLASS(TestBadInputVolume);
#include "test_bad_input_volume.moc"
