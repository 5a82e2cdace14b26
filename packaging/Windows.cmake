# Windows: the NSIS installer (cpack -G NSIS). Included from packaging/CMakeLists.txt.
# Tested only in hosted CI (.github/workflows/ci.yml), never on the machine NeuroDx is developed on.
#
# Everything the programs load goes beside them in bin\: Qt's DLLs and plugins through windeployqt
# (Qt's deploy script, Qt 6.5+), and every other DLL they link (LibTorch, OpenCV, DCMTK, QCustomPlot,
# HDF5, OpenSSL, nifti, their own dependencies) found by CMake's file(GET_RUNTIME_DEPENDENCIES) in
# the folders below. System DLLs stay out.
if(Qt6_VERSION VERSION_LESS 6.5)
    message(FATAL_ERROR "The Windows installer needs Qt 6.5 or later (qt_generate_deploy_app_script runs windeployqt); found ${Qt6_VERSION}")
endif()
if(NEURODX_BUILD_GUI)
    qt_generate_deploy_app_script(TARGET neurodx OUTPUT_SCRIPT neurodx_deploy_script NO_TRANSLATIONS NO_COMPILER_RUNTIME)
    install(SCRIPT "${neurodx_deploy_script}")
    install(FILES "${NEURODX_ICO}" DESTINATION bin)
endif()

set(runtime_dirs "${TORCH_INSTALL_PREFIX}/lib")
foreach(prefix IN LISTS CMAKE_PREFIX_PATH)
    list(APPEND runtime_dirs "${prefix}/bin" "${prefix}/lib")
endforeach()
set(NEURODX_RUNTIME_DIRS "${runtime_dirs}" CACHE STRING "Folders searched for the DLLs the Windows installer ships")
set(executables "\"$<TARGET_FILE:neurodx-cli>\"")
if(NEURODX_BUILD_GUI)
    string(APPEND executables " \"$<TARGET_FILE:neurodx>\"")
endif()
set(search_dirs "")
foreach(dir IN LISTS NEURODX_RUNTIME_DIRS)
    string(APPEND search_dirs " \"${dir}\"") # quoted: Windows folders have spaces
endforeach()
install(CODE "
    file(GET_RUNTIME_DEPENDENCIES
        EXECUTABLES ${executables}
        RESOLVED_DEPENDENCIES_VAR dlls
        UNRESOLVED_DEPENDENCIES_VAR missing
        DIRECTORIES ${search_dirs}
        PRE_EXCLUDE_REGEXES \"^api-ms-\" \"^ext-ms-\" \"^Qt6\"   # API sets; Qt is windeployqt's
        POST_EXCLUDE_REGEXES \"[Ss]ystem32\" \"[Ww]in[Ss]x[Ss]\")
    foreach(dll IN LISTS dlls)
        file(INSTALL \"\${dll}\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/bin\")
    endforeach()
    if(missing)
        message(WARNING \"DLLs not found for the installer (add their folder to NEURODX_RUNTIME_DIRS): \${missing}\")
    endif()")
# The Visual C++ runtime DLLs beside the programs (no separate redistributable to install).
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
include(InstallRequiredSystemLibraries)
install(FILES "${PROJECT_SOURCE_DIR}/scripts/neurodx_model.py" DESTINATION python)
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION . RENAME LICENSE.txt)

set(CPACK_GENERATOR "NSIS")
set(CPACK_PACKAGE_FILE_NAME "NeuroDx-${PROJECT_VERSION}-win64")
set(CPACK_NSIS_DISPLAY_NAME "NeuroDx ${PROJECT_VERSION}")
set(CPACK_NSIS_PACKAGE_NAME "NeuroDx")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON) # offers to put bin\ (neurodx-cli) on PATH
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\neurodx.exe")
if(NEURODX_ICO)
    file(TO_NATIVE_PATH "${NEURODX_ICO}" ico)
    set(CPACK_NSIS_MUI_ICON "${ico}")
    set(CPACK_NSIS_MUI_UNIICON "${ico}")
endif()
# Start menu: CPACK_PACKAGE_EXECUTABLES (packaging/CMakeLists.txt) gives "NeuroDx" -> bin\neurodx.exe.
# File associations: plain NSIS in packaging/windows/*.nsh, included textually (no CMake escaping).
# Forward slashes (makensis accepts them) and \\\" for a quote: the value is read twice, as CPack's
# config and as the NSIS template, and a backslash would need doubling at each.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "!include \\\"${CMAKE_CURRENT_SOURCE_DIR}/windows/associate.nsh\\\"")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "!include \\\"${CMAKE_CURRENT_SOURCE_DIR}/windows/unassociate.nsh\\\"")
