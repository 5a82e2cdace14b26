# Finds the NIfTI C library (nifti_clib: NIfTI-1 and NIfTI-2, .nii and .nii.gz through znzlib) and
# defines Nifti2::Nifti2. Debian's libnifti2-dev ships a CMake config whose imported locations point
# at ${prefix}/lib instead of the multiarch folder, so the library is found directly.

find_path(Nifti2_INCLUDE_DIR nifti2_io.h PATH_SUFFIXES nifti)
find_library(Nifti2_LIBRARY NAMES nifti2)
find_library(Nifti2_ZNZ_LIBRARY NAMES znz)
find_package(ZLIB QUIET)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Nifti2 REQUIRED_VARS Nifti2_LIBRARY Nifti2_ZNZ_LIBRARY Nifti2_INCLUDE_DIR)

if(Nifti2_FOUND AND NOT TARGET Nifti2::Nifti2)
    add_library(Nifti2::Nifti2 UNKNOWN IMPORTED)
    set_target_properties(Nifti2::Nifti2 PROPERTIES
        IMPORTED_LOCATION "${Nifti2_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${Nifti2_INCLUDE_DIR}"
        INTERFACE_LINK_LIBRARIES "${Nifti2_ZNZ_LIBRARY};$<$<BOOL:${ZLIB_FOUND}>:ZLIB::ZLIB>;m")
endif()
mark_as_advanced(Nifti2_INCLUDE_DIR Nifti2_LIBRARY Nifti2_ZNZ_LIBRARY)
