# macOS: NeuroDx.app and a drag-and-drop disk image (cpack -G DragNDrop). Included from
# packaging/CMakeLists.txt. Tested only in hosted CI (.github/workflows/ci.yml).
#
# The bundle holds both programs (Contents/MacOS/NeuroDx and neurodx-cli) and, through macdeployqt
# (Qt's deploy script, Qt 6.5+), Qt's frameworks and plugins and every other dylib they link
# (LibTorch, OpenCV, DCMTK, ...) in Contents/Frameworks with their install names rewritten.
if(Qt6_VERSION VERSION_LESS 6.5)
    message(FATAL_ERROR "The macOS bundle needs Qt 6.5 or later (qt_generate_deploy_script runs macdeployqt); found ${Qt6_VERSION}")
endif()
if(NOT CMAKE_OSX_DEPLOYMENT_TARGET)
    set(CMAKE_OSX_DEPLOYMENT_TARGET "12.0") # the Info.plist's minimum; LibTorch's arm64 builds need 11+
endif()
configure_file(macos/Info.plist.in "${CMAKE_CURRENT_BINARY_DIR}/Info.plist" @ONLY)
if(NEURODX_BUILD_GUI)
    set_target_properties(neurodx PROPERTIES
        OUTPUT_NAME NeuroDx # NeuroDx.app/Contents/MacOS/NeuroDx
        MACOSX_BUNDLE_INFO_PLIST "${CMAKE_CURRENT_BINARY_DIR}/Info.plist"
        INSTALL_RPATH "@executable_path/../Frameworks")
    target_sources(neurodx PRIVATE "${NEURODX_ICNS}")
    set_source_files_properties("${NEURODX_ICNS}" PROPERTIES MACOSX_PACKAGE_LOCATION Resources GENERATED ON)
    add_dependencies(neurodx neurodx_icons)

    # neurodx-cli goes into the bundle beside the GUI, so one copy of the libraries serves both
    # (app/cli installs it to bin/ first; this runs after every other install rule).
    set_target_properties(neurodx-cli PROPERTIES INSTALL_RPATH "@executable_path/../Frameworks")
    install(CODE "
        set(root \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
        file(RENAME \"\${root}/bin/neurodx-cli\" \"\${root}/NeuroDx.app/Contents/MacOS/neurodx-cli\")
        file(REMOVE_RECURSE \"\${root}/bin\")")
    install(FILES "${PROJECT_SOURCE_DIR}/scripts/neurodx_model.py" DESTINATION NeuroDx.app/Contents/Resources/python)
    install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION NeuroDx.app/Contents/Resources)

    # macdeployqt finds non-Qt dylibs through -libpath (LibTorch's lib/ and the package prefixes).
    set(libpaths "-libpath=${TORCH_INSTALL_PREFIX}/lib")
    foreach(prefix IN LISTS CMAKE_PREFIX_PATH)
        list(APPEND libpaths "-libpath=${prefix}/lib")
    endforeach()
    qt_generate_deploy_script(TARGET neurodx OUTPUT_SCRIPT neurodx_deploy_script CONTENT "
        qt_deploy_runtime_dependencies(
            EXECUTABLE NeuroDx.app
            ADDITIONAL_EXECUTABLES NeuroDx.app/Contents/MacOS/neurodx-cli
            DEPLOY_TOOL_OPTIONS ${libpaths}
            NO_TRANSLATIONS)")
    install(SCRIPT "${neurodx_deploy_script}")
endif()

set(CPACK_GENERATOR "DragNDrop")
set(CPACK_PACKAGE_FILE_NAME "NeuroDx-${PROJECT_VERSION}-macos-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_DMG_VOLUME_NAME "NeuroDx ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT "UDZO")
