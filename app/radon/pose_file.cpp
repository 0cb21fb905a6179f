// The poses file of `radon drr-batch`, shared with `radon ct geometry --poses`.

#include "app/radon/pose_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <iomanip>
#include <istream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/printable_text.h"

namespace radon::cli {
namespace {

// Component columns of the vector options.
struct VectorColumns {
    const char* option;
    std::vector<std::string> columns;
};

const std::vector<VectorColumns>& vector_columns() {
    static const std::vector<VectorColumns> groups = [] {
        std::vector<VectorColumns> g = {
            {"--rotation", {"rx", "ry", "rz"}},         {"--translation", {"tx", "ty", "tz"}},
            {"--quaternion", {"qw", "qx", "qy", "qz"}}, {"--axis-angle", {"ax", "ay", "az"}},
            {"--isocenter-offset", {"ox", "oy", "oz"}}, {"--matrix", {}}};
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c)
                g.back().columns.push_back("m" + std::to_string(r) + std::to_string(c));
        return g;
    }();
    return groups;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

// "isocenter_offset", "--isocenter-offset" and "Isocenter-Offset" all name --isocenter-offset.
std::string key_to_option(const std::string& key) {
    std::string k = lower(trim(key));
    while (!k.empty() && k.front() == '-')
        k.erase(k.begin());
    std::replace(k.begin(), k.end(), '_', '-');
    return "--" + k;
}

bool is_pose_option(const std::string& option) {
    const auto& options = pose_options();
    return std::find(options.begin(), options.end(), option) != options.end();
}

std::string accepted_columns() {
    std::string out;
    for (const auto& o : pose_options())
        out += (out.empty() ? "" : ", ") + o.substr(2);
    for (const auto& g : vector_columns()) {
        out += ", " + g.columns.front() + ".." + g.columns.back();
    }
    return out + ", name";
}

// Turns one row (column name -> cell text, empty cells dropped) into option tokens.
PoseEntry entry_from_cells(const std::map<std::string, std::string>& cells, const std::string& file,
                           const std::string& where) {
    PoseEntry entry;
    entry.where = where;
    std::map<std::string, bool> used;
    for (const auto& g : vector_columns()) {
        std::vector<std::string> parts;
        std::vector<std::string> missing;
        for (const auto& c : g.columns) {
            const auto it = cells.find(c);
            if (it == cells.end()) {
                missing.push_back(c);
            } else {
                parts.push_back(it->second);
                used[c] = true;
            }
        }
        if (parts.empty()) continue;
        if (!missing.empty()) {
            std::string m;
            for (const auto& c : missing)
                m += (m.empty() ? "" : ", ") + c;
            throw InvalidArgument(where + ": " + std::string(g.option + 2) +
                                  " needs every one of " + g.columns.front() + ".." +
                                  g.columns.back() + " (missing " + m + ")");
        }
        std::string joined;
        for (const auto& p : parts)
            joined += (joined.empty() ? "" : ",") + p;
        entry.tokens.push_back(g.option);
        entry.tokens.push_back(joined);
    }
    for (const auto& [key, value] : cells) {
        if (used.count(key)) continue;
        if (key == "name" || key == "id") {
            entry.label = value;
            continue;
        }
        const std::string option = key_to_option(key);
        if (!is_pose_option(option)) {
            throw InvalidArgument(file + ": unknown pose column '" + recon::detail::printable(key) +
                                  "': expected some of " + accepted_columns());
        }
        entry.tokens.push_back(option);
        entry.tokens.push_back(value);
    }
    return entry;
}

// Splits one CSV line: commas separate cells, double quotes protect commas ("" is a quote).
std::vector<std::string> csv_cells(const std::string& line, const std::string& where) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.push_back(trim(cell));
            cell.clear();
        } else {
            cell += c;
        }
    }
    if (quoted) throw InvalidArgument(where + ": a quoted cell is not closed");
    cells.push_back(trim(cell));
    return cells;
}

std::vector<PoseEntry> read_csv_poses(std::istream& in, const std::string& file) {
    std::vector<PoseEntry> entries;
    std::vector<std::string> header;
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
        ++line_number;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const std::string where = file + " line " + std::to_string(line_number);
        const std::vector<std::string> cells = csv_cells(t, where);
        if (header.empty()) {
            for (const auto& c : cells)
                header.push_back(lower(c));
            for (std::size_t i = 0; i < header.size(); ++i) {
                if (header[i].empty()) {
                    throw InvalidArgument(where + ": column " + std::to_string(i + 1) +
                                          " of the header has no name");
                }
                if (std::count(header.begin(), header.end(), header[i]) > 1) {
                    throw InvalidArgument(where + ": column '" +
                                          recon::detail::printable(header[i]) + "' appears twice");
                }
            }
            continue;
        }
        if (cells.size() != header.size()) {
            throw InvalidArgument(where + ": " + std::to_string(cells.size()) +
                                  " cells, expected " + std::to_string(header.size()) +
                                  " as in the header");
        }
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (!cells[i].empty()) row[header[i]] = cells[i];
        }
        entries.push_back(entry_from_cells(row, file, where));
    }
    if (header.empty()) throw InvalidArgument(file + ": no header row (and no poses)");
    return entries;
}

std::string json_number(double v) {
    std::ostringstream s;
    s << std::setprecision(17) << v;
    return s.str();
}

std::vector<PoseEntry> read_json_poses(std::istream& in, const std::string& file) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw InvalidArgument(file + ": not valid JSON (" + recon::detail::printable(e.what()) +
                              ")");
    }
    if (doc.is_object() && doc.contains("poses")) doc = doc["poses"];
    if (!doc.is_array()) {
        throw InvalidArgument(file + ": expected an array of poses, or an object with \"poses\"");
    }
    std::vector<PoseEntry> entries;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const std::string where = file + " pose " + std::to_string(i);
        const nlohmann::json& pose = doc[i];
        if (!pose.is_object()) throw InvalidArgument(where + ": expected an object");
        std::map<std::string, std::string> cells;
        for (const auto& [key, value] : pose.items()) {
            std::string text;
            if (value.is_number()) {
                text = json_number(value.get<double>());
            } else if (value.is_string()) {
                text = value.get<std::string>();
            } else if (value.is_array()) {
                for (const auto& x : value) {
                    if (!x.is_number()) {
                        throw InvalidArgument(where + ": '" + recon::detail::printable(key) +
                                              "' must hold numbers only");
                    }
                    text += (text.empty() ? "" : ",") + json_number(x.get<double>());
                }
            } else if (value.is_null()) {
                continue;
            } else {
                throw InvalidArgument(where + ": '" + recon::detail::printable(key) +
                                      "' must be a number, a string or an array of numbers");
            }
            cells[lower(key)] = text;
        }
        entries.push_back(entry_from_cells(cells, file, where));
    }
    return entries;
}

// A million poses take some 10 to 50 MB of CSV; these bounds refuse what is not a poses file (a
// device, a log, one endless line) before it costs memory.
constexpr std::uintmax_t kMaxPosesFileBytes = std::uintmax_t{256} << 20;
constexpr std::size_t kMaxPoseLineBytes = std::size_t{64} << 10;

std::string file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a named pipe";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

// The bytes of a poses file: a regular file only (a pipe or /dev/zero would block or never end),
// of at most kMaxPosesFileBytes.
std::string read_poses_bytes(const std::string& path) {
    const auto refuse = [&](const std::string& problem) {
        throw InvalidArgument("--poses: " + path + ": " + problem);
    };
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        refuse(errno == ENOENT ? "no such file" : std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode)) {
        refuse("is " + file_kind(info.st_mode) + ", expected a .csv or .json file");
    }
    // Non-blocking, in case a pipe took the file's place since the check.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) refuse(std::string("cannot be opened: ") + std::strerror(errno));
    std::string bytes;
    try {
        if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
            refuse("is " + file_kind(info.st_mode) + ", expected a .csv or .json file");
        }
        const auto too_large = [&] {
            refuse("is larger than " + std::to_string(kMaxPosesFileBytes >> 20) +
                   " MiB, the most a poses file may have (not a poses file?)");
        };
        if (static_cast<std::uintmax_t>(info.st_size) > kMaxPosesFileBytes) too_large();
        char buffer[1 << 16];
        for (;;) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) refuse(std::string("cannot be read: ") + std::strerror(errno));
            if (n == 0) break;
            bytes.append(buffer, static_cast<std::size_t>(n));
            if (bytes.size() > kMaxPosesFileBytes) too_large();  // a file still growing
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    return bytes;
}

// Text in UTF-8 (a byte-order mark, as spreadsheet programs write, is dropped), without NUL bytes
// and, for CSV, without lines longer than kMaxPoseLineBytes. Messages quote no bytes of the file.
std::string poses_text(std::string bytes, const std::string& path, bool lines_matter) {
    const auto starts_with = [&](const char* prefix) { return bytes.rfind(prefix, 0) == 0; };
    if (starts_with("\xFF\xFE") || starts_with("\xFE\xFF")) {
        throw InvalidArgument("--poses: " + path +
                              ": is UTF-16 (or UTF-32) text; save it as UTF-8 or plain ASCII");
    }
    if (starts_with("\xEF\xBB\xBF")) bytes.erase(0, 3);
    const auto line_of = [&](std::size_t at) {
        return std::to_string(1 + std::count(bytes.begin(), bytes.begin() + at, '\n'));
    };
    const std::size_t nul = bytes.find('\0');
    if (nul != std::string::npos) {
        throw InvalidArgument(path + " line " + line_of(nul) +
                              ": holds a NUL byte (binary data, or UTF-16 text without a "
                              "byte-order mark); expected UTF-8 text");
    }
    if (lines_matter) {
        for (std::size_t start = 0; start < bytes.size();) {
            std::size_t end = bytes.find('\n', start);
            if (end == std::string::npos) end = bytes.size();
            if (end - start > kMaxPoseLineBytes) {
                throw InvalidArgument(path + " line " + line_of(start) + ": is longer than " +
                                      std::to_string(kMaxPoseLineBytes) +
                                      " bytes, the most a line of a poses file may have");
            }
            start = end + 1;
        }
    }
    return bytes;
}

// The rows of a CSV poses file that hold a pose (not blank, not a comment, not the header), as
// read_csv_poses will find them: counted first, so that too many are refused in a fraction of
// the time parsing them takes.
std::size_t csv_pose_rows(const std::string& text) {
    std::size_t rows = 0;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const std::string t = trim(line);
        if (!t.empty() && t[0] != '#') ++rows;
    }
    return rows > 0 ? rows - 1 : 0;
}

}  // namespace

std::vector<PoseEntry> read_poses(const std::string& path,
                                  const std::function<void(std::size_t)>& check_count) {
    const std::string ext = recon::file_extension(path);
    if (ext != ".json" && ext != ".csv" && ext != ".txt") {
        throw InvalidArgument("--poses: " + path + ": unknown format '" +
                              recon::detail::printable(ext) + "': expected .csv or .json");
    }
    const std::string text = poses_text(read_poses_bytes(path), path, ext != ".json");
    if (ext != ".json") check_count(csv_pose_rows(text));
    std::istringstream in(text);
    std::vector<PoseEntry> entries;
    if (ext == ".json") {
        entries = read_json_poses(in, path);
    } else {
        entries = read_csv_poses(in, path);
    }
    if (entries.empty()) throw InvalidArgument("--poses: " + path + " lists no poses");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].label.empty()) entries[i].label = std::to_string(i);
    }
    return entries;
}

PoseChoice entry_pose(const PoseEntry& entry, const Arguments& command, Vec3 default_isocenter) {
    std::vector<std::string> tokens = entry.tokens;
    for (const char* option : {"--sad", "--sdd"}) {
        if (std::find(tokens.begin(), tokens.end(), option) == tokens.end() &&
            command.has(option)) {
            tokens.push_back(option);
            tokens.push_back(*command.value(option));
        }
    }
    try {
        const Arguments args(tokens, pose_options(), {});
        return pose_from_arguments(args, default_isocenter);
    } catch (const InvalidArgument& e) {
        // The option parsers quote the cell as it was in the file.
        throw InvalidArgument(entry.where + ": " + recon::detail::printable(e.what()));
    }
}

}  // namespace radon::cli
