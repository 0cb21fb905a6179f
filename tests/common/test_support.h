#pragma once

#include <QString>

#include "kernels/core/error.h"

namespace radon::test {

// Runs f and returns the message of the exception of type E it throws, or an empty string when
// it throws nothing. Any other exception escapes and fails the test.
template <class E, class F>
QString thrown_message(F f) {
    try {
        f();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

template <class F>
QString invalid_argument_message(F f) {
    return thrown_message<InvalidArgument>(f);
}

}  // namespace radon::test
