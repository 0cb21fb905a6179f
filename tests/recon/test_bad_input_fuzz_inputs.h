#pragma once

#include <string>
#include <vector>

// Inputs that crashed, hung or over-allocated the volume readers under scripts/fuzz.sh, kept
// byte for byte so that each stays fixed.
namespace radon::test {

struct FuzzFinding {
    std::string file_name;  // its extension picks the reader, as in the fuzz target
    std::string problem;    // a part of the message read_volume must give now
    std::string bytes;
};

std::vector<FuzzFinding> fuzz_findings();

}  // namespace radon::test
