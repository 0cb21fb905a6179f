#include "app/radon/arguments.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "kernels/core/error.h"

namespace radon::cli {

Arguments::Arguments(const std::vector<std::string>& args,
                     const std::vector<std::string>& value_options,
                     const std::vector<std::string>& flags) {
    auto takes_value = [&](const std::string& n) {
        return std::find(value_options.begin(), value_options.end(), n) != value_options.end();
    };
    auto is_flag = [&](const std::string& n) {
        return std::find(flags.begin(), flags.end(), n) != flags.end();
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg[0] != '-' || (arg[1] >= '0' && arg[1] <= '9') || arg[1] == '.') {
            positional_.push_back(arg);
            continue;
        }
        std::string name = arg;
        std::optional<std::string> inline_value;
        const auto eq = arg.find('=');
        if (eq != std::string::npos) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
        }
        if (is_flag(name)) {
            if (inline_value) throw InvalidArgument("option " + name + " takes no value");
            values_[name].push_back("");
        } else if (takes_value(name)) {
            if (inline_value) {
                values_[name].push_back(*inline_value);
            } else if (i + 1 < args.size()) {
                values_[name].push_back(args[++i]);
            } else {
                throw InvalidArgument("option " + name + " needs a value");
            }
        } else {
            throw InvalidArgument("unknown option " + name + " (see --help)");
        }
    }
}

bool Arguments::has(const std::string& name) const {
    return values_.count(name) > 0;
}

std::optional<std::string> Arguments::value(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Arguments::values(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

double Arguments::number(const std::string& name, double fallback) const {
    const auto v = value(name);
    return v ? parse_number(*v, name) : fallback;
}

int64_t Arguments::integer(const std::string& name, int64_t fallback) const {
    const auto v = value(name);
    return v ? parse_integer(*v, name) : fallback;
}

std::string Arguments::text(const std::string& name, const std::string& fallback) const {
    const auto v = value(name);
    return v ? *v : fallback;
}

std::vector<double> Arguments::numbers(const std::string& name, std::size_t count) const {
    const auto v = value(name);
    if (!v) throw InvalidArgument("option " + name + " is required");
    return parse_numbers(*v, count, name);
}

std::string Range::message(const std::string& name, double value) const {
    std::ostringstream msg;
    msg.precision(10);
    const std::string space = *unit ? " " : "";
    msg << name << (*what ? std::string(" (") + what + ")" : std::string()) << ": " << value
        << space << unit << " is out of range: expected ";
    if (low_open) {
        msg << "more than " << low << " and at most " << high;
    } else {
        msg << low << " to " << high;
    }
    msg << space << unit;
    return msg.str();
}

double Arguments::number_in(const std::string& name, double fallback, const Range& range) const {
    const double v = number(name, fallback);
    if (has(name) && !range.contains(v)) throw InvalidArgument(range.message(name, v));
    return v;
}

int64_t Arguments::integer_in(const std::string& name, int64_t fallback, const Range& range) const {
    const int64_t v = integer(name, fallback);
    if (has(name) && !range.contains(static_cast<double>(v))) {
        throw InvalidArgument(range.message(name, static_cast<double>(v)));
    }
    return v;
}

std::vector<double> Arguments::numbers_in(const std::string& name, std::size_t count,
                                          const Range& range) const {
    const std::vector<double> v = numbers(name, count);
    for (const double x : v) {
        if (!range.contains(x)) throw InvalidArgument(range.message(name, x));
    }
    return v;
}

double parse_number(const std::string& text, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v)) {
        throw InvalidArgument(what + ": '" + text + "' is not a finite number");
    }
    return v;
}

int64_t parse_integer(const std::string& text, const std::string& what) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
        throw InvalidArgument(what + ": '" + text + "' is not an integer");
    }
    return v;
}

std::vector<double> parse_numbers(const std::string& text, std::size_t count,
                                  const std::string& what) {
    std::string spaced = text;
    std::replace(spaced.begin(), spaced.end(), ',', ' ');
    std::istringstream in(spaced);
    std::vector<double> out;
    std::string token;
    while (in >> token)
        out.push_back(parse_number(token, what));
    if (out.size() != count) {
        std::ostringstream msg;
        msg << what << ": expected " << count << " comma-separated numbers, got '" << text << "'";
        throw InvalidArgument(msg.str());
    }
    return out;
}

std::vector<std::string> output_paths(const Arguments& args) {
    std::vector<std::string> outputs = args.values("-o");
    for (const auto& o : args.values("--output"))
        outputs.push_back(o);
    return outputs;
}

}  // namespace radon::cli
