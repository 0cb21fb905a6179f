#include "app/radon/command_messages.h"

#include <cstdio>

#include "recon/io/printable_text.h"

namespace radon::cli {
namespace {

void print_line(const std::string& command, const char* kind, const std::string& text) {
    const std::string line = recon::detail::single_line(text);
    std::fprintf(stderr, "radon %s: %s%s\n", command.c_str(), kind, line.c_str());
}

}  // namespace

void print_error(const std::string& command, const std::string& text) {
    print_line(command, "error: ", text);
}

void print_warning(const std::string& command, const std::string& text) {
    print_line(command, "warning: ", text);
}

void print_note(const std::string& command, const std::string& text) {
    print_line(command, "", text);
}

}  // namespace radon::cli
