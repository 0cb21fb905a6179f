#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace radon::cli {

// The command line of one subcommand: options ("--name value" or "--name=value", "-o value"),
// flags ("--name") and positional arguments. Every option a command reads is declared, so an
// unknown or misspelt one is an error rather than silently ignored.
// Accepted values of a numeric option, for range checks and their messages.
struct Range {
    double low, high;
    bool low_open = false;  // low itself is not accepted
    const char* what =
        "";  // what the option sets, for the message ("source to isocenter distance")
    const char* unit = "";  // "mm", "degrees", or "" for counts

    bool contains(double v) const { return (low_open ? v > low : v >= low) && v <= high; }
    // "VALUE UNIT is out of range: expected ..." for `name`.
    std::string message(const std::string& name, double value) const;
};

class Arguments {
  public:
    // `value_options` take a value; `flags` do not. Names include the dashes.
    Arguments(const std::vector<std::string>& args, const std::vector<std::string>& value_options,
              const std::vector<std::string>& flags);

    bool has(const std::string& name) const;
    bool flag(const std::string& name) const { return has(name); }
    // The last value given for `name`, if any.
    std::optional<std::string> value(const std::string& name) const;
    std::vector<std::string> values(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }

    // Typed accessors: a malformed value throws InvalidArgument naming the option and the
    // expected form.
    double number(const std::string& name, double fallback) const;
    int64_t integer(const std::string& name, int64_t fallback) const;
    std::string text(const std::string& name, const std::string& fallback) const;
    // "a,b,c" (commas or spaces); exactly `count` numbers.
    std::vector<double> numbers(const std::string& name, std::size_t count) const;

    // The same, held to `range`: a value outside it throws InvalidArgument naming the option,
    // what it sets, the value and the range, e.g. "--sad (source to isocenter distance): 1e+308
    // mm is out of range: expected more than 0 and at most 100000 mm". Huge values would
    // otherwise overflow the geometry into NaN images, or ask for impossible thread counts.
    double number_in(const std::string& name, double fallback, const Range& range) const;
    int64_t integer_in(const std::string& name, int64_t fallback, const Range& range) const;
    // Each of `count` numbers held to `range`.
    std::vector<double> numbers_in(const std::string& name, std::size_t count,
                                   const Range& range) const;

  private:
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
};

// The output files of a command: every -o and --output value.
std::vector<std::string> output_paths(const Arguments& args);

double parse_number(const std::string& text, const std::string& what);
int64_t parse_integer(const std::string& text, const std::string& what);
std::vector<double> parse_numbers(const std::string& text, std::size_t count,
                                  const std::string& what);

}  // namespace radon::cli
