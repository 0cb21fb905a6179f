// The runner of tests/common/mini_qtest.h: runs every registered case, prints one line per case
// in Qt Test's style, and exits with 1 when any failed. Arguments name cases to run (all when
// none are given).

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "tests/common/mini_qtest.h"

namespace radon::minitest {

State& state() {
    static State s;
    return s;
}

void report_failure(const std::string& what, const char* file, int line) {
    State& s = state();
    if (!s.failed) s.message = what + "\n   Loc: [" + file + "(" + std::to_string(line) + ")]";
    s.failed = true;
}

void report_skip(const std::string& why, const char* file, int line) {
    State& s = state();
    if (!s.failed) s.message = why + "\n   Loc: [" + file + "(" + std::to_string(line) + ")]";
    s.skipped = true;
}

std::vector<std::pair<std::string, SuiteFactory>>& suites() {
    static std::vector<std::pair<std::string, SuiteFactory>> all;
    return all;
}

}  // namespace radon::minitest

int main(int argc, char** argv) {
    using namespace radon::minitest;
    const std::vector<std::string> only(argv + 1, argv + argc);
    int passed = 0, failed = 0, skipped = 0;
    for (const auto& [suite, make] : suites()) {
        std::printf("********* Start testing of %s (without Qt) *********\n", suite.c_str());
        for (const auto& [name, run] : make()) {
            if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
            state() = State{};
            try {
                run();
            } catch (const std::exception& e) {
                report_failure(std::string("uncaught exception: ") + e.what(), __FILE__, __LINE__);
            } catch (...) {
                report_failure("uncaught exception of unknown type", __FILE__, __LINE__);
            }
            const State& s = state();
            const char* verdict = s.failed ? "FAIL!  " : (s.skipped ? "SKIP   " : "PASS   ");
            std::printf("%s: %s::%s()%s%s\n", verdict, suite.c_str(), name.c_str(),
                        s.message.empty() ? "" : " ", s.message.c_str());
            (s.failed ? failed : (s.skipped ? skipped : passed))++;
        }
    }
    std::printf("Totals: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    std::fflush(stdout);
    return failed == 0 ? 0 : 1;
}
