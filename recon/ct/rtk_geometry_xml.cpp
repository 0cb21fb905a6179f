#include "recon/ct/rtk_geometry_xml.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <limits>
#include <sstream>
#include <utility>

#include "kernels/core/error.h"
#include "recon/ct/geometry_text_file.h"
#include "recon/io/printable_text.h"

namespace radon::recon {
namespace {

// The part of XML that geometry files use: a prolog (declaration, DOCTYPE without an internal
// subset, comments), one root element, nested elements with attributes and text, comments.
struct XmlElement {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string text;  // the element's own character data, children's left out
    std::vector<XmlElement> children;
    int line = 0;      // of the start tag
    int end_line = 0;  // of the end tag
};

class XmlParser {
  public:
    XmlParser(const std::string& text, const std::string& what) : s_(text), what_(what) {}

    XmlElement parse_document() {
        skip_misc(true);
        if (at_end() || s_[i_] != '<')
            fail("expected the root element <RTKThreeDCircularGeometry>");
        XmlElement root = parse_element(0);
        skip_misc(false);
        if (!at_end()) fail("text after the end of the root element <" + root.name + ">");
        return root;
    }

    const std::vector<std::string>& comments() const { return comments_; }

  private:
    [[noreturn]] void fail(const std::string& why) const { fail_at(line_of(s_, i_), why); }
    [[noreturn]] void fail_at(int line, const std::string& why) const {
        throw InvalidArgument(what_ + " line " + std::to_string(line) + ": " + why);
    }

    bool at_end() const { return i_ >= s_.size(); }
    bool starts(const char* p) const { return s_.compare(i_, std::strlen(p), p) == 0; }

    void skip_space() {
        while (!at_end() && std::isspace(static_cast<unsigned char>(s_[i_])))
            ++i_;
    }

    // Skips to just after `end`, or fails naming what was not closed.
    std::string take_until(const char* end, const char* what) {
        const std::size_t at = s_.find(end, i_);
        if (at == std::string::npos) fail(std::string(what) + " is not closed");
        std::string inside = s_.substr(i_, at - i_);
        i_ = at + std::strlen(end);
        return inside;
    }

    // Whitespace, comments and processing instructions; in the prolog also the DOCTYPE.
    void skip_misc(bool prolog) {
        for (;;) {
            skip_space();
            if (starts("<!--")) {
                i_ += 4;
                comments_.push_back(take_until("-->", "a comment"));
            } else if (starts("<?")) {
                i_ += 2;
                take_until("?>", "a <? ?> declaration");
            } else if (prolog && starts("<!DOCTYPE")) {
                const std::size_t end = s_.find('>', i_);
                if (end == std::string::npos) fail("<!DOCTYPE is not closed");
                if (s_.substr(i_, end - i_).find('[') != std::string::npos)
                    fail("a DOCTYPE with an internal subset: not a geometry file");
                i_ = end + 1;
            } else {
                return;
            }
        }
    }

    static bool name_char(char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
               c == ':';
    }

    std::string parse_name(const char* what) {
        const std::size_t start = i_;
        while (!at_end() && name_char(s_[i_]))
            ++i_;
        if (i_ == start) fail(std::string("expected ") + what);
        return s_.substr(start, i_ - start);
    }

    XmlElement parse_element(int depth) {
        if (depth > 8) fail("elements nested more than 8 deep: not a geometry file");
        XmlElement e;
        e.line = line_of(s_, i_);
        ++i_;  // '<'
        e.name = parse_name("an element name after '<'");
        for (;;) {
            skip_space();
            if (at_end()) fail_at(e.line, "the start tag of <" + e.name + "> is not closed");
            if (starts("/>")) {
                i_ += 2;
                e.end_line = e.line;
                return e;
            }
            if (s_[i_] == '>') {
                ++i_;
                break;
            }
            const std::string key = parse_name("an attribute name or '>'");
            skip_space();
            if (at_end() || s_[i_] != '=') fail("expected '=' after attribute " + key);
            ++i_;
            skip_space();
            if (at_end() || (s_[i_] != '"' && s_[i_] != '\'')) fail("expected a quoted value");
            const char quote = s_[i_++];
            const std::size_t end = s_.find(quote, i_);
            if (end == std::string::npos) fail("a quoted attribute value is not closed");
            e.attributes.emplace_back(key, s_.substr(i_, end - i_));
            i_ = end + 1;
        }
        for (;;) {
            if (at_end()) fail_at(e.line, "<" + e.name + "> is not closed");
            if (starts("<!--")) {
                i_ += 4;
                comments_.push_back(take_until("-->", "a comment"));
            } else if (starts("<![CDATA[")) {
                fail("CDATA sections are not used in geometry files");
            } else if (starts("<?")) {
                i_ += 2;
                take_until("?>", "a <? ?> instruction");
            } else if (starts("</")) {
                i_ += 2;
                const std::string name = parse_name("an element name after '</'");
                skip_space();
                if (at_end() || s_[i_] != '>') fail("expected '>' to end </" + name);
                if (name != e.name) {
                    fail("</" + detail::printable(name) + "> closes <" + e.name +
                         "> (opened on line " + std::to_string(e.line) + ")");
                }
                e.end_line = line_of(s_, i_);
                ++i_;
                return e;
            } else if (s_[i_] == '<') {
                e.children.push_back(parse_element(depth + 1));
            } else {
                e.text += s_[i_++];
            }
        }
    }

    const std::string& s_;
    std::string what_;
    std::size_t i_ = 0;
    std::vector<std::string> comments_;
};

bool same_name(const std::string& a, const char* b) {
    const std::size_t n = std::strlen(b);
    if (a.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A finite number filling the whole token, or nothing.
std::optional<double> parse_number(const std::string& token) {
    if (token.empty()) return std::nullopt;
    const char* begin = token.c_str();
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end != begin + token.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string quote_text(const std::string& text) {
    std::string t = detail::printable(trim(text));
    if (t.size() > 40) t = t.substr(0, 40) + "...";
    return "'" + t + "'";
}

// The radon comment: "radon: projection images of C x R pixels of SU x SV mm, pixel (0, 0) at
// detector coordinates (OU, OV) mm".
std::optional<RtkPanel> panel_from_comment(const std::string& comment) {
    long long columns = 0, rows = 0;
    double su = 0, sv = 0, ou = 0, ov = 0;
    const std::string t = trim(comment);
    if (std::sscanf(t.c_str(),
                    "radon: projection images of %lld x %lld pixels of %lf x %lf mm, pixel (0, 0) "
                    "at detector coordinates (%lf, %lf) mm",
                    &columns, &rows, &su, &sv, &ou, &ov) != 6)
        return std::nullopt;
    RtkPanel panel;
    panel.columns = columns;
    panel.rows = rows;
    panel.spacing_u_mm = su;
    panel.spacing_v_mm = sv;
    panel.origin_u_mm = ou;
    panel.origin_v_mm = ov;
    return panel;
}

std::string number_text(double v) {
    std::ostringstream s;
    s.precision(15);
    s << (v == 0 ? 0.0 : v);
    return s.str();
}

const char* const kParameterNames =
    "SourceToIsocenterDistance, SourceToDetectorDistance, GantryAngle, OutOfPlaneAngle, "
    "InPlaneAngle, ProjectionOffsetX, ProjectionOffsetY, SourceOffsetX, SourceOffsetY, Matrix, "
    "Projection";

}  // namespace

RtkGeometryFile parse_rtk_geometry_xml(const std::string& text, const std::string& what) {
    XmlParser parser(text, what);
    const XmlElement root = parser.parse_document();
    auto fail = [&](int line, const std::string& why) {
        throw InvalidArgument(what + " line " + std::to_string(line) + ": " + why);
    };
    if (root.name != "RTKThreeDCircularGeometry") {
        fail(root.line, "the root element is <" + detail::printable(root.name) +
                            ">, expected <RTKThreeDCircularGeometry> (an RTK geometry file)");
    }
    std::string version;
    for (const auto& [key, value] : root.attributes)
        if (key == "version") version = value;
    if (version != "3" && version != "2") {
        fail(root.line, "RTK geometry format version " +
                            (version.empty() ? std::string("missing") : quote_text(version)) +
                            ", expected 3 (or 2, which RTK reads too)");
    }

    RtkGeometryFile file;
    for (const std::string& comment : parser.comments())
        if (auto panel = panel_from_comment(comment)) file.panel = panel;

    RtkProjection state;
    std::optional<std::array<double, 12>> matrix;
    auto number_of = [&](const XmlElement& e) {
        if (!e.children.empty())
            fail(e.children.front().line, "<" + e.name + "> holds an element, expected a number");
        const auto v = parse_number(trim(e.text));
        if (!v)
            fail(e.line,
                 "<" + e.name + "> holds " + quote_text(e.text) + ", expected a finite number");
        return *v;
    };
    // Returns false for <Projection> and unknown names.
    auto apply = [&](const XmlElement& e) {
        const std::string& n = e.name;
        if (same_name(n, "GantryAngle") || same_name(n, "Angle")) {
            state.gantry_deg = number_of(e);
        } else if (same_name(n, "InPlaneAngle")) {
            state.in_plane_deg = number_of(e);
        } else if (same_name(n, "OutOfPlaneAngle")) {
            state.out_of_plane_deg = number_of(e);
        } else if (same_name(n, "SourceToIsocenterDistance")) {
            state.source_isocenter_mm = number_of(e);
        } else if (same_name(n, "SourceToDetectorDistance")) {
            state.source_detector_mm = number_of(e);
        } else if (same_name(n, "SourceOffsetX")) {
            state.source_offset_x_mm = number_of(e);
        } else if (same_name(n, "SourceOffsetY")) {
            state.source_offset_y_mm = number_of(e);
        } else if (same_name(n, "ProjectionOffsetX")) {
            state.projection_offset_x_mm = number_of(e);
        } else if (same_name(n, "ProjectionOffsetY")) {
            state.projection_offset_y_mm = number_of(e);
        } else if (same_name(n, "RadiusCylindricalDetector")) {
            if (number_of(e) != 0)
                fail(e.line, "a cylindrical detector (RadiusCylindricalDetector " +
                                 quote_text(e.text) + "): radon's detectors are flat panels");
        } else if (same_name(n, "CollimationUInf") || same_name(n, "CollimationUSup") ||
                   same_name(n, "CollimationVInf") || same_name(n, "CollimationVSup")) {
            if (number_of(e) < std::numeric_limits<double>::max())
                fail(e.line, "collimation (<" + n + ">): radon's projections are not collimated");
        } else if (same_name(n, "Matrix")) {
            if (!e.children.empty())
                fail(e.children.front().line, "<Matrix> holds an element, expected 12 numbers");
            std::istringstream in(e.text);
            std::vector<double> values;
            std::string token;
            while (in >> token) {
                const auto v = parse_number(token);
                if (!v) {
                    fail(e.line, "<Matrix> holds " + quote_text(token) +
                                     ", expected 12 finite numbers (3 rows of 4)");
                }
                values.push_back(*v);
            }
            if (values.size() != 12) {
                fail(e.line, "<Matrix> holds " + std::to_string(values.size()) +
                                 " numbers, expected 12 (3 rows of 4)");
            }
            std::array<double, 12> m{};
            std::copy(values.begin(), values.end(), m.begin());
            matrix = m;
        } else {
            return false;
        }
        return true;
    };
    auto refuse = [&](const XmlElement& e) {
        fail(e.line, "unknown element <" + detail::printable(e.name) + ">; an RTK geometry holds " +
                         kParameterNames);
    };
    if (!trim(root.text).empty())
        fail(root.line, "text " + quote_text(root.text) + " directly inside <" + root.name + ">");
    for (const XmlElement& e : root.children) {
        if (same_name(e.name, "Projection")) {
            matrix.reset();
            if (!trim(e.text).empty())
                fail(e.line, "text " + quote_text(e.text) + " directly inside <Projection>");
            for (const XmlElement& p : e.children) {
                if (same_name(p.name, "Projection"))
                    fail(p.line, "a <Projection> inside a <Projection>");
                if (!apply(p)) refuse(p);
            }
            file.projections.push_back({state, matrix, e.end_line});
        } else if (!apply(e)) {
            refuse(e);
        }
    }
    if (file.projections.empty())
        throw InvalidArgument(what + ": no <Projection>: an RTK geometry needs at least one");
    return file;
}

CtGeometry read_rtk_geometry(const std::string& path, const std::optional<RtkPanel>& given) {
    const RtkGeometryFile file = parse_rtk_geometry_xml(read_geometry_text(path), path);
    const std::optional<RtkPanel> panel = given ? given : file.panel;
    if (!panel) {
        throw InvalidArgument(path +
                              ": RTK's geometry has no pixel grid: give the projection images' "
                              "size and pixel spacing (radon ct geometry: --detector COLSxROWS "
                              "--pixel MM)");
    }
    std::vector<RtkProjection> parameters;
    for (const auto& entry : file.projections)
        parameters.push_back(entry.parameters);
    const CtGeometry g = ct_geometry_from_rtk(parameters, *panel, path);
    for (std::size_t i = 0; i < file.projections.size(); ++i) {
        const auto& entry = file.projections[i];
        if (!entry.matrix) continue;
        const auto computed = rtk_matrix(g, static_cast<int64_t>(i), *panel);
        for (int k = 0; k < 12; ++k) {
            const double difference = std::fabs((*entry.matrix)[k] - computed[k]);
            if (!(difference <= 0.001)) {
                std::ostringstream msg;
                msg << path << " line " << entry.line << ": the Matrix of projection " << i
                    << " differs from the one its parameters give by " << difference << " at ["
                    << k / 4 << "][" << k % 4 << "] (" << number_text((*entry.matrix)[k])
                    << " against " << number_text(computed[k]) << "); RTK refuses such a file too";
                throw InvalidArgument(msg.str());
            }
        }
    }
    return g;
}

std::string rtk_geometry_xml(const CtGeometry& g, RtkPanel panel, const std::string& what) {
    const std::vector<RtkProjection> projections = rtk_projections(g, panel, what);
    std::ostringstream out;
    out << "<?xml version=\"1.0\"?>\n<!DOCTYPE RTKGEOMETRY>\n"
        << "<RTKThreeDCircularGeometry version=\"3\">\n";
    out << "  <!-- radon: projection images of " << panel.columns << " x " << panel.rows
        << " pixels of " << number_text(panel.spacing_u_mm) << " x "
        << number_text(panel.spacing_v_mm) << " mm, pixel (0, 0) at detector coordinates ("
        << number_text(panel.origin_u()) << ", " << number_text(panel.origin_v()) << ") mm -->\n";

    using Field = double RtkProjection::*;
    struct Parameter {
        const char* name;
        Field field;
        bool global = false;
    };
    // RTK's order, at the top and in each projection.
    std::vector<Parameter> parameters = {
        {"SourceToIsocenterDistance", &RtkProjection::source_isocenter_mm},
        {"SourceToDetectorDistance", &RtkProjection::source_detector_mm},
        {"SourceOffsetX", &RtkProjection::source_offset_x_mm},
        {"SourceOffsetY", &RtkProjection::source_offset_y_mm},
        {"ProjectionOffsetX", &RtkProjection::projection_offset_x_mm},
        {"ProjectionOffsetY", &RtkProjection::projection_offset_y_mm},
        {"InPlaneAngle", &RtkProjection::in_plane_deg},
        {"OutOfPlaneAngle", &RtkProjection::out_of_plane_deg},
    };
    auto element = [&](const char* name, double v) {
        out << "    <" << name << ">" << number_text(v) << "</" << name << ">\n";
    };
    // Written once when every projection has the same value, and not at all when that value is
    // RTK's default, 0. "The same" allows the last bits that rounding leaves when a trajectory
    // made in another frame is taken apart into RTK's parameters (1e-10 mm or degree, below what
    // the 15 digits RTK writes show of a value of 1000).
    for (Parameter& p : parameters) {
        const double first = projections.front().*p.field;
        p.global = std::all_of(projections.begin(), projections.end(), [&](const RtkProjection& r) {
            return std::fabs(r.*p.field - first) <= 1e-10 * std::max(1.0, std::fabs(first));
        });
        if (p.global && number_text(first) != "0") element(p.name, first);
    }
    for (std::size_t i = 0; i < projections.size(); ++i) {
        const RtkProjection& r = projections[i];
        out << "  <Projection>\n";
        element("GantryAngle", r.gantry_deg);
        for (const Parameter& p : parameters)
            if (!p.global) element(p.name, r.*p.field);
        const auto m = rtk_matrix(g, static_cast<int64_t>(i), panel);
        out << "    <Matrix>\n";
        for (int row = 0; row < 3; ++row) {
            out << "      ";
            for (int c = 0; c < 4; ++c)
                out << (c ? " " : "") << std::setw(19) << number_text(m[row * 4 + c]);
            out << "\n";
        }
        out << "    </Matrix>\n  </Projection>\n";
    }
    out << "</RTKThreeDCircularGeometry>\n";
    return out.str();
}

void write_rtk_geometry(AtomicFileSet& outputs, const CtGeometry& geometry, const RtkPanel& panel,
                        const std::string& path) {
    outputs.add_text(path, rtk_geometry_xml(geometry, panel, path));
}

}  // namespace radon::recon
