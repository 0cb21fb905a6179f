#pragma once

#include <cstdint>

#include "ui/drr/drr_parameters.h"

namespace radon::ui {

// One DRR asked of the worker. Sequence numbers grow with every request a session posts: the
// worker renders only the newest and drops anything older than what it has already taken.
struct DrrRequest {
    DrrParameters parameters;
    bool preview = false;  // a reduced detector, rendered while a slider is held
    std::uint64_t sequence = 0;
};

}  // namespace radon::ui
