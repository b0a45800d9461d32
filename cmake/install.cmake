include(CMakePackageConfigHelpers)

install(TARGETS sched_lib EXPORT schedTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY libsched/include/sched DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS sched RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT schedTargets NAMESPACE sched:: FILE schedTargets.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sched)
configure_package_config_file(cmake/schedConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/schedConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sched)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/schedConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/schedConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/schedConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sched)

# The man page and the shell completions, where man(1), bash-completion, zsh
# and fish look for them.
install(FILES ${PROJECT_SOURCE_DIR}/man/sched.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/man/sched.toml.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${PROJECT_SOURCE_DIR}/completions/sched.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME sched)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_sched
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/completions/sched.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
