#pragma once

#include <QColor>
#include <QImage>

#include <cstdlib>

namespace radon::test {

// Pixels of `image` whose red, green or blue differs from `color` by more than `tolerance`.
inline int count_pixels_unlike(const QImage& image, QColor color, int tolerance = 12) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    int count = 0;
    for (int y = 0; y < rgb.height(); ++y)
        for (int x = 0; x < rgb.width(); ++x) {
            const QRgb p = rgb.pixel(x, y);
            if (std::abs(qRed(p) - color.red()) > tolerance ||
                std::abs(qGreen(p) - color.green()) > tolerance ||
                std::abs(qBlue(p) - color.blue()) > tolerance)
                ++count;
        }
    return count;
}

// Mean grey (0-255) of the pixels in `rect`.
inline double mean_grey(const QImage& image, const QRect& rect) {
    double sum = 0;
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x) {
            sum += qGray(image.pixel(x, y));
            ++n;
        }
    return n ? sum / n : 0;
}

}  // namespace radon::test
