#include "ui/common/studio_palette.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

#include <memory>

namespace radon::ui {

const char* to_string(StudioPalette palette) {
    return palette == StudioPalette::Dark ? "dark" : "light";
}

std::optional<StudioPalette> parse_studio_palette(const QString& name) {
    if (name == QLatin1String("dark")) return StudioPalette::Dark;
    if (name == QLatin1String("light")) return StudioPalette::Light;
    return std::nullopt;
}

QPalette make_palette(StudioPalette palette) {
    if (palette == StudioPalette::Light) {
        // Fusion's own light palette: black text on light grey, contrast well above 7:1.
        const std::unique_ptr<QStyle> fusion(QStyleFactory::create("Fusion"));
        return fusion->standardPalette();
    }
    // Light grey text on dark grey panels; disabled text dimmer but still legible (about 4:1).
    const QColor window(45, 47, 52), base(30, 31, 35), text(225, 226, 230);
    const QColor disabled(135, 137, 142), highlight(58, 130, 210);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(55, 58, 64));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Light, QColor(75, 78, 85));
    p.setColor(QPalette::Midlight, QColor(62, 65, 71));
    p.setColor(QPalette::Mid, QColor(38, 40, 44));
    p.setColor(QPalette::Dark, QColor(25, 26, 29));
    p.setColor(QPalette::Shadow, QColor(10, 10, 12));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(110, 170, 240));
    p.setColor(QPalette::LinkVisited, QColor(170, 140, 240));
    for (const auto role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::ToolTipText}) {
        p.setColor(QPalette::Disabled, role, disabled);
    }
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(70, 72, 78));
    p.setColor(QPalette::Disabled, QPalette::HighlightedText, disabled);
    return p;
}

void apply_studio_palette(StudioPalette palette) {
    if (QApplication::style()->objectName().compare("fusion", Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create("Fusion"));
    QApplication::setPalette(make_palette(palette));
}

}  // namespace radon::ui
