// Forced into radon_recon's sources in the fuzz build only (see CMakeLists.txt here). Debian's
// ITK 5.2 ships itk_compiler_detection.h generated for GCC alone and stops with "Unsupported
// compiler" under clang, which libFuzzer needs. Clang speaks GCC's dialect and links against the
// same libstdc++, so the detection header is read once here as the GCC 12.2 that built ITK
// would read it; its include guard then keeps ITK's own include from reading it again.
#pragma once

#if defined(__clang__)
#pragma push_macro("__clang__")
#pragma push_macro("__GNUC__")
#pragma push_macro("__GNUC_MINOR__")
#undef __clang__
#undef __GNUC__
#undef __GNUC_MINOR__
#define __GNUC__ 12
#define __GNUC_MINOR__ 2
#include <itk_compiler_detection.h>
#pragma pop_macro("__GNUC_MINOR__")
#pragma pop_macro("__GNUC__")
#pragma pop_macro("__clang__")
#endif
