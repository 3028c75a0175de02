# Install rules and the exported package for find_package(cnn): headers under include/cnn (the
# public ones: cnn/detail is private), libcnn.a, cnnTargets.cmake (target cnn::cnn) and
# cnnConfig.cmake, which finds the dependencies the static archive needs at link time.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/cnn/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cnn
        COMPONENT cnn_development
        FILES_MATCHING PATTERN "*.h" PATTERN "detail" EXCLUDE)
install(TARGETS cnn EXPORT cnnTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT cnn_development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT cnnTargets NAMESPACE cnn:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cnn
        COMPONENT cnn_development)

set(CNN_CONFIG_CUDA_MODE ${CNN_CUDA_MODE})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cnnConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/cnnConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cnn)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/cnnConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cnnConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/cnnConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cnn COMPONENT cnn_development)
