#include "recon/io/printable_text.h"

namespace radon::recon::detail {

std::string printable(std::string s) {
    for (char& c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e) c = '?';
    }
    return s;
}

std::string single_line(std::string s) {
    for (char& c : s) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) c = '?';
    }
    return s;
}

}  // namespace radon::recon::detail
