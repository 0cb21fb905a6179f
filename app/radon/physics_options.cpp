#include "app/radon/physics_options.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/volume_io.h"

namespace radon::cli {
namespace {

// Runs `parse` and puts `option` in front of the message of any InvalidArgument it throws.
template <class F>
auto for_option(const std::string& option, F parse) {
    try {
        return parse();
    } catch (const InvalidArgument& e) {
        throw InvalidArgument(option + ": " + e.what());
    }
}

std::vector<uint16_t> parse_label_list(const std::string& text, const std::string& option) {
    std::string spaced = text;
    std::replace(spaced.begin(), spaced.end(), ',', ' ');
    std::istringstream in(spaced);
    std::vector<uint16_t> labels;
    std::string token;
    while (in >> token) {
        const int64_t v = parse_integer(token, option);
        if (v < 0 || v > 65535) {
            throw InvalidArgument(option + ": " + token + " is not a label in [0, 65535]");
        }
        if (std::find(labels.begin(), labels.end(), v) != labels.end()) {
            throw InvalidArgument(option + ": label " + token + " is listed twice");
        }
        labels.push_back(static_cast<uint16_t>(v));
    }
    if (labels.empty()) {
        throw InvalidArgument(option + ": expected comma-separated labels, e.g. 1,3");
    }
    return labels;
}

}  // namespace

const std::vector<std::string>& attenuation_options() {
    static const std::vector<std::string> options = {"--attenuation", "--energy", "--mu-water",
                                                     "--air-threshold", "--bone-multiplier"};
    return options;
}

AttenuationSpec attenuation_from_arguments(const Arguments& args) {
    AttenuationSpec spec;
    spec.kind = for_option("--attenuation", [&] {
        return parse_attenuation_kind(args.text("--attenuation", "water"));
    });
    if (args.has("--energy")) spec.energy_kev = args.number("--energy", 0);
    if (args.has("--mu-water")) spec.mu_water = args.number("--mu-water", 0);
    if (args.has("--air-threshold")) spec.air_threshold_hu = args.number("--air-threshold", 0);
    if (args.has("--bone-multiplier")) spec.bone_multiplier = args.number("--bone-multiplier", 1);
    AttenuationFieldNames names;
    names.kind = "--attenuation";
    names.energy = "--energy";
    names.mu_water = "--mu-water";
    names.air_threshold = "--air-threshold";
    names.bone_multiplier = "--bone-multiplier";
    validate(spec, names);
    return spec;
}

const std::vector<std::string>& output_options() {
    static const std::vector<std::string> options = {"--output-kind", "--i0", "--png-bits"};
    return options;
}

const std::vector<std::string>& output_flags() {
    static const std::vector<std::string> flags = {"--invert"};
    return flags;
}

DrrOutput output_from_arguments(const Arguments& args, DrrReduction reduction) {
    DrrOutput output;
    output.kind = for_option("--output-kind", [&] {
        return parse_drr_output_kind(args.text("--output-kind", "line-integral"));
    });
    if (args.has("--i0")) {
        if (output.kind == DrrOutputKind::LineIntegral) {
            throw InvalidArgument(
                "--i0 applies to --output-kind transmission or log, not to the line integral");
        }
        output.i0 = static_cast<float>(args.number("--i0", 1));
    }
    output.invert = args.flag("--invert") ? 1 : 0;
    DrrOutputFieldNames names;
    names.kind = "--output-kind";
    names.i0 = "--i0";
    names.reduction = "--mode";
    validate(output, reduction, names);
    return output;
}

int png_bits_from_arguments(const Arguments& args, bool writes_png) {
    if (!args.has("--png-bits")) return 8;
    const int64_t bits = args.integer("--png-bits", 8);
    if (bits != 8 && bits != 16) {
        throw InvalidArgument("--png-bits: " + std::to_string(bits) + ", expected 8 or 16");
    }
    if (!writes_png) throw InvalidArgument("--png-bits applies to .png outputs, and none is given");
    return static_cast<int>(bits);
}

const std::vector<std::string>& label_options() {
    static const std::vector<std::string> options = {"--labels", "--label-subset"};
    return options;
}

const std::vector<std::string>& label_flags() {
    static const std::vector<std::string> flags = {"--label-channels"};
    return flags;
}

LabelRequest label_request_from_arguments(const Arguments& args) {
    LabelRequest request;
    request.channels = args.flag("--label-channels");
    if (args.has("--label-subset")) {
        request.subset = parse_label_list(*args.value("--label-subset"), "--label-subset");
    }
    if (!args.has("--labels")) {
        if (request.channels || !request.subset.empty()) {
            throw InvalidArgument(
                std::string(request.channels ? "--label-channels" : "--label-subset") +
                " needs a label map: add --labels FILE");
        }
        return request;
    }
    request.file = *args.value("--labels");
    if (!request.channels && request.subset.empty()) {
        throw InvalidArgument("--labels " + request.file +
                              ": say what to render with it: --label-channels (one channel per "
                              "label) and/or --label-subset 1,3,...");
    }
    std::error_code ec;
    const auto status = std::filesystem::status(request.file, ec);
    if (!std::filesystem::exists(status)) {
        throw InvalidArgument("--labels: " + request.file + ": no such file");
    }
    if (std::filesystem::is_directory(status)) {
        throw InvalidArgument("--labels: " + request.file +
                              ": is a folder, expected a label map file (.nii, .nii.gz, .nrrd, "
                              ".mha)");
    }
    const std::string extension = recon::file_extension(request.file);
    if (!recon::is_readable_volume_extension(extension)) {
        throw InvalidArgument("--labels: " + request.file + ": '" + extension +
                              "' is not a volume format (expected .nii, .nii.gz, .nrrd, .nhdr, "
                              ".mha or .mhd)");
    }
    return request;
}

}  // namespace radon::cli
