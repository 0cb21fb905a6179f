#include "app/radon/ct_options.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/radon/render_options.h"
#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "recon/io/atomic_file.h"
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

// An ASTRA-style vector file: one view per line, 12 numbers (cone_vec / parallel3d_vec rows);
// '#' starts a comment.
std::vector<CtView> read_vector_file(const std::string& path) {
    std::istringstream lines(read_text(path, "--geometry"));
    std::vector<CtView> views;
    std::string line;
    int line_number = 0;
    while (std::getline(lines, line)) {
        ++line_number;
        line = line.substr(0, line.find('#'));
        std::replace(line.begin(), line.end(), ',', ' ');
        std::istringstream fields(line);
        std::vector<double> v;
        std::string field;
        while (fields >> field) {
            char* end = nullptr;
            const double value = std::strtod(field.c_str(), &end);
            if (end == field.c_str() || *end != '\0')
                throw InvalidArgument(path + ": line " + std::to_string(line_number) + ": '" +
                                      field + "' is not a number");
            v.push_back(value);
        }
        if (v.empty()) continue;
        if (v.size() != 12)
            throw InvalidArgument(path + ": line " + std::to_string(line_number) + ": " +
                                  std::to_string(v.size()) +
                                  " numbers, expected 12 (source, detector centre, u, v)");
        views.push_back({{v[0], v[1], v[2]}, {v[3], v[4], v[5]}, {v[6], v[7], v[8]},
                         {v[9], v[10], v[11]}});
    }
    return views;
}

std::vector<int64_t> panel_option(const Arguments& args, CtBeam beam, bool one_row) {
    if (!args.has("--detector")) {
        if (one_row) return {256, 1};
        return {256, 256};
    }
    const std::string text = *args.value("--detector");
    const bool two = text.find_first_of(", ") != std::string::npos;
    const std::vector<double> n = args.numbers_in("--detector", two ? 2 : 1,
                                                  {1, 65536, false, "detector pixels", ""});
    for (const double v : n)
        if (v != std::floor(v))
            throw InvalidArgument("--detector: expected whole numbers of pixels, got " + text);
    const auto columns = static_cast<int64_t>(n[0]);
    if (two) return {columns, static_cast<int64_t>(n[1])};
    return {columns, one_row ? 1 : (beam == CtBeam::Cone ? columns : columns)};
}

// --beam parallel|fan|cone: a fan beam is a cone beam on one detector row.
CtBeam beam_option(const Arguments& args, bool& one_row) {
    const std::string beam = args.text("--beam", "cone");
    one_row = false;
    if (beam == "fan") {
        one_row = true;
        return CtBeam::Cone;
    }
    if (beam == "parallel" || beam == "parallel2d") {
        one_row = args.has("--detector")
                      ? args.value("--detector")->find_first_of(", ") == std::string::npos
                      : true;
        return CtBeam::Parallel;
    }
    if (beam == "cone") return CtBeam::Cone;
    throw InvalidArgument("--beam: unknown beam '" + beam + "': expected parallel, fan or cone");
}

// The record `radon drr-batch` writes beside a stack of DRRs: one DRR geometry per frame (source,
// first pixel centre, column and row steps), a cone-beam view each (the DRR-to-CBCT loop).
CtGeometry drr_batch_geometry(const nlohmann::json& doc, const std::string& what) {
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
        "--geometry", "--beam",   "--views",           "--arc",             "--first-angle",
        "--angles",   "--sid",    "--sdd",             "--detector",        "--pixel",
        "--detector-offset",      "--source-offset",   "--isocenter"};
    return options;
}

const char* ct_geometry_help() {
    return R"(Geometry (docs/CONVENTIONS.md, "CT"):
  --geometry FILE             a geometry JSON (as written beside a stack), or an ASTRA-style
                              vector file: one view a line, 12 numbers (source or ray direction,
                              detector centre, u, v; mm), with --beam and --detector
  or a circular scan about the S-I axis:
  --beam parallel|fan|cone    (default cone; parallel and fan are 2D unless --detector gives rows)
  --views N                   views (default 360), evenly over --arc
  --arc DEG                   (default 360; parallel 180)   --first-angle DEG (default 0)
  --angles A,B,...            the views' angles in degrees, instead of --views/--arc
  --sid MM, --sdd MM          source to isocenter, source to detector (default 600, 1200)
  --detector COLS[,ROWS]      panel pixels (default 256 x 256; 2D: 256 x 1)
  --pixel U[,V]               pixel pitch in mm (default 1)
  --detector-offset U,V       panel centre offset in mm (RTK's ProjectionOffsetX/Y)
  --source-offset U,V         focal spot offset in mm (RTK's SourceOffsetX/Y)
  --isocenter X,Y,Z           the centre of rotation, LPS mm (default 0,0,0)
)";
}

CtGeometry ct_geometry_from_arguments(const Arguments& args, int64_t panel_columns,
                                      int64_t panel_rows) {
    if (args.has("--geometry")) {
        for (const char* circular : {"--views", "--arc", "--first-angle", "--angles", "--sid",
                                     "--sdd", "--pixel", "--detector-offset", "--source-offset",
                                     "--isocenter"})
            if (args.has(circular))
                throw InvalidArgument(std::string(circular) +
                                      ": the geometry comes from --geometry; give one of them");
        const std::string path = args.text("--geometry", "");
        const std::string ext = recon::file_extension(path);
        CtGeometry geometry;
        if (ext == ".json") {
            geometry = parse_ct_geometry_json(read_text(path, "--geometry"), path);
        } else {
            bool one_row = false;
            geometry.beam = beam_option(args, one_row);
            geometry.views = read_vector_file(path);
            if (args.has("--detector")) {
                const std::vector<int64_t> panel = panel_option(args, geometry.beam, one_row);
                geometry.columns = panel[0];
                geometry.rows = panel[1];
            } else if (panel_columns > 0) {
                geometry.columns = panel_columns;
                geometry.rows = panel_rows;
            } else {
                throw InvalidArgument("--geometry " + path +
                                      ": a vector file does not give the panel: add --detector "
                                      "COLS,ROWS");
            }
        }
        geometry.validate(path);
        return geometry;
    }
    bool one_row = false;
    CircularTrajectory t;
    t.beam = beam_option(args, one_row);
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
        const double arc = args.number_in("--arc", t.beam == CtBeam::Parallel ? 180.0 : 360.0,
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
    CtGeometry geometry = circular_geometry(t);
    geometry.validate("geometry");
    return geometry;
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
    static const std::vector<std::string> options = {"--size", "--spacing", "--centre",
                                                     "--center"};
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

VolumeGrid ct_grid_from_arguments(const Arguments& args, const CtGeometry& geometry,
                                  const VolumeGrid& fallback) {
    VolumeGrid grid = fallback;
    (void)geometry;
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
        bool behind = false;
        for (const Vec3& p : corners) {
            Vec3 on_panel;
            if (g.beam == CtBeam::Cone) {
                const Vec3 d = p - v.source;
                const double denom = dot(d, normal);
                const double t = dot(v.detector_center - v.source, normal) / denom;
                if (!(t > 0) || !std::isfinite(t)) {
                    behind = true;  // the box reaches the source's plane: assume it is seen
                    break;
                }
                on_panel = v.source + t * d;
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
        if (behind) return;
        const double half_c = 0.5 * double(g.columns), half_r = 0.5 * double(g.rows);
        if (hi[0] >= -half_c && lo[0] <= half_c && hi[1] >= -half_r && lo[1] <= half_r) return;
    }
    throw InvalidArgument(what + ": the detector misses the image grid (" + ct_grid_line(grid) +
                          ") in every view: expected a geometry whose rays cross it (check "
                          "--centre, --isocenter, the distances and the detector size)");
}

std::string ct_geometry_path(const std::string& stack_path) {
    const std::string ext = recon::file_extension(stack_path);
    return stack_path.substr(0, stack_path.size() - ext.size()) + ".json";
}

std::string ct_geometry_json(const CtGeometry& g) {
    const nlohmann::json head = {
        {"format", "radon-ct-geometry"},
        {"beam", to_string(g.beam)},
        {"columns", g.columns},
        {"rows", g.rows},
        {"vectors_are", "source (cone) or ray direction (parallel), detector centre, u, v; mm"}};
    // One view a line, as in an ASTRA vector file, rather than one number a line.
    std::string text = head.dump(1);
    text.pop_back();  // the closing brace
    text += ",\n \"views\": [\n";
    for (std::size_t i = 0; i < g.views.size(); ++i) {
        const CtView& v = g.views[i];
        const nlohmann::json row = {v.source.x,          v.source.y,          v.source.z,
                                    v.detector_center.x, v.detector_center.y, v.detector_center.z,
                                    v.u.x,               v.u.y,               v.u.z,
                                    v.v.x,               v.v.y,               v.v.z};
        text += "  " + row.dump() + (i + 1 < g.views.size() ? ",\n" : "\n");
    }
    return text + " ]\n}\n";
}

CtGeometry parse_ct_geometry_json(const std::string& text, const std::string& what) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        throw InvalidArgument(what + ": not valid JSON (" + e.what() + ")");
    }
    const auto field = [&](const char* key) -> const nlohmann::json& {
        if (!doc.is_object() || !doc.contains(key))
            throw InvalidArgument(what + ": no \"" + key + "\" field");
        return doc.at(key);
    };
    CtGeometry g;
    if (doc.is_object() && doc.contains("frame_geometry")) return drr_batch_geometry(doc, what);
    try {
        g.beam = parse_ct_beam(field("beam").get<std::string>());
        g.columns = field("columns").get<int64_t>();
        g.rows = field("rows").get<int64_t>();
        const nlohmann::json& views = field("views");
        if (!views.is_array()) throw InvalidArgument(what + ": \"views\": expected an array");
        for (std::size_t i = 0; i < views.size(); ++i) {
            const nlohmann::json& row = views[i];
            if (!row.is_array() || row.size() != 12)
                throw InvalidArgument(what + ": \"views\"[" + std::to_string(i) +
                                      "]: expected 12 numbers (source, detector centre, u, v)");
            double v[12];
            for (std::size_t k = 0; k < 12; ++k) {
                if (!row[k].is_number())
                    throw InvalidArgument(what + ": \"views\"[" + std::to_string(i) + "][" +
                                          std::to_string(k) + "]: expected a finite number");
                v[k] = row[k].get<double>();
            }
            g.views.push_back({{v[0], v[1], v[2]}, {v[3], v[4], v[5]}, {v[6], v[7], v[8]},
                               {v[9], v[10], v[11]}});
        }
    } catch (const nlohmann::json::exception& e) {
        throw InvalidArgument(what + ": " + e.what());
    }
    g.validate(what);
    return g;
}

void check_stack_output(const std::string& path) {
    if (path.empty())
        throw InvalidArgument("no output given: add -o STACK (.nrrd, .mha, .nii.gz)");
    if (!recon::is_writable_volume_extension(recon::file_extension(path)))
        throw InvalidArgument(path + ": cannot write a projection stack as '" +
                              recon::file_extension(path) +
                              "': expected .nrrd, .mha, .nii or .nii.gz");
}

CtStack read_ct_stack(const std::string& path, const Arguments& args) {
    const recon::Volume volume = recon::read_volume(path);
    const int64_t columns = volume.grid.size[0], rows = volume.grid.size[1],
                  views = volume.grid.size[2];
    CtStack stack;
    if (args.has("--geometry")) {
        stack.geometry = ct_geometry_from_arguments(args, columns, rows);
    } else {
        const std::string json = ct_geometry_path(path);
        std::ifstream probe(json);
        if (!probe)
            throw InvalidArgument(path + ": no geometry: expected " + json +
                                  " beside it, or --geometry FILE");
        stack.geometry = parse_ct_geometry_json(read_text(json, "geometry"), json);
    }
    const CtGeometry& g = stack.geometry;
    if (g.columns != columns || g.rows != rows)
        throw InvalidArgument(path + ": projections of " + std::to_string(columns) + " x " +
                              std::to_string(rows) + " pixels, but the geometry's panel is " +
                              std::to_string(g.columns) + " x " + std::to_string(g.rows) +
                              ": expected the same panel");
    if (g.view_count() != views)
        throw InvalidArgument(path + ": " + std::to_string(views) +
                              " projections, but the geometry has " +
                              std::to_string(g.view_count()) +
                              " views: expected one view per projection");
    const float* p = volume.voxels.host_data();
    stack.values.assign(p, p + volume.grid.voxel_count());
    return stack;
}

void write_ct_stack(const std::string& path, const CtStack& stack) {
    const CtGeometry& g = stack.geometry;
    recon::Volume volume;
    volume.unit = recon::VoxelUnit::AttenuationPerMm;
    volume.grid.size = {g.columns, g.rows, g.view_count()};
    volume.grid.spacing = {pixel_pitch(g.views[0].u), pixel_pitch(g.views[0].v), 1.0};
    volume.grid.origin = {-0.5 * double(g.columns - 1) * volume.grid.spacing.x,
                          -0.5 * double(g.rows - 1) * volume.grid.spacing.y, 0.0};
    volume.voxels = Array<float>::allocate(volume.grid.size, MemorySpace::Host);
    std::copy(stack.values.begin(), stack.values.end(), volume.voxels.host_data());
    recon::AtomicFileSet outputs;
    recon::write_volume(outputs, volume, path);
    outputs.add_text(ct_geometry_path(path), ct_geometry_json(g));
    outputs.commit();
}

}  // namespace radon::cli
