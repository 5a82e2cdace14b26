# Build settings that installers need before any target exists: reproducible binaries and the
# packaging test's switch. The package contents and CPack settings are in packaging/CMakeLists.txt.

# Reproducible binaries: the source and build folders' absolute paths stay out of the objects
# (LibTorch's TORCH_CHECK and assert() keep __FILE__), so two checkouts of one commit in different
# folders give the same bytes. Off by default: a changed command line recompiles everything once,
# and a development build gains nothing from it. scripts/package.sh and CI's installer jobs turn it on.
option(NEURODX_REPRODUCIBLE "Map source and build paths out of the binaries (for packages)" OFF)
if(NEURODX_REPRODUCIBLE AND NOT MSVC)
    add_compile_options("-ffile-prefix-map=${CMAKE_SOURCE_DIR}/=" "-ffile-prefix-map=${CMAKE_BINARY_DIR}/=")
endif()

# SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/): the time stamps a
# package carries come from the commit, not from the clock. Taken from the environment when set,
# else from git, else left unset (then CPack uses the clock and the package is not reproducible).
find_package(Git QUIET)
if(NOT DEFINED ENV{SOURCE_DATE_EPOCH})
    if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
        execute_process(COMMAND "${GIT_EXECUTABLE}" log -1 --format=%ct
                        WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
                        OUTPUT_VARIABLE NEURODX_SOURCE_DATE_EPOCH OUTPUT_STRIP_TRAILING_WHITESPACE
                        RESULT_VARIABLE git_result ERROR_QUIET)
        if(NOT git_result EQUAL 0)
            unset(NEURODX_SOURCE_DATE_EPOCH)
        endif()
    endif()
else()
    set(NEURODX_SOURCE_DATE_EPOCH "$ENV{SOURCE_DATE_EPOCH}")
endif()

# The packaging test (tests/packaging) installs the .deb into a clean Debian root. It is part of
# every test build; NEURODX_PACKAGING_TEST adds it to a build without the other tests (a package
# build: scripts/package.sh).
option(NEURODX_PACKAGING_TEST "Register the packaging test even when NEURODX_BUILD_TESTS is OFF" OFF)
if(NEURODX_PACKAGING_TEST AND NOT NEURODX_BUILD_TESTS)
    enable_testing() # here, in the top-level scope, so ctest finds the test at the build's root
endif()
