#pragma once

#include <string>

// Text quoted into a one-line message: the CLI prints exactly one line per error, and bytes from
// a damaged file or a library (newlines, NUL, escape codes) must neither cut nor split it.
namespace radon::recon::detail {

// `s` with every control or non-ASCII byte replaced by '?': for text quoted from a file or a
// library into a one-line message.
std::string printable(std::string s);

// `s` with every control byte (newlines, tabs, NUL, escape) replaced by '?'; other bytes, such
// as the UTF-8 of a file name, are kept. For a whole message that already quotes file bytes only
// through printable().
std::string single_line(std::string s);

}  // namespace radon::recon::detail
