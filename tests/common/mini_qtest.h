#pragma once

// The few Qt Test macros the CUDA suite uses, for machines without Qt (a GPU server with only a
// compiler and the CUDA toolkit). tests/CMakeLists.txt builds tests/kernels/test_drr_cuda.cpp
// against this header and mini_qtest_main.cpp when Qt6::Test is not found; with Qt the same
// source is a normal Qt Test class. Each test function lists itself in the class's cases().

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#define Q_OBJECT
#define slots

class QObject {
  public:
    virtual ~QObject() = default;
};

namespace radon::minitest {

// Outcome of the running test function; set by the macros below.
struct State {
    bool failed = false;
    bool skipped = false;
    std::string message;  // the first failure, or the reason for skipping, with its location
};
State& state();

void report_failure(const std::string& what, const char* file, int line);
void report_skip(const std::string& why, const char* file, int line);

template <class A, class B>
bool compare(const A& actual, const B& expected, const char* actual_text, const char* expected_text,
             const char* file, int line) {
    if (actual == expected) return true;
    std::ostringstream msg;
    msg << "QCOMPARE(" << actual_text << ", " << expected_text << "): actual " << actual
        << ", expected " << expected;
    report_failure(msg.str(), file, line);
    return false;
}

using Case = std::pair<std::string, std::function<void()>>;
using SuiteFactory = std::function<std::vector<Case>()>;
std::vector<std::pair<std::string, SuiteFactory>>& suites();

struct SuiteRegistrar {
    SuiteRegistrar(const char* name, SuiteFactory factory) {
        suites().emplace_back(name, std::move(factory));
    }
};

}  // namespace radon::minitest

#define QVERIFY(condition)                                                                    \
    do {                                                                                      \
        if (!(condition)) {                                                                   \
            ::radon::minitest::report_failure("QVERIFY(" #condition ")", __FILE__, __LINE__); \
            return;                                                                           \
        }                                                                                     \
    } while (false)

#define QVERIFY2(condition, message)                                                        \
    do {                                                                                    \
        if (!(condition)) {                                                                 \
            ::radon::minitest::report_failure(                                              \
                std::string("QVERIFY2(" #condition "): ") + std::string(message), __FILE__, \
                __LINE__);                                                                  \
            return;                                                                         \
        }                                                                                   \
    } while (false)

#define QCOMPARE(actual, expected)                                                          \
    do {                                                                                    \
        if (!::radon::minitest::compare((actual), (expected), #actual, #expected, __FILE__, \
                                        __LINE__))                                          \
            return;                                                                         \
    } while (false)

#define QFAIL(message)                                                               \
    do {                                                                             \
        ::radon::minitest::report_failure(std::string(message), __FILE__, __LINE__); \
        return;                                                                      \
    } while (false)

#define QSKIP(message)                                                            \
    do {                                                                          \
        ::radon::minitest::report_skip(std::string(message), __FILE__, __LINE__); \
        return;                                                                   \
    } while (false)

namespace QTest {
inline bool currentTestFailed() {
    return ::radon::minitest::state().failed;
}
}  // namespace QTest

// Registers test class `Class`, whose static cases() lists its test functions.
#define RADON_MINI_TEST_CLASS(Class)                                             \
    static const ::radon::minitest::SuiteRegistrar radon_mini_registrar_##Class( \
        #Class, [] { return Class::cases(); })
