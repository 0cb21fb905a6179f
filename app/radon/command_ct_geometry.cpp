// radon ct geometry: makes circular and C-arm trajectories, reads and writes radon's JSON, RTK's
// XML, ASTRA-style view vectors and projection matrices, and prints what the geometry is.

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <tuple>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "app/radon/pose_file.h"
#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "recon/ct/ct_geometry_files.h"
#include "recon/io/atomic_file.h"

namespace radon::cli {
namespace {

const char* kUsage =
    R"(usage: radon ct geometry [TRAJECTORY | --carm | --poses FILE | --in FILE] [-o FILE ...]

Makes a CT geometry, or reads one, prints what it is and writes it in any of the formats below.
Frames, angles and the RTK and ASTRA conventions: docs/CONVENTIONS.md, "CT".

Circular trajectory (the default), about the patient's S-I axis (world z) through --isocenter,
angles as the C-arm's primary angle (0: source posterior, detector anterior; LAO positive):
  --beam cone|parallel       (cone)
  --views N                  number of views (360)
  --arc DEG                  angular range, views arc/N apart (360)
  --first-angle DEG          angle of view 0 (0)
  --sid MM  --sdd MM         source to isocenter and to detector (600, 1200); SDD > SID
  --detector COLSxROWS       panel size in pixels (256x256); ROWS 1 makes a 2D fan or parallel scan
  --pixel U[,V]              pixel pitch along a row and down a column, mm (1, V = U)
  --source-offset U,V        focal spot offset in the rotating frame, mm (RTK's SourceOffsetX/Y)
  --detector-offset U,V      panel offset in the rotating frame, mm (RTK's ProjectionOffsetX/Y)
  --isocenter X,Y,Z          world LPS mm (0,0,0)

C-arm sweep (--carm): the primary angles of --views, --arc and --first-angle at one
  --secondary DEG, --roll DEG, with --sid (SAD), --sdd, --detector, --pixel, --principal U,V
  (the principal point's offset from the panel centre, mm) and --isocenter.
Poses (--poses FILE): one view per `radon drr` pose of a CSV or JSON file, as radon drr-batch reads
  it (see radon drr-batch --help); --sid and --sdd for poses without sad or sdd; the detector of
  --detector, --pixel and --principal; --isocenter stands for the volume centre.

Reading (--in FILE): by extension .json (radon), .xml (RTK), .txt/.vec/.csv (ASTRA vector rows), or
  --in-format json|rtk|vectors|matrices. What a file does not hold comes from --detector, --pixel
  (RTK: the projection images' spacing; matrices: the pitch a cone-beam matrix cannot carry),
  --beam (vectors and matrices; cone by default) and --detector-origin U,V (RTK: the projection
  images' origin, centred by default).

Writing (-o FILE, several allowed): by extension as above, or --format json|rtk|vectors|matrices
  for every output. --detector-origin U,V sets the origin written into RTK's XML. All outputs are
  replaced together, or none is.
)";

const std::vector<std::string> kTrajectoryOptions = {
    "--beam",      "--views",     "--arc",   "--first-angle",   "--sid",
    "--sdd",       "--detector",  "--pixel", "--source-offset", "--detector-offset",
    "--isocenter", "--secondary", "--roll",  "--principal"};

std::string text(double v) {
    std::ostringstream s;
    s.precision(6);
    s << (v == 0 ? 0.0 : v);
    return s.str();
}

std::string vec_text(Vec3 v) {
    return "(" + text(v.x) + ", " + text(v.y) + ", " + text(v.z) + ")";
}

// "COLSxROWS".
std::pair<int64_t, int64_t> parse_panel(const std::string& value) {
    long long columns = 0, rows = 0;
    char tail = 0;
    if (std::sscanf(value.c_str(), "%lldx%lld%c", &columns, &rows, &tail) != 2 || columns < 1 ||
        rows < 1 || columns > 1000000 || rows > 1000000) {
        throw InvalidArgument("--detector: '" + value +
                              "', expected COLUMNSxROWS of 1 to 1000000 each, such as 256x192");
    }
    return {columns, rows};
}

// "U" or "U,V", each finite and > 0.
std::pair<double, double> parse_pixel(const Arguments& args) {
    const std::string value = *args.value("--pixel");
    const bool two = value.find(',') != std::string::npos;
    const std::vector<double> v = parse_numbers(value, two ? 2 : 1, "--pixel");
    for (double x : v)
        if (!(x > 0) || !std::isfinite(x) || x > 1e4)
            throw InvalidArgument("--pixel: " + text(x) +
                                  " mm, expected more than 0 and at most 10000");
    return {v[0], two ? v[1] : v[0]};
}

void refuse(const Arguments& args, const std::vector<std::string>& options,
            const std::string& why) {
    for (const std::string& o : options)
        if (args.has(o)) throw InvalidArgument(o + " does not apply " + why);
}

const Range kDistance{0, 1e6, true, "", "mm"};
const Range kAngle{-1e6, 1e6, false, "", "degrees"};
const Range kOffset{-1e6, 1e6, false, "", "mm"};

Vec3 vec_of(const Arguments& args, const char* name, Vec3 fallback) {
    if (!args.has(name)) return fallback;
    const std::vector<double> v = args.numbers_in(name, 3, kOffset);
    return {v[0], v[1], v[2]};
}

std::pair<double, double> pair_of(const Arguments& args, const char* name) {
    if (!args.has(name)) return {0, 0};
    const std::vector<double> v = args.numbers_in(name, 2, kOffset);
    return {v[0], v[1]};
}

std::vector<double> angles_of(const Arguments& args) {
    const int64_t views = args.integer_in("--views", 360, {1, 1e7, false, "number of views", ""});
    const double arc = args.number_in("--arc", 360, kAngle);
    const double first = args.number_in("--first-angle", 0, kAngle);
    return evenly_spaced_angles(views, first, arc);
}

CtGeometry circular(const Arguments& args) {
    refuse(args, {"--secondary", "--roll", "--principal"}, "to a circular trajectory (use --carm)");
    CircularTrajectory t;
    t.beam = parse_ct_beam(args.text("--beam", "cone"));
    t.angles_deg = angles_of(args);
    if (t.beam == CtBeam::Parallel)
        refuse(args, {"--sid", "--sdd", "--source-offset"}, "to a parallel beam");
    t.source_isocenter_mm = args.number_in("--sid", 600, kDistance);
    t.source_detector_mm = args.number_in("--sdd", 1200, kDistance);
    std::tie(t.columns, t.rows) = parse_panel(args.text("--detector", "256x256"));
    if (args.has("--pixel")) std::tie(t.pixel_u_mm, t.pixel_v_mm) = parse_pixel(args);
    std::tie(t.source_offset_u_mm, t.source_offset_v_mm) = pair_of(args, "--source-offset");
    std::tie(t.detector_offset_u_mm, t.detector_offset_v_mm) = pair_of(args, "--detector-offset");
    t.isocenter = vec_of(args, "--isocenter", {0, 0, 0});
    return circular_geometry(t);
}

Detector detector_of(const Arguments& args) {
    Detector d;
    std::tie(d.width, d.height) = parse_panel(args.text("--detector", "256x256"));
    d.delx = d.dely = 1;
    if (args.has("--pixel")) std::tie(d.delx, d.dely) = parse_pixel(args);
    std::tie(d.principal_u, d.principal_v) = pair_of(args, "--principal");
    return d;
}

CtGeometry carm_sweep(const Arguments& args) {
    refuse(args, {"--beam", "--source-offset", "--detector-offset"},
           "to a C-arm sweep (a cone beam; use --principal for the panel)");
    std::vector<CArmPose> poses;
    for (double a : angles_of(args)) {
        CArmPose p;
        p.primary_deg = a;
        p.secondary_deg = args.number_in("--secondary", 0, kAngle);
        p.roll_deg = args.number_in("--roll", 0, kAngle);
        p.sad = args.number_in("--sid", 600, kDistance);
        p.sdd = args.number_in("--sdd", 1200, kDistance);
        poses.push_back(p);
    }
    return carm_sweep_geometry(poses, detector_of(args), vec_of(args, "--isocenter", {0, 0, 0}));
}

CtGeometry from_poses(const Arguments& args, const std::string& path) {
    refuse(args,
           {"--beam", "--views", "--arc", "--first-angle", "--secondary", "--roll",
            "--source-offset", "--detector-offset"},
           "to a poses file (each pose gives its own angles)");
    const Vec3 isocenter = vec_of(args, "--isocenter", {0, 0, 0});
    const Detector detector = detector_of(args);
    detector.validate();
    // The poses' own --sad and --sdd fall back to --sid and --sdd here.
    std::vector<std::string> distances;
    if (args.has("--sid")) distances = {"--sad", *args.value("--sid")};
    if (args.has("--sdd")) {
        distances.push_back("--sdd");
        distances.push_back(*args.value("--sdd"));
    }
    const Arguments fallback(distances, {"--sad", "--sdd"}, {});
    const std::vector<PoseEntry> entries = read_poses(path, [](std::size_t) {});
    std::vector<ProjectionGeometry> projections;
    for (const PoseEntry& entry : entries)
        projections.push_back(pose_projection(entry_pose(entry, fallback, isocenter), detector));
    return cone_geometry(projections, path);
}

CtGeometry from_file(const Arguments& args, const std::string& path) {
    refuse(args,
           {"--views", "--arc", "--first-angle", "--sid", "--sdd", "--source-offset",
            "--detector-offset", "--isocenter", "--secondary", "--roll", "--principal"},
           "when reading a geometry (--in)");
    const recon::CtGeometryFormat format =
        args.has("--in-format") ? recon::parse_ct_geometry_format(*args.value("--in-format"))
                                : recon::ct_geometry_format_of(path);
    recon::CtGeometryHints hints;
    if (args.has("--beam")) hints.beam = parse_ct_beam(*args.value("--beam"));
    if (args.has("--detector")) {
        const auto [columns, rows] = parse_panel(*args.value("--detector"));
        hints.columns = columns;
        hints.rows = rows;
    }
    if (args.has("--pixel")) {
        const auto [u, v] = parse_pixel(args);
        hints.pixel_u_mm = u;
        hints.pixel_v_mm = v;
    }
    if (args.has("--detector-origin")) {
        const auto [u, v] = pair_of(args, "--detector-origin");
        hints.origin_u_mm = u;
        hints.origin_v_mm = v;
    }
    return recon::read_ct_geometry(path, format, hints);
}

struct Output {
    std::string path;
    recon::CtGeometryFormat format;
};

std::vector<Output> outputs_of(const Arguments& args) {
    std::vector<Output> outputs;
    std::vector<std::string> paths = output_paths(args);
    for (const std::string& p : args.values("--out"))
        paths.push_back(p);
    for (const std::string& path : paths) {
        Output o{path, args.has("--format")
                           ? recon::parse_ct_geometry_format(*args.value("--format"))
                           : recon::ct_geometry_format_of(path)};
        const auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty() && !std::filesystem::is_directory(parent))
            throw InvalidArgument(path + ": output folder " + parent.string() + " does not exist");
        if (std::filesystem::is_directory(path))
            throw InvalidArgument(path + ": is a folder, expected an output file name");
        outputs.push_back(o);
    }
    if (args.has("--format") && outputs.empty())
        throw InvalidArgument("--format names the format of -o FILE, and none is given");
    return outputs;
}

void print_summary(const CtGeometry& g, const std::string& origin) {
    const CtView& w = g.views.front();
    std::printf("%s: %s beam, %lld views, panel %lld x %lld pixels of %s x %s mm%s\n",
                origin.c_str(), to_string(g.beam), static_cast<long long>(g.view_count()),
                static_cast<long long>(g.columns), static_cast<long long>(g.rows),
                text(norm(w.u)).c_str(), text(norm(w.v)).c_str(),
                g.rows == 1 ? (g.beam == CtBeam::Cone ? " (2D fan)" : " (2D parallel)") : "");
    const Vec3 n = normalized(cross(w.u, w.v));
    if (g.beam == CtBeam::Cone) {
        std::printf("view 0: source %s mm, detector centre %s mm, source to detector %s mm\n",
                    vec_text(w.source).c_str(), vec_text(w.detector_center).c_str(),
                    text(std::fabs(dot(w.source - w.detector_center, n))).c_str());
    } else {
        std::printf("view 0: rays along %s, detector centre %s mm\n",
                    vec_text(normalized(w.source)).c_str(), vec_text(w.detector_center).c_str());
    }
}

}  // namespace

int run_ct_geometry(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = kTrajectoryOptions;
    for (const char* o : {"--poses", "--in", "--in-format", "--format", "-o", "--out", "--output",
                          "--detector-origin"})
        value_options.push_back(o);
    const Arguments args(raw, value_options, {"--carm", "--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    if (!args.positional().empty())
        throw InvalidArgument("unexpected argument '" + args.positional()[0] +
                              "': read a file with --in FILE, write one with -o FILE");
    int sources = 0;
    for (const char* o : {"--carm", "--poses", "--in"})
        sources += args.has(o) ? 1 : 0;
    if (sources > 1) throw InvalidArgument("give one of --carm, --poses and --in");
    if (args.has("--in-format") && !args.has("--in"))
        throw InvalidArgument("--in-format names the format of --in FILE, and none is given");

    // Every output is checked before the geometry is made or read.
    const std::vector<Output> outputs = outputs_of(args);

    CtGeometry g;
    std::string origin;
    if (args.has("--in")) {
        origin = *args.value("--in");
        g = from_file(args, origin);
    } else if (args.has("--poses")) {
        origin = *args.value("--poses");
        g = from_poses(args, origin);
    } else if (args.flag("--carm")) {
        origin = "C-arm sweep";
        g = carm_sweep(args);
    } else {
        origin = "circular trajectory";
        g = circular(args);
    }
    print_summary(g, origin);

    recon::CtGeometryHints written;
    if (args.has("--detector-origin")) {
        const auto [u, v] = pair_of(args, "--detector-origin");
        written.origin_u_mm = u;
        written.origin_v_mm = v;
    }
    recon::AtomicFileSet files;
    for (const Output& o : outputs)
        recon::write_ct_geometry(files, g, o.path, o.format, written);
    files.commit();
    for (const Output& o : outputs)
        std::printf("wrote %s (%s)\n", o.path.c_str(), recon::to_string(o.format));
    return 0;
}

}  // namespace radon::cli
