#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace radon::cli {

// The command line of one subcommand: options ("--name value" or "--name=value", "-o value"),
// flags ("--name") and positional arguments. Every option a command reads is declared, so an
// unknown or misspelt one is an error rather than silently ignored.
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
