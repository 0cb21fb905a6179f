#pragma once

#include <QString>

#include "kernels/core/error.h"

namespace radon::test {

// Runs f and returns the message of the InvalidArgument it throws, or an empty string when it
// throws nothing. Any other exception escapes and fails the test.
template <class F>
QString invalid_argument_message(F f) {
    try {
        f();
    } catch (const InvalidArgument& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace radon::test
