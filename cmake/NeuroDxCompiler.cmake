# Compiler settings shared by every NeuroDx target: warnings on our code, ccache when present.

find_program(NEURODX_CCACHE ccache)
if(NEURODX_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${NEURODX_CCACHE}")
    # Precompiled headers change their mtime on every configure; let ccache judge them by content.
    set(ENV{CCACHE_SLOPPINESS} "pch_defines,time_macros,include_file_mtime,include_file_ctime")
endif()

# neurodx_warnings(<target>): -Wall -Wextra -Wpedantic on our sources. Third-party headers come in
# as SYSTEM includes through their imported targets, so their warnings stay out of our builds.
function(neurodx_warnings target)
    if(MSVC)
        target_compile_options(${target} PRIVATE /W4 /permissive-)
    else()
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    endif()
endfunction()

# lld when installed: ~80 executables link against LibTorch, Qt and the engine, and GNU ld takes
# ~5 s for each where lld takes under 1 s (measured on tst_trainer in the ASan build). GCC and clang
# both accept -fuse-ld=lld; MSVC and Apple's toolchains keep their own linkers.
option(NEURODX_USE_LLD "Link with lld when it is installed" ON)
if(NEURODX_USE_LLD AND NOT MSVC AND NOT APPLE)
    include(CheckLinkerFlag)
    check_linker_flag(CXX "-fuse-ld=lld" NEURODX_LINKER_LLD_WORKS)
    if(NEURODX_LINKER_LLD_WORKS)
        add_link_options(-fuse-ld=lld)
    endif()
endif()

# neurodx_unity(<target>): compile the target's sources in batches of 8 (CMake's unity build). Qt's
# and the engine's headers are then parsed once a batch instead of once a file: the GUI library and
# the command line's commands are mostly header parsing. NEURODX_UNITY_BUILD=OFF compiles file by file
# (one edit recompiles one file); the sources keep their helpers in distinct names either way.
option(NEURODX_UNITY_BUILD "Compile the GUI library and the CLI commands in batches" ON)
function(neurodx_unity target)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ${NEURODX_UNITY_BUILD} UNITY_BUILD_BATCH_SIZE 8)
endfunction()
