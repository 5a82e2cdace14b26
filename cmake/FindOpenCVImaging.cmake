# Finds the three OpenCV modules NeuroDx uses (core, imgproc, imgcodecs) and defines
# OpenCVImaging::OpenCVImaging. Uses OpenCV's own config where installed (libopencv-dev, vcpkg,
# Homebrew); otherwise finds the libraries directly, which works with Debian's lean per-module
# -dev packages that ship no CMake config.

find_package(OpenCV QUIET COMPONENTS core imgproc imgcodecs)
if(OpenCV_FOUND)
    add_library(OpenCVImaging::OpenCVImaging INTERFACE IMPORTED)
    target_link_libraries(OpenCVImaging::OpenCVImaging INTERFACE opencv_core opencv_imgproc opencv_imgcodecs)
    set(OpenCVImaging_VERSION "${OpenCV_VERSION}")
    set(OpenCVImaging_FOUND TRUE)
    return()
endif()

find_path(OpenCVImaging_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
find_path(OpenCVImaging_CONFIG_INCLUDE_DIR opencv2/cvconfig.h PATH_SUFFIXES opencv4
    HINTS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/opencv4)
foreach(module core imgproc imgcodecs)
    find_library(OpenCVImaging_${module}_LIBRARY NAMES opencv_${module})
    list(APPEND _opencv_imaging_libs OpenCVImaging_${module}_LIBRARY)
endforeach()

if(OpenCVImaging_INCLUDE_DIR AND EXISTS "${OpenCVImaging_INCLUDE_DIR}/opencv2/core/version.hpp")
    file(STRINGS "${OpenCVImaging_INCLUDE_DIR}/opencv2/core/version.hpp" _cv_version_lines
        REGEX "#define CV_VERSION_(MAJOR|MINOR|REVISION) ")
    foreach(part MAJOR MINOR REVISION)
        string(REGEX REPLACE ".*#define CV_VERSION_${part} +([0-9]+).*" "\\1" _cv_${part} "${_cv_version_lines}")
    endforeach()
    set(OpenCVImaging_VERSION "${_cv_MAJOR}.${_cv_MINOR}.${_cv_REVISION}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenCVImaging
    REQUIRED_VARS OpenCVImaging_INCLUDE_DIR ${_opencv_imaging_libs}
    VERSION_VAR OpenCVImaging_VERSION)

if(OpenCVImaging_FOUND AND NOT TARGET OpenCVImaging::OpenCVImaging)
    add_library(OpenCVImaging::OpenCVImaging INTERFACE IMPORTED)
    set(_dirs "${OpenCVImaging_INCLUDE_DIR}")
    if(OpenCVImaging_CONFIG_INCLUDE_DIR)
        list(APPEND _dirs "${OpenCVImaging_CONFIG_INCLUDE_DIR}")
    endif()
    set_target_properties(OpenCVImaging::OpenCVImaging PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${_dirs}"
        INTERFACE_LINK_LIBRARIES "${OpenCVImaging_core_LIBRARY};${OpenCVImaging_imgproc_LIBRARY};${OpenCVImaging_imgcodecs_LIBRARY}")
endif()
