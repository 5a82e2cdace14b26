# Linux: the freedesktop.org files of a desktop application and the .deb (cpack -G DEB).
# Included from packaging/CMakeLists.txt.

# Man pages from the programs' own --help (scripts/make-manpage.sh), written at install time rather
# than at every build: the CLI's relink does not cost a dozen --help runs, and an installed page is
# always the installed binary's.
set(man_dir "${CMAKE_CURRENT_BINARY_DIR}/man")
set(make_manpage "${PROJECT_SOURCE_DIR}/scripts/make-manpage.sh")
install(CODE "
    file(MAKE_DIRECTORY \"${man_dir}\")
    if(NOT DEFINED ENV{SOURCE_DATE_EPOCH}) # cpack sets it (CPackProjectConfig.cmake); a plain install may not
        set(ENV{SOURCE_DATE_EPOCH} \"${NEURODX_SOURCE_DATE_EPOCH}\")
    endif()
    execute_process(COMMAND bash \"${make_manpage}\" \"$<TARGET_FILE:neurodx-cli>\" \"${man_dir}/neurodx-cli.1.gz\"
                            \"${PROJECT_VERSION}\" \"train, evaluate and apply CN/MCI/AD classifiers of brain MRI (research use only)\" --commands
                    RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR \"the neurodx-cli man page could not be made (scripts/make-manpage.sh)\")
    endif()")
install(FILES "${man_dir}/neurodx-cli.1.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

if(NEURODX_BUILD_GUI)
    install(CODE "
        execute_process(COMMAND bash \"${make_manpage}\" \"$<TARGET_FILE:neurodx>\" \"${man_dir}/neurodx.1.gz\"
                                \"${PROJECT_VERSION}\" \"desktop application for CN/MCI/AD classification of brain MRI (research use only)\"
                        RESULT_VARIABLE result)
        if(NOT result EQUAL 0)
            message(FATAL_ERROR \"the neurodx man page could not be made (scripts/make-manpage.sh)\")
        endif()")
    install(FILES "${man_dir}/neurodx.1.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
    install(FILES ${NEURODX_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    configure_file(${NEURODX_APP_ID}.metainfo.xml "${CMAKE_CURRENT_BINARY_DIR}/${NEURODX_APP_ID}.metainfo.xml" @ONLY)
    install(FILES "${CMAKE_CURRENT_BINARY_DIR}/${NEURODX_APP_ID}.metainfo.xml" DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
    install(FILES neurodx-mime.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME ${NEURODX_APP_ID}.xml)
    install(FILES "${icon_svg}" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME ${NEURODX_APP_ID}.svg)
    foreach(size IN LISTS NEURODX_ICON_SIZES)
        install(FILES "${icon_dir}/${size}x${size}/${NEURODX_APP_ID}.png"
                DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
    endforeach()
endif()

# Debian's place for the licence: /usr/share/doc/<package>/copyright.
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/neurodx RENAME copyright)

# scripts/neurodx_model.py where Debian's python3 finds it (`import neurodx_model` with python3-torch).
set(NEURODX_PYTHON_DIR "lib/python3/dist-packages" CACHE STRING "Where neurodx_model.py is installed, relative to the prefix")
install(FILES "${PROJECT_SOURCE_DIR}/scripts/neurodx_model.py" DESTINATION ${NEURODX_PYTHON_DIR})

# --- the .deb -------------------------------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # neurodx_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")
set(CPACK_STRIP_FILES ON) # symbols stay in the build tree; the package is a third of the size
set(CPACK_PACKAGE_DESCRIPTION "NeuroDx classifies brain MRI slices and scans as cognitively normal (CN), mild
cognitive impairment (MCI) or Alzheimer's disease (AD) with convolutional networks trained by LibTorch.
It reads ADNI-style datasets (PNG, DICOM, DICOM series, NIfTI), splits them by subject, trains,
evaluates with confidence intervals and predicts with calibrated probabilities. A Qt desktop
application (neurodx) and a command-line tool (neurodx-cli).
Research use only: not a certified medical device.")
# Linked libraries: dpkg-shlibdeps. Loaded at run time and not linked, so shlibdeps cannot see them:
# - an optimised BLAS for libblas.so.3 (Debian's LibTorch links the generic name; the reference
#   implementation makes dense layers ~30x slower, and OpenBLAS's alternative outranks it);
# - Qt's SVG icon engine (the window icon is the SVG). The platform plugins (xcb, wayland-less
#   offscreen) and the JPEG/GIF image format plugins ship in libqt6gui6, which shlibdeps brings.
# DCMTK's JPEG, JPEG-LS and RLE codecs are linked (shlibdeps) and its dictionary is in libdcmtk17.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread | libopenblas0")
if(NEURODX_BUILD_GUI)
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libqt6svg6")
    set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-wayland")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-torch") # for neurodx_model.py
# Maintainer scripts: only prerm (Python's byte code). Menus, icons and MIME types need none: the
# desktop-file-utils, hicolor-icon-theme and shared-mime-info packages watch their folders (dpkg triggers).
set(NEURODX_PYTHON_ABSOLUTE_DIR "${CPACK_PACKAGING_INSTALL_PREFIX}/${NEURODX_PYTHON_DIR}")
configure_file(debian/prerm.in "${CMAKE_CURRENT_BINARY_DIR}/debian/prerm" @ONLY
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_CURRENT_BINARY_DIR}/debian/prerm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
