#!/usr/bin/env bash
# Configures and builds Radon Studio in ./build (Release). Extra arguments go to CMake,
# e.g. scripts/build.sh -DRADON_CUDA=OFF. The desktop app's parts (RADON_GUI) are built when
# Qt 6 Widgets/OpenGLWidgets and VTK 9 are installed; -DRADON_GUI=OFF or ON overrides that.
set -euo pipefail
cd "$(dirname "$0")/.."

has_cmake_package() {  # NAME/CONFIG-FILE under a usual CMake prefix
    compgen -G "/usr/lib/*/cmake/$1" >/dev/null || compgen -G "/usr/lib/cmake/$1" >/dev/null ||
        compgen -G "/usr/local/lib/cmake/$1" >/dev/null || compgen -G "/usr/local/lib/*/cmake/$1" >/dev/null
}

gui=OFF
if has_cmake_package "Qt6Widgets/Qt6WidgetsConfig.cmake" &&
    has_cmake_package "Qt6OpenGLWidgets/Qt6OpenGLWidgetsConfig.cmake" &&
    has_cmake_package "vtk-9*/vtk-config.cmake"; then
    gui=ON
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRADON_GUI="$gui" "$@" >/dev/null
cmake --build build -j"$(nproc)"
