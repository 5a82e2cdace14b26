# Instrumented builds of NeuroDx's own code (LibTorch, Qt, DCMTK, OpenCV stay as Debian built them):
#   NEURODX_SANITIZE=address;undefined  the whole test suite under ASan + UBSan (scripts/sanitize.sh)
#   NEURODX_SANITIZE=thread             ThreadSanitizer, for the tests labelled "threads"
#   NEURODX_FUZZ=ON                     the libFuzzer targets of tests/fuzz (clang; scripts/fuzz.sh)
set(NEURODX_SANITIZE "" CACHE STRING "Sanitizers for NeuroDx's code: address;undefined, or thread")
option(NEURODX_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang and libclang-rt-dev)" OFF)

if(NEURODX_SANITIZE)
    list(JOIN NEURODX_SANITIZE "," sanitizers)
    add_compile_options(-fsanitize=${sanitizers} -fno-omit-frame-pointer -g1)
    add_link_options(-fsanitize=${sanitizers})
    if("undefined" IN_LIST NEURODX_SANITIZE)
        # Undefined behaviour stops the test that meets it, as a crash would.
        add_compile_options(-fno-sanitize-recover=undefined)
    endif()
    # The sanitizers bring their own allocator; jemalloc would hide every allocation from them.
    set(NEURODX_USE_JEMALLOC OFF CACHE BOOL "" FORCE)
endif()

if(NEURODX_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "NEURODX_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-14")
    endif()
    # Coverage feedback for libFuzzer in all of NeuroDx's code; the targets link -fsanitize=fuzzer.
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
