#include "app/radon/ct_options.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/radon/render_options.h"
#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "recon/ct/circular_scan_setup.h"
#include "recon/ct/ct_geometry_files.h"
#include "recon/ct/projection_stack.h"
#include "recon/io/atomic_file.h"
#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"

namespace radon::cli {
namespace {

const Range kDistance{0, 1e5, true, "distance", "mm"};
const Range kPixel{0, 1e4, true, "detector pixel size", "mm"};
const Range kOffset{-1e5, 1e5, false, "offset", "mm"};
const Range kAngle{-1e5, 1e5, false, "angle", "degrees"};

std::string read_text(const std::string& path, const std::string& option) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidArgument(option + ": cannot read '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<int64_t> panel_option(const Arguments& args, CtBeam beam, bool one_row) {
    if (!args.has("--detector")) {
        if (one_row) return {256, 1};
        return {256, 256};
    }
    // COLS,ROWS or COLSxROWS (as radon ct geometry writes it).
    std::string text = *args.value("--detector");
    std::replace(text.begin(), text.end(), 'x', ',');
    const bool two = text.find_first_of(", ") != std::string::npos;
    const std::vector<double> n = parse_numbers(text, two ? 2 : 1, "--detector");
    const Range range{1, 65536, false, "detector pixels", ""};
    for (const double v : n) {
        if (!range.contains(v)) throw InvalidArgument(range.message("--detector", v));
        if (v != std::floor(v))
            throw InvalidArgument("--detector: expected whole numbers of pixels, got " + text);
    }
    const auto columns = static_cast<int64_t>(n[0]);
    if (two) return {columns, static_cast<int64_t>(n[1])};
    return {columns, one_row ? 1 : (beam == CtBeam::Cone ? columns : columns)};
}

// --beam parallel|fan|cone (recon/ct/circular_scan_setup.h): a parallel beam is 2D unless
// --detector gives rows.
recon::ScanBeam scan_beam_option(const Arguments& args, bool& one_row) {
    recon::ScanBeam beam = recon::ScanBeam::Cone;
    try {
        beam = recon::parse_scan_beam(args.text("--beam", "cone"));
    } catch (const InvalidArgument& e) {
        throw InvalidArgument(std::string("--beam: ") + e.what());
    }
    one_row = beam == recon::ScanBeam::Fan;
    if (beam == recon::ScanBeam::Parallel)
        one_row = args.has("--detector")
                      ? args.value("--detector")->find_first_of(", x") == std::string::npos
                      : true;
    return beam;
}

CtBeam beam_option(const Arguments& args, bool& one_row) {
    return recon::ct_beam(scan_beam_option(args, one_row));
}

// The record `radon drr-batch` writes beside a stack of DRRs: one DRR geometry per frame (source,
// first pixel centre, column and row steps), a cone-beam view each (the DRR-to-CBCT loop).
CtGeometry drr_batch_geometry(const std::string& text, const std::string& what) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        throw InvalidArgument(what + ": not valid JSON (" + e.what() + ")");
    }
    const nlohmann::json& frames = doc.at("frame_geometry");
    if (!frames.is_array())
        throw InvalidArgument(what + ": \"frame_geometry\": expected an array of frames");
    std::vector<ProjectionGeometry> projections;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const std::string where = what + ": \"frame_geometry\"[" + std::to_string(i) + "]";
        const nlohmann::json& f = frames[i];
        const auto vec = [&](const char* key) {
            if (!f.is_object() || !f.contains(key) || !f.at(key).is_array() ||
                f.at(key).size() != 3)
                throw InvalidArgument(where + ": \"" + key + "\": expected 3 numbers (mm)");
            Vec3 v;
            for (int k = 0; k < 3; ++k) {
                if (!f.at(key)[std::size_t(k)].is_number())
                    throw InvalidArgument(where + ": \"" + key + "\": expected finite numbers");
                v[k] = f.at(key)[std::size_t(k)].get<double>();
            }
            return v;
        };
        ProjectionGeometry g;
        g.source = vec("source");
        g.first_pixel = vec("first_pixel_center");
        g.column_step = vec("column_step");
        g.row_step = vec("row_step");
        try {
            g.width = f.at("image").at("width").get<int64_t>();
            g.height = f.at("image").at("height").get<int64_t>();
        } catch (const nlohmann::json::exception&) {
            throw InvalidArgument(where + ": \"image\": expected \"width\" and \"height\"");
        }
        projections.push_back(g);
    }
    return cone_geometry(projections, what);
}

double pixel_pitch(const Vec3& step) {
    return std::sqrt(dot(step, step));
}

}  // namespace

const std::vector<std::string>& ct_geometry_options() {
    static const std::vector<std::string> options = {
        "--geometry",    "--geometry-format", "--beam",          "--views",    "--arc",
        "--first-angle", "--angles",          "--sid",           "--sdd",      "--detector",
        "--pixel",       "--detector-offset", "--source-offset", "--isocenter"};
    return options;
}

const char* ct_geometry_help() {
    return R"(Geometry (docs/CONVENTIONS.md, "CT"):
  --geometry FILE             radon's geometry JSON (as written beside a stack), RTK's geometry
                              XML, an ASTRA-style vector file (.txt, .vec, .csv: one view a line,
                              12 numbers: source or ray direction, detector centre, u, v; mm), or
                              the record radon drr-batch writes beside its DRRs; what a file
                              lacks from --beam, --detector and --pixel
  --geometry-format F         json, rtk, vectors or matrices (3x4 projection matrices, one a
                              line), when the extension does not say
  or a circular scan about the S-I axis:
  --beam parallel|fan|cone    (default cone; parallel and fan are 2D unless --detector gives rows)
  --views N                   views (default 360), evenly over --arc
  --arc DEG                   (default 360; parallel 180)   --first-angle DEG (default 0)
  --angles A,B,...            the views' angles in degrees, instead of --views/--arc
  --sid MM, --sdd MM          source to isocenter, source to detector (default 600, 1200)
  --detector COLS[,ROWS]      panel pixels, also COLSxROWS (default 256 x 256; 2D: 256 x 1)
  --pixel U[,V]               pixel pitch in mm (default 1)
  --detector-offset U,V       panel centre offset in mm (RTK's ProjectionOffsetX/Y)
  --source-offset U,V         focal spot offset in mm (RTK's SourceOffsetX/Y)
  --isocenter X,Y,Z           the centre of rotation, LPS mm (default 0,0,0)
)";
}

CtGeometry ct_geometry_from_arguments(const Arguments& args, int64_t panel_columns,
                                      int64_t panel_rows) {
    if (args.has("--geometry")) {
        for (const char* circular :
             {"--views", "--arc", "--first-angle", "--angles", "--sid", "--sdd",
              "--detector-offset", "--source-offset", "--isocenter"})
            if (args.has(circular))
                throw InvalidArgument(std::string(circular) +
                                      ": the geometry comes from --geometry; give one of them");
        const std::string path = args.text("--geometry", "");
        const recon::CtGeometryFormat format =
            args.has("--geometry-format")
                ? recon::parse_ct_geometry_format(args.text("--geometry-format", ""))
                : recon::ct_geometry_format_of(path);
        if (format == recon::CtGeometryFormat::Json) {
            const std::string text = read_text(path, "--geometry");
            if (text.find("\"frame_geometry\"") != std::string::npos)
                return drr_batch_geometry(text, path);
        }
        // What the file may lack, from the command line or the stack's panel.
        recon::CtGeometryHints hints;
        if (args.has("--beam")) {
            bool one_row = false;
            hints.beam = beam_option(args, one_row);
        }
        if (args.has("--detector")) {
            bool one_row = false;
            const std::vector<int64_t> panel =
                panel_option(args, beam_option(args, one_row), one_row);
            hints.columns = panel[0];
            hints.rows = panel[1];
        } else if (panel_columns > 0) {
            hints.columns = panel_columns;
            hints.rows = panel_rows;
        }
        if (args.has("--pixel")) {
            const std::string text = *args.value("--pixel");
            const bool two = text.find_first_of(", ") != std::string::npos;
            const std::vector<double> p = args.numbers_in("--pixel", two ? 2 : 1, kPixel);
            hints.pixel_u_mm = p[0];
            hints.pixel_v_mm = two ? p[1] : p[0];
        }
        return recon::read_ct_geometry(path, format, hints);
    }
    bool one_row = false;
    const recon::ScanBeam scan_beam = scan_beam_option(args, one_row);
    CircularTrajectory t;
    t.beam = recon::ct_beam(scan_beam);
    const std::vector<int64_t> panel = panel_option(args, t.beam, one_row);
    t.columns = panel[0];
    t.rows = panel[1];
    if (args.has("--angles")) {
        if (args.has("--views") || args.has("--arc") || args.has("--first-angle"))
            throw InvalidArgument("--angles: give the angles or --views/--arc/--first-angle");
        std::string list = *args.value("--angles");
        std::replace(list.begin(), list.end(), ',', ' ');
        std::istringstream in(list);
        std::string field;
        while (in >> field) {
            const double a = parse_number(field, "--angles");
            if (!kAngle.contains(a)) throw InvalidArgument(kAngle.message("--angles", a));
            t.angles_deg.push_back(a);
        }
        if (t.angles_deg.empty()) throw InvalidArgument("--angles: no angle given");
    } else {
        const int64_t views = args.integer_in("--views", 360, {1, 1e6, false, "views", ""});
        const double arc = args.number_in("--arc", recon::default_scan_arc_deg(scan_beam),
                                          {0, 3600, true, "arc", "degrees"});
        const double first = args.number_in("--first-angle", 0.0, kAngle);
        t.angles_deg = evenly_spaced_angles(views, first, arc);
    }
    t.source_isocenter_mm = args.number_in("--sid", t.source_isocenter_mm, kDistance);
    t.source_detector_mm = args.number_in("--sdd", t.source_detector_mm, kDistance);
    if (args.has("--pixel")) {
        const std::string text = *args.value("--pixel");
        const bool two = text.find_first_of(", ") != std::string::npos;
        const std::vector<double> p = args.numbers_in("--pixel", two ? 2 : 1, kPixel);
        t.pixel_u_mm = p[0];
        t.pixel_v_mm = two ? p[1] : p[0];
    }
    if (args.has("--detector-offset")) {
        const std::vector<double> o = args.numbers_in("--detector-offset", 2, kOffset);
        t.detector_offset_u_mm = o[0];
        t.detector_offset_v_mm = o[1];
    }
    if (args.has("--source-offset")) {
        const std::vector<double> o = args.numbers_in("--source-offset", 2, kOffset);
        t.source_offset_u_mm = o[0];
        t.source_offset_v_mm = o[1];
    }
    if (args.has("--isocenter")) {
        const std::vector<double> c = args.numbers_in("--isocenter", 3, kOffset);
        t.isocenter = {c[0], c[1], c[2]};
    }
    return recon::circular_scan_geometry(scan_beam, t);
}

std::string ct_geometry_line(const CtGeometry& g) {
    std::ostringstream out;
    const bool two_d = g.rows == 1;
    out << (g.beam == CtBeam::Parallel ? "parallel" : (two_d ? "fan" : "cone")) << " beam"
        << (two_d ? " (2D)" : "") << ", " << g.view_count() << " views of " << g.columns << " x "
        << g.rows << " pixels";
    if (!g.views.empty())
        out << " of " << pixel_pitch(g.views[0].u) << " x " << pixel_pitch(g.views[0].v) << " mm";
    return out.str();
}

const std::vector<std::string>& ct_grid_options() {
    static const std::vector<std::string> options = {"--size", "--spacing", "--centre", "--center"};
    return options;
}

const char* ct_grid_help() {
    return R"(Image grid (identity direction, LPS):
  --size NX,NY,NZ             voxels (default: the field every view sees; 2D: one slice)
  --spacing SX,SY,SZ          mm (default: the detector pitch at the isocenter)
  --centre X,Y,Z              the grid's centre, LPS mm (default: the isocenter)
)";
}

VolumeGrid default_ct_grid(const CtGeometry& g) {
    // The centre of rotation: the mean of the detector centres for parallel beams, of the
    // midpoints between the source and the panel centre's foot for cone beams, a good estimate
    // for circular and C-arm sweeps alike.
    Vec3 centre{0, 0, 0};
    double magnification = 0;
    for (const CtView& v : g.views) {
        if (g.beam == CtBeam::Parallel) {
            centre = centre + v.detector_center;
            magnification += 1;
        }
    }
    if (g.beam == CtBeam::Cone) {
        // Least-squares point closest to every central ray (source -> detector centre).
        Mat3 a;
        a.m[0][0] = a.m[1][1] = a.m[2][2] = 0;
        Vec3 b{0, 0, 0};
        for (const CtView& v : g.views) {
            Vec3 d = v.detector_center - v.source;
            d = d * (1.0 / std::sqrt(dot(d, d)));
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j) {
                    const double m = (i == j ? 1.0 : 0.0) - d[i] * d[j];
                    a.m[i][j] += m;
                    b[i] += m * v.source[j];
                }
        }
        centre = g.views.size() > 1 && std::abs(determinant(a)) > 1e-9
                     ? inverse(a) * b
                     : g.views[0].source + 0.5 * (g.views[0].detector_center - g.views[0].source);
        for (const CtView& v : g.views) {
            const Vec3 sd = v.detector_center - v.source, sc = centre - v.source;
            magnification += std::sqrt(dot(sd, sd)) / std::max(1e-9, std::sqrt(dot(sc, sc)));
        }
    } else {
        centre = centre * (1.0 / double(g.views.size()));
    }
    // Rounded to a micrometre: the fit leaves rounding noise (1e-14 mm) on a centre at 0.
    for (int a = 0; a < 3; ++a)
        centre[a] = std::round(centre[a] * 1e6) / 1e6;
    magnification /= double(g.views.size());
    const double pu = pixel_pitch(g.views[0].u) / magnification;
    const double pv = pixel_pitch(g.views[0].v) / magnification;
    VolumeGrid grid;
    if (g.rows == 1) {
        grid.size = {g.columns, g.columns, 1};
        grid.spacing = {pu, pu, pv};
    } else {
        grid.size = {g.columns, g.columns, g.rows};
        grid.spacing = {pu, pu, pv};
    }
    // For a 2D scan the slice is the plane of the detector row.
    for (int a = 0; a < 3; ++a)
        grid.origin[a] = centre[a] - 0.5 * double(grid.size[a] - 1) * grid.spacing[a];
    return grid;
}

VolumeGrid ct_grid_from_arguments(const Arguments& args, const VolumeGrid& fallback) {
    VolumeGrid grid = fallback;
    if (args.has("--size")) {
        const std::vector<double> n =
            args.numbers_in("--size", 3, {1, 65536, false, "image voxels", ""});
        for (int a = 0; a < 3; ++a) {
            if (n[std::size_t(a)] != std::floor(n[std::size_t(a)]))
                throw InvalidArgument("--size: expected whole numbers of voxels, got " +
                                      *args.value("--size"));
            grid.size[a] = static_cast<int64_t>(n[std::size_t(a)]);
        }
    }
    if (args.has("--spacing")) {
        const std::vector<double> s =
            args.numbers_in("--spacing", 3, {0, 1e4, true, "voxel spacing", "mm"});
        grid.spacing = {s[0], s[1], s[2]};
    }
    Vec3 centre = fallback.center();
    if (args.has("--centre") && args.has("--center"))
        throw InvalidArgument("--centre and --center: give one of them");
    const std::string centre_option = args.has("--center") ? "--center" : "--centre";
    if (args.has(centre_option)) {
        const std::vector<double> c = args.numbers_in(centre_option, 3, kOffset);
        centre = {c[0], c[1], c[2]};
    }
    for (int a = 0; a < 3; ++a)
        grid.origin[a] = centre[a] - 0.5 * double(grid.size[a] - 1) * grid.spacing[a];
    grid.direction = Mat3::identity();
    grid.validate("--size/--spacing/--centre");
    const double voxels = double(grid.size[0]) * double(grid.size[1]) * double(grid.size[2]);
    if (voxels > 4.0e9)
        throw InvalidArgument("--size: " + ct_grid_line(grid) +
                              " is more than 4 G voxels: choose a smaller grid");
    return grid;
}

std::string ct_grid_line(const VolumeGrid& grid) {
    std::ostringstream out;
    out << grid.size[0] << "x" << grid.size[1] << "x" << grid.size[2] << " voxels of "
        << grid.spacing.x << "x" << grid.spacing.y << "x" << grid.spacing.z << " mm, centre ("
        << grid.center().x << ", " << grid.center().y << ", " << grid.center().z << ") mm";
    return out.str();
}

const std::vector<std::string>& ct_projector_options() {
    static const std::vector<std::string> options = {"--algorithm", "--step", "--threads",
                                                     "--device", "--memory-path"};
    return options;
}

const char* ct_projector_help() {
    return R"(Projector and device:
  --algorithm siddon|trilinear  the ray walk (Siddon's exact path, or trilinear samples)
  --step VOXELS               trilinear sample spacing (default 1)
  --device cpu|cuda           (default cpu)
  --threads N                 CPU threads (0: every core)
  --memory-path auto|texture|global   CUDA volume access
)";
}

CtProjectorSettings ct_projector_from_arguments(const Arguments& args) {
    CtProjectorSettings s;
    s.algorithm = parse_drr_algorithm(args.text("--algorithm", "siddon"));
    s.step_voxels = args.number_in("--step", 1.0, {0, 100, true, "trilinear step", "voxels"});
    s.threads = static_cast<int>(args.integer_in("--threads", 0, thread_range()));
    s.memory_path = parse_drr_memory_path(args.text("--memory-path", "auto"));
    return s;
}

DeviceKind ct_device_from_arguments(const Arguments& args) {
    return device_from_arguments(args);
}

void check_detector_sees_volume(const CtGeometry& g, const VolumeGrid& grid,
                                const std::string& what) {
    std::vector<Vec3> corners;
    for (int c = 0; c < 8; ++c)
        corners.push_back(grid.index_to_world({(c & 1) ? grid.size[0] - 0.5 : -0.5,
                                               (c & 2) ? grid.size[1] - 0.5 : -0.5,
                                               (c & 4) ? grid.size[2] - 0.5 : -0.5}));
    for (const CtView& v : g.views) {
        // Panel coordinates of a point on the panel's plane: solve p - c = a u + b v.
        const double uu = dot(v.u, v.u), uv = dot(v.u, v.v), vv = dot(v.v, v.v);
        const double det = uu * vv - uv * uv;
        const Vec3 normal = cross(v.u, v.v);
        double lo[2] = {std::numeric_limits<double>::infinity(),
                        std::numeric_limits<double>::infinity()};
        double hi[2] = {-lo[0], -lo[1]};
        if (g.beam == CtBeam::Cone) {
            // A cone-beam ray runs from the source (depth 0 along the panel normal) to the
            // panel (depth D): a box wholly behind the source or beyond the panel is not seen in
            // this view; one that reaches the source's plane may be, whatever its projection.
            const double panel_depth = dot(v.detector_center - v.source, normal);
            double near = std::numeric_limits<double>::infinity(), far = -near;
            for (const Vec3& p : corners) {
                const double depth = dot(p - v.source, normal) / panel_depth;
                near = std::min(near, depth);
                far = std::max(far, depth);
            }
            if (!(far > 0) || !(near < 1)) continue;
            if (near <= 0) return;
        }
        for (const Vec3& p : corners) {
            Vec3 on_panel;
            if (g.beam == CtBeam::Cone) {
                const Vec3 d = p - v.source;
                on_panel =
                    v.source + (dot(v.detector_center - v.source, normal) / dot(d, normal)) * d;
            } else {
                const double t = dot(v.detector_center - p, normal) / dot(v.source, normal);
                on_panel = p + t * v.source;
            }
            const Vec3 r = on_panel - v.detector_center;
            const double ru = dot(r, v.u), rv = dot(r, v.v);
            const double a = (ru * vv - rv * uv) / det, b = (rv * uu - ru * uv) / det;
            lo[0] = std::min(lo[0], a);
            hi[0] = std::max(hi[0], a);
            lo[1] = std::min(lo[1], b);
            hi[1] = std::max(hi[1], b);
        }
        const double half_c = 0.5 * double(g.columns), half_r = 0.5 * double(g.rows);
        if (hi[0] >= -half_c && lo[0] <= half_c && hi[1] >= -half_r && lo[1] <= half_r) return;
    }
    throw InvalidArgument(what + ": the detector misses the image grid (" + ct_grid_line(grid) +
                          ") in every view: expected a geometry whose rays cross it (check "
                          "--centre, --isocenter, the distances and the detector size)");
}

void check_stack_output(const std::string& path) {
    if (path.empty())
        throw InvalidArgument("no output given: add -o STACK (.nrrd, .mha, .nii.gz, .tif)");
    if (!recon::is_image_extension(recon::file_extension(path)) ||
        recon::file_extension(path) == ".png")
        throw InvalidArgument(path + ": cannot write a projection stack as '" +
                              recon::file_extension(path) +
                              "': expected .nrrd, .mha, .nii, .nii.gz or .tif");
}

CtStack read_ct_stack(const std::string& path, const Arguments& args) {
    const std::string beside = recon::projection_stack_geometry_path(path);
    CtStack stack;
    recon::Image2D projections;
    if (!args.has("--geometry") && std::filesystem::exists(beside) &&
        read_text(beside, "geometry").find("\"frame_geometry\"") == std::string::npos) {
        recon::ProjectionStack read = recon::read_projection_stack(path);
        stack.geometry = std::move(read.geometry);
        projections = std::move(read.projections);
    } else {
        if (!std::filesystem::exists(path)) throw InvalidArgument(path + ": no such file");
        if (!args.has("--geometry") && !std::filesystem::exists(beside))
            throw InvalidArgument(path + ": no geometry: expected " + beside +
                                  " beside it, or --geometry FILE");
        projections = recon::read_image_stack(path);
        stack.geometry =
            args.has("--geometry")
                ? ct_geometry_from_arguments(args, projections.width(), projections.height())
                : drr_batch_geometry(read_text(beside, "geometry"), beside);
        const CtGeometry& g = stack.geometry;
        if (projections.channels() != g.view_count())
            throw InvalidArgument(path + ": " + std::to_string(projections.channels()) +
                                  " projections, but the geometry has " +
                                  std::to_string(g.view_count()) +
                                  " views: expected one view per projection");
        recon::check_projection_stack(
            projections, g, path, args.has("--geometry") ? args.text("--geometry", "") : beside);
    }
    const float* p = projections.pixels.host_data();
    stack.values.assign(p, p + stack.geometry.pixel_count());
    for (std::size_t i = 0; i < stack.values.size(); ++i)
        if (!std::isfinite(stack.values[i]))
            throw InvalidArgument(path + ": projection value " + std::to_string(i) +
                                  " is not finite: expected line integrals");
    return stack;
}

void write_ct_stack(const std::string& path, const CtStack& stack) {
    const CtGeometry& g = stack.geometry;
    recon::Image2D image = recon::Image2D::allocate(g.columns, g.rows, norm(g.views[0].u),
                                                    norm(g.views[0].v), g.view_count());
    std::copy(stack.values.begin(), stack.values.end(), image.pixels.host_data());
    recon::write_projection_stack(image, g, path);
}

}  // namespace radon::cli
