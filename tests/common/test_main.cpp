#include <QCoreApplication>
#ifdef RADON_TEST_WIDGETS
#include <QApplication>
#endif
#ifdef RADON_TEST_VTK
#include "render/common/vtk_view.h"
#endif
#include <QStringList>
#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

#include "tests/common/test_registry.h"

namespace radon::test {

std::vector<TestFactory>& registered_tests() {
    static std::vector<TestFactory> tests;
    return tests;
}

}  // namespace radon::test

// Runs every registered test class. Arguments are passed to each class as QTest accepts them,
// except that a leading "-class NAME" runs only that class.
int main(int argc, char** argv) {
    // An exception that escapes a test would reach QTest's crash handler, which attaches a
    // debugger to every thread and can outlast ctest's timeout; fail at once instead.
    std::set_terminate([] {
        const std::exception_ptr current = std::current_exception();
        try {
            if (current) std::rethrow_exception(current);
            std::fputs("FAIL: std::terminate without an exception\n", stderr);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "FAIL: uncaught exception: %s\n", e.what());
        } catch (...) {
            std::fputs("FAIL: uncaught exception of an unknown type\n", stderr);
        }
        std::fflush(stderr);
        std::_Exit(3);
    });
#ifdef RADON_TEST_VTK
    radon::render::VtkView::set_default_surface_format();  // before the application, as VTK needs
#endif
#ifdef RADON_TEST_WIDGETS
    QApplication app(argc, argv);  // modules that test widgets need a GUI application
#else
    QCoreApplication app(argc, argv);
#endif
    QStringList args = app.arguments();
    QString only;
    const int at = args.indexOf("-class");
    if (at > 0 && at + 1 < args.size()) {
        only = args[at + 1];
        args.remove(at, 2);
    }
    int failures = 0;
    for (const auto& make : radon::test::registered_tests()) {
        std::unique_ptr<QObject> test(make());
        if (!only.isEmpty() && only != test->metaObject()->className()) continue;
        failures += QTest::qExec(test.get(), args);
    }
    return failures == 0 ? 0 : 1;
}
