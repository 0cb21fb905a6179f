#include <QCoreApplication>
#ifdef RADON_TEST_WIDGETS
#include <QApplication>
#endif
#ifdef RADON_TEST_VTK
#include "render/vtk_view.h"
#endif
#include <QStringList>
#include <QtTest>

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
