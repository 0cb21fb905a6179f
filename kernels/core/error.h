#pragma once

#include <stdexcept>
#include <string>

namespace radon {

// Every error that reaches a user carries a message that names the problem and, where there is
// one, the field and the value that was expected.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A request that cannot be honoured as given (bad geometry, bad option value, bad file).
class InvalidArgument : public Error {
  public:
    using Error::Error;
};

// Thrown by long operations when their cancel token fires.
class Cancelled : public Error {
  public:
    Cancelled() : Error("operation cancelled") {}
};

}  // namespace radon
