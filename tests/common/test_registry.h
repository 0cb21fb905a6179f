#pragma once

#include <QObject>

#include <functional>
#include <vector>

namespace radon::test {

// Each test file registers its QObject test class with RADON_TEST_CLASS; the module's single
// executable (one per module, see tests/CMakeLists.txt) runs them all through QTest::qExec.
using TestFactory = std::function<QObject*()>;
std::vector<TestFactory>& registered_tests();

struct Registrar {
    explicit Registrar(TestFactory factory) { registered_tests().push_back(std::move(factory)); }
};

}  // namespace radon::test

#define RADON_TEST_CLASS(Class) \
    static const ::radon::test::Registrar radon_registrar_##Class([] { return new Class; })
