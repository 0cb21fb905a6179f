#include "recon/ct/ct_geometry_files.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "recon/ct/geometry_text_file.h"
#include "recon/ct/rtk_geometry_xml.h"
#include "recon/io/printable_text.h"

namespace radon::recon {
namespace {

std::string number_text(double v) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.17g", v == 0 ? 0.0 : v);
    return text;
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// The rows of 12 numbers of a vector or matrix file, and what its "# key: value" comments say.
struct NumberRows {
    std::vector<std::array<double, 12>> rows;
    std::optional<CtBeam> beam;
    std::optional<int64_t> columns, rows_count;
    std::optional<double> pixel_u_mm;
};

NumberRows parse_rows(const std::string& text, const std::string& path, const char* row_name) {
    NumberRows out;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string where = path + " line " + std::to_string(number);
        std::string t = trim(line);
        if (t.empty()) continue;
        if (t[0] == '#') {
            const std::string body = trim(t.substr(1));
            const auto colon = body.find(':');
            if (colon == std::string::npos) continue;
            const std::string key = lower(trim(body.substr(0, colon)));
            const std::string value = trim(body.substr(colon + 1));
            if (key == "beam") {
                try {
                    out.beam = parse_ct_beam(value);
                } catch (const InvalidArgument& e) {
                    throw InvalidArgument(where + ": " + e.what());
                }
            } else if (key == "detector") {
                long long c = 0, r = 0;
                char tail = 0;
                if (std::sscanf(value.c_str(), "%lldx%lld%c", &c, &r, &tail) != 2 || c < 1 ||
                    r < 1) {
                    throw InvalidArgument(where + ": '# detector: " + detail::printable(value) +
                                          "', expected COLUMNSxROWS such as 256x192");
                }
                out.columns = c;
                out.rows_count = r;
            } else if (key == "pixel") {
                char* end = nullptr;
                const double v = std::strtod(value.c_str(), &end);
                if (end == value.c_str() || trim(end).size() != 0 || !std::isfinite(v) || v <= 0)
                    throw InvalidArgument(where + ": '# pixel: " + detail::printable(value) +
                                          "', expected the pixel size in mm (> 0)");
                out.pixel_u_mm = v;
            }
            continue;
        }
        for (char& c : t)
            if (c == ',' || c == ';' || c == '\t') c = ' ';
        std::istringstream numbers(t);
        std::string token;
        std::array<double, 12> row{};
        std::size_t count = 0;
        while (numbers >> token) {
            char* end = nullptr;
            const double v = std::strtod(token.c_str(), &end);
            if (end != token.c_str() + token.size()) {
                throw InvalidArgument(where + ": '" + detail::printable(token.substr(0, 40)) +
                                      "' is not a number; expected 12 numbers (" + row_name + ")");
            }
            if (!std::isfinite(v)) {
                throw InvalidArgument(where + ": number " + std::to_string(count + 1) +
                                      " is not finite; expected 12 finite numbers (" + row_name +
                                      ")");
            }
            if (count < 12) row[count] = v;
            ++count;
        }
        if (count != 12) {
            throw InvalidArgument(where + ": " + std::to_string(count) + " numbers, expected 12 (" +
                                  row_name + ")");
        }
        out.rows.push_back(row);
    }
    if (out.rows.empty())
        throw InvalidArgument(path + ": no views: the file lists no rows of numbers");
    return out;
}

template <class T>
std::optional<T> agree(const std::optional<T>& in_file, const std::optional<T>& given,
                       const std::string& path, const std::string& what) {
    if (in_file && given && *in_file != *given) {
        std::ostringstream msg;
        msg << path << ": the file says " << what << " " << *in_file << ", the command line "
            << *given;
        throw InvalidArgument(msg.str());
    }
    return given ? given : in_file;
}

// The beam the file names or the command line gives (they must agree); cone when neither does.
CtBeam beam_of(const NumberRows& rows, const CtGeometryHints& hints, const std::string& path) {
    if (rows.beam && hints.beam && *rows.beam != *hints.beam) {
        throw InvalidArgument(path + ": the file says beam " + to_string(*rows.beam) +
                              ", the command line " + to_string(*hints.beam));
    }
    return hints.beam ? *hints.beam : rows.beam.value_or(CtBeam::Cone);
}

void require_panel(const std::optional<int64_t>& columns, const std::optional<int64_t>& rows,
                   const std::string& path) {
    if (!columns || !rows) {
        throw InvalidArgument(path +
                              ": the panel size is not in the file: give it "
                              "(radon ct geometry: --detector COLUMNSxROWS)");
    }
}

CtGeometry read_vectors(const std::string& path, const CtGeometryHints& hints) {
    const NumberRows rows =
        parse_rows(read_geometry_text(path), path, "source or ray, detector centre, u, v");
    CtGeometry g;
    g.beam = beam_of(rows, hints, path);
    const auto columns = agree(rows.columns, hints.columns, path, "columns");
    const auto height = agree(rows.rows_count, hints.rows, path, "rows");
    require_panel(columns, height, path);
    g.columns = *columns;
    g.rows = *height;
    for (const auto& r : rows.rows)
        g.views.push_back(
            {{r[0], r[1], r[2]}, {r[3], r[4], r[5]}, {r[6], r[7], r[8]}, {r[9], r[10], r[11]}});
    g.validate(path);
    return g;
}

CtGeometry read_matrices(const std::string& path, const CtGeometryHints& hints) {
    const NumberRows rows =
        parse_rows(read_geometry_text(path), path, "a 3x4 projection matrix, row-major");
    CtGeometry g;
    g.beam = beam_of(rows, hints, path);
    const auto columns = agree(rows.columns, hints.columns, path, "columns");
    const auto height = agree(rows.rows_count, hints.rows, path, "rows");
    require_panel(columns, height, path);
    g.columns = *columns;
    g.rows = *height;
    const auto pixel = agree(rows.pixel_u_mm, hints.pixel_u_mm, path, "pixel size (mm)");
    if (g.beam == CtBeam::Cone && !pixel) {
        throw InvalidArgument(path +
                              ": a cone-beam matrix fixes the pixel size only up to the "
                              "detector distance: give it (radon ct geometry: --pixel MM)");
    }
    for (std::size_t i = 0; i < rows.rows.size(); ++i) {
        try {
            g.views.push_back(
                g.beam == CtBeam::Cone
                    ? cone_view_from_matrix(rows.rows[i], g.columns, g.rows, {*pixel, 0})
                    : parallel_view_from_matrix(rows.rows[i], g.columns, g.rows));
        } catch (const InvalidArgument& e) {
            throw InvalidArgument(path + " view " + std::to_string(i) + ": " + e.what());
        }
    }
    g.validate(path);
    return g;
}

std::string rows_text(const CtGeometry& g, bool matrices) {
    std::ostringstream out;
    if (matrices) {
        out << "# radon ct geometry: projection matrices, one view per line: P row-major (3x4), "
               "world (x, y, z, 1) in patient LPS mm to w (column, row, 1)\n";
    } else {
        out << "# radon ct geometry: ASTRA "
            << (g.beam == CtBeam::Cone ? "cone_vec" : "parallel3d_vec")
            << " rows, one view per line: " << (g.beam == CtBeam::Cone ? "source" : "ray direction")
            << ", detector centre, u (one pixel along a row), v (one pixel down a column), "
               "patient LPS mm\n";
    }
    out << "# beam: " << to_string(g.beam) << "\n# detector: " << g.columns << "x" << g.rows
        << "\n";
    if (matrices && g.beam == CtBeam::Cone)
        out << "# pixel: " << number_text(norm(g.views.front().u)) << "\n";
    for (int64_t i = 0; i < g.view_count(); ++i) {
        std::array<double, 12> r{};
        if (matrices) {
            r = projection_matrix(g, i);
        } else {
            const CtView& w = g.views[static_cast<std::size_t>(i)];
            const Vec3 vs[4] = {w.source, w.detector_center, w.u, w.v};
            for (int k = 0; k < 4; ++k)
                for (int c = 0; c < 3; ++c)
                    r[k * 3 + c] = vs[k][c];
        }
        for (int k = 0; k < 12; ++k)
            out << (k ? " " : "") << number_text(r[k]);
        out << "\n";
    }
    return out.str();
}

std::optional<RtkPanel> rtk_panel(const CtGeometryHints& h) {
    if (!h.columns && !h.rows && !h.pixel_u_mm && !h.pixel_v_mm && !h.origin_u_mm && !h.origin_v_mm)
        return std::nullopt;
    RtkPanel p;
    p.columns = h.columns.value_or(0);
    p.rows = h.rows.value_or(0);
    p.spacing_u_mm = h.pixel_u_mm.value_or(0);
    p.spacing_v_mm = h.pixel_v_mm ? *h.pixel_v_mm : p.spacing_u_mm;
    p.origin_u_mm = h.origin_u_mm;
    p.origin_v_mm = h.origin_v_mm;
    return p;
}

}  // namespace

const char* to_string(CtGeometryFormat format) {
    switch (format) {
        case CtGeometryFormat::Rtk:
            return "rtk";
        case CtGeometryFormat::Vectors:
            return "vectors";
        case CtGeometryFormat::Matrices:
            return "matrices";
        case CtGeometryFormat::Json:
        default:
            return "json";
    }
}

CtGeometryFormat parse_ct_geometry_format(const std::string& name) {
    const std::string n = lower(name);
    if (n == "json") return CtGeometryFormat::Json;
    if (n == "rtk" || n == "xml") return CtGeometryFormat::Rtk;
    if (n == "vectors" || n == "astra") return CtGeometryFormat::Vectors;
    if (n == "matrices") return CtGeometryFormat::Matrices;
    throw InvalidArgument("unknown geometry format '" + detail::printable(name) +
                          "': expected json, rtk, vectors or matrices");
}

CtGeometryFormat ct_geometry_format_of(const std::string& path) {
    const std::string ext = file_extension(path);
    if (ext == ".json") return CtGeometryFormat::Json;
    if (ext == ".xml") return CtGeometryFormat::Rtk;
    if (ext == ".txt" || ext == ".vec" || ext == ".csv") return CtGeometryFormat::Vectors;
    throw InvalidArgument(path + ": unknown geometry format '" + detail::printable(ext) +
                          "': expected .json (radon), .xml (RTK), .txt, .vec or .csv (ASTRA "
                          "vectors), or name it with --format (matrices have no extension)");
}

CtGeometry read_ct_geometry(const std::string& path, CtGeometryFormat format,
                            const CtGeometryHints& hints) {
    switch (format) {
        case CtGeometryFormat::Rtk: {
            std::optional<RtkPanel> panel = rtk_panel(hints);
            if (panel && (panel->columns < 1 || panel->rows < 1 || panel->spacing_u_mm <= 0)) {
                throw InvalidArgument(path +
                                      ": RTK's geometry has no pixel grid: give both the "
                                      "projection images' size and pixel spacing (radon ct "
                                      "geometry: --detector COLSxROWS --pixel MM)");
            }
            return read_rtk_geometry(path, panel);
        }
        case CtGeometryFormat::Vectors:
            return read_vectors(path, hints);
        case CtGeometryFormat::Matrices:
            return read_matrices(path, hints);
        case CtGeometryFormat::Json:
        default:
            return parse_ct_geometry_json(read_geometry_text(path), path);
    }
}

std::string ct_geometry_text(const CtGeometry& geometry, CtGeometryFormat format,
                             const std::string& what, const CtGeometryHints& hints) {
    geometry.validate(what);
    switch (format) {
        case CtGeometryFormat::Rtk: {
            RtkPanel panel;
            panel.origin_u_mm = hints.origin_u_mm;
            panel.origin_v_mm = hints.origin_v_mm;
            return rtk_geometry_xml(geometry, panel, what);
        }
        case CtGeometryFormat::Vectors:
            return rows_text(geometry, false);
        case CtGeometryFormat::Matrices:
            return rows_text(geometry, true);
        case CtGeometryFormat::Json:
        default:
            return ct_geometry_json(geometry);
    }
}

void write_ct_geometry(AtomicFileSet& outputs, const CtGeometry& geometry, const std::string& path,
                       CtGeometryFormat format, const CtGeometryHints& hints) {
    outputs.add_text(path, ct_geometry_text(geometry, format, path, hints));
}

std::string ct_geometry_json(const CtGeometry& g, const std::string& projections_file) {
    nlohmann::ordered_json j;
    j["format"] = "radon CT geometry";
    j["frame"] = "patient LPS, millimetres";
    j["beam"] = to_string(g.beam);
    j["detector"] = {{"columns", g.columns}, {"rows", g.rows}};
    if (!g.views.empty())
        j["pixel_spacing_mm"] = {norm(g.views.front().u), norm(g.views.front().v)};
    j["view_vectors"] =
        std::string(g.beam == CtBeam::Cone ? "source" : "ray direction") +
        ", detector centre, u (one pixel along a row, column index increasing), v (one pixel "
        "down a column, row index increasing): the 12 numbers of an ASTRA " +
        (g.beam == CtBeam::Cone ? "cone_vec" : "parallel3d_vec") +
        " row; pixel (col, row) at centre + (col - (columns-1)/2) u + (row - (rows-1)/2) v";
    if (!projections_file.empty()) {
        j["projections"] = {{"file", projections_file},
                            {"layout",
                             "views x rows x columns, column fastest (x = column, "
                             "y = row, z = view)"}};
    }
    nlohmann::ordered_json views = nlohmann::ordered_json::array();
    for (const CtView& w : g.views)
        views.push_back({w.source.x, w.source.y, w.source.z, w.detector_center.x,
                         w.detector_center.y, w.detector_center.z, w.u.x, w.u.y, w.u.z, w.v.x,
                         w.v.y, w.v.z});
    j["views"] = views;
    return j.dump(2) + "\n";
}

CtGeometry parse_ct_geometry_json(const std::string& text, const std::string& what) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw InvalidArgument(what + ": not valid JSON (" + detail::printable(e.what()) + ")");
    }
    auto fail = [&](const std::string& why) { throw InvalidArgument(what + ": " + why); };
    if (!j.is_object()) fail("expected a JSON object with beam, detector and views");
    CtGeometry g;
    if (!j.contains("beam") || !j["beam"].is_string())
        fail("'beam' missing: expected \"cone\" or \"parallel\"");
    try {
        g.beam = parse_ct_beam(j["beam"].get<std::string>());
    } catch (const InvalidArgument& e) {
        fail(std::string("'beam': ") + e.what());
    }
    const auto size = [&](const char* key) -> int64_t {
        if (!j.contains("detector") || !j["detector"].is_object() || !j["detector"].contains(key) ||
            !j["detector"][key].is_number_integer() || j["detector"][key].get<int64_t>() < 1) {
            fail(std::string("'detector.") + key + "' missing or not a whole number >= 1");
        }
        return j["detector"][key].get<int64_t>();
    };
    g.columns = size("columns");
    g.rows = size("rows");
    if (!j.contains("views") || !j["views"].is_array())
        fail("'views' missing: expected an array of views of 12 numbers");
    const nlohmann::json& views = j["views"];
    for (std::size_t i = 0; i < views.size(); ++i) {
        const nlohmann::json& v = views[i];
        const std::string field = "views[" + std::to_string(i) + "]";
        if (!v.is_array() || v.size() != 12)
            fail(field + ": expected 12 numbers (source, detector centre, u, v)");
        double x[12];
        for (int k = 0; k < 12; ++k) {
            if (!v[k].is_number()) fail(field + "[" + std::to_string(k) + "] is not a number");
            x[k] = v[k].get<double>();
            if (!std::isfinite(x[k])) fail(field + "[" + std::to_string(k) + "] is not finite");
        }
        g.views.push_back(
            {{x[0], x[1], x[2]}, {x[3], x[4], x[5]}, {x[6], x[7], x[8]}, {x[9], x[10], x[11]}});
    }
    g.validate(what);
    return g;
}

}  // namespace radon::recon
