#include "recon/bench/peak_memory.h"

#include <fstream>
#include <string>

namespace radon::recon {
namespace {

double status_field_mb(const char* field) {
    std::ifstream status("/proc/self/status");
    const std::string key = field;
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024.0;
    }
    return 0;
}

}  // namespace

void reset_peak_memory() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

double peak_memory_mb() {
    return status_field_mb("VmHWM:");
}

double resident_memory_mb() {
    return status_field_mb("VmRSS:");
}

}  // namespace radon::recon
