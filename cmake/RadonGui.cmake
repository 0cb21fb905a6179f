# Resolves RADON_GUI (AUTO|ON|OFF) into ON or OFF before any subdirectory asks for Qt or VTK.
# AUTO builds the desktop app when every package it needs is found; ON stops at configure with
# one line per missing component, naming the Debian 12 package that provides it. render/ and
# recon/ ask for the components listed here, so the two cannot disagree.

set(RADON_QT6_COMPONENTS Core Gui Widgets OpenGL OpenGLWidgets Test)
set(RADON_VTK_COMPONENTS
    CommonCore
    CommonDataModel
    CommonMath
    CommonTransforms
    FiltersCore
    FiltersSources
    InteractionStyle
    InteractionWidgets
    RenderingAnnotation
    RenderingCore
    RenderingFreeType
    RenderingImage
    RenderingOpenGL2
    RenderingVolume
    RenderingVolumeOpenGL2)
set(RADON_ITK_COMPONENTS
    ITKCommon ITKIOImageBase ITKIONRRD ITKIOMeta ITKIONIFTI ITKIOTIFF ITKIOPNG ITKIOGDCM ITKGDCM)

# The Debian 12 package whose files provide a Qt 6 component's CMake package.
function(radon_qt6_debian_package component out)
    if(component STREQUAL "OpenGL")
        set(${out} libqt6opengl6-dev PARENT_SCOPE)
    else()
        set(${out} qt6-base-dev PARENT_SCOPE)
    endif()
endfunction()

function(radon_resolve_gui)
    string(TOUPPER "${RADON_GUI}" mode)
    if(mode STREQUAL "OFF" OR mode STREQUAL "FALSE" OR mode STREQUAL "0")
        set(RADON_GUI OFF PARENT_SCOPE)
        return()
    endif()
    if(NOT mode MATCHES "^(AUTO|ON|TRUE|1)$")
        message(FATAL_ERROR "RADON_GUI must be AUTO, ON or OFF (got '${RADON_GUI}')")
    endif()

    set(missing "")
    foreach(component IN LISTS RADON_QT6_COMPONENTS)
        find_package(Qt6${component} QUIET CONFIG)
        # OpenGLWidgets fails when OpenGL is missing: name only the cause.
        if(NOT Qt6${component}_FOUND AND NOT (component STREQUAL "OpenGLWidgets" AND
                                              NOT Qt6OpenGL_FOUND))
            radon_qt6_debian_package(${component} package)
            list(APPEND missing "Qt6 component ${component} (Debian package ${package})")
        endif()
    endforeach()
    find_package(VTK 9.1 QUIET COMPONENTS ${RADON_VTK_COMPONENTS})
    if(NOT VTK_FOUND)
        if(VTK_VERSION)
            # VTK is there, but not every module: name those it lacks.
            foreach(component IN LISTS RADON_VTK_COMPONENTS)
                if(NOT TARGET VTK::${component})
                    list(APPEND missing "VTK module ${component} (Debian package libvtk9-dev)")
                endif()
            endforeach()
        else()
            list(APPEND missing "VTK 9.1 (Debian package libvtk9-dev)")
        endif()
    endif()
    find_package(ITK 5.2 QUIET COMPONENTS ${RADON_ITK_COMPONENTS})
    if(NOT ITK_FOUND)
        list(APPEND missing "ITK 5.2 (Debian package libinsighttoolkit5-dev)")
    endif()

    if(missing STREQUAL "")
        set(RADON_GUI ON PARENT_SCOPE)
        return()
    endif()
    if(mode STREQUAL "AUTO")
        list(JOIN missing "; " said)
        message(STATUS "Radon Studio: building without the desktop app: missing ${said}")
        set(RADON_GUI OFF PARENT_SCOPE)
        return()
    endif()
    # One unwrapped line per missing part (FATAL_ERROR text is re-wrapped by CMake).
    foreach(line IN LISTS missing)
        message(NOTICE "RADON_GUI=ON needs ${line}")
    endforeach()
    message(FATAL_ERROR "RADON_GUI=ON: install the packages named above "
                        "(scripts/install-deps.sh), or configure with -DRADON_GUI=AUTO or OFF")
endfunction()

radon_resolve_gui()
