#include <QApplication>
#include <QStringList>
#include <QtTest>

#include <memory>

#include "render/vtk_view.h"
#include "tests/common/test_registry.h"

namespace radon::test {

std::vector<TestFactory>& registered_tests() {
    static std::vector<TestFactory> tests;
    return tests;
}

}  // namespace radon::test

// The GUI module's main: like tests/common/test_main.cpp (a leading "-class NAME" runs only that
// class), with a QApplication whose widgets get the OpenGL format VTK needs.
int main(int argc, char** argv) {
    radon::render::VtkView::set_default_surface_format();
    QApplication app(argc, argv);
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
