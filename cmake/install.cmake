# Installation and the .deb (docs/packaging.md). Everything generated here comes from the
# built binary itself (`triage help-gen`), so man pages and completions follow the command table.
include(GNUInstallDirs)
set(TRIAGE_GEN ${CMAKE_BINARY_DIR}/gen)

# Man pages (English in man1, Russian in ru/man1) and bash/zsh completions.
add_custom_command(
  OUTPUT ${TRIAGE_GEN}/stamp
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${TRIAGE_GEN}/man
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TRIAGE_GEN}/man/man1 ${TRIAGE_GEN}/man/ru/man1
  COMMAND $<TARGET_FILE:triage> --lang en help-gen man ${TRIAGE_GEN}/man/man1
  COMMAND $<TARGET_FILE:triage> --lang ru help-gen man ${TRIAGE_GEN}/man/ru/man1
  COMMAND $<TARGET_FILE:triage> --lang en help-gen bash > ${TRIAGE_GEN}/triage.bash
  COMMAND $<TARGET_FILE:triage> --lang ru help-gen zsh > ${TRIAGE_GEN}/_triage
  # Debian policy: man pages and the changelog gzipped with -9n (no name, no time stamp: the
  # same bytes on every build).
  COMMAND gzip -9nf ${TRIAGE_GEN}/man/man1/*.1 ${TRIAGE_GEN}/man/ru/man1/*.1
  COMMAND gzip -9nc ${CMAKE_SOURCE_DIR}/packaging/changelog > ${TRIAGE_GEN}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E touch ${TRIAGE_GEN}/stamp
  DEPENDS triage ${CMAKE_SOURCE_DIR}/packaging/changelog
  COMMENT "man pages and completions from the command table")
add_custom_target(triage_docs ALL DEPENDS ${TRIAGE_GEN}/stamp)

# The installed binary is stripped; its debug information stays in triage.debug (linked by
# .gnu_debuglink), installed only with `cmake --install build --component debug`.
add_custom_command(
  OUTPUT ${TRIAGE_GEN}/bin/triage ${TRIAGE_GEN}/triage.debug
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TRIAGE_GEN}/bin
  COMMAND ${CMAKE_OBJCOPY} --only-keep-debug $<TARGET_FILE:triage> ${TRIAGE_GEN}/triage.debug
  COMMAND ${CMAKE_OBJCOPY} --strip-debug --strip-unneeded --add-gnu-debuglink=${TRIAGE_GEN}/triage.debug
          $<TARGET_FILE:triage> ${TRIAGE_GEN}/bin/triage
  DEPENDS triage
  COMMENT "stripped triage and triage.debug")
add_custom_target(triage_stripped ALL DEPENDS ${TRIAGE_GEN}/bin/triage)
if(TARGET triage_pg)  # the PostgreSQL plugin, stripped the same way, beside the binary's lib folder
  add_custom_command(
    OUTPUT ${TRIAGE_GEN}/lib/triage-pg.so
    COMMAND ${CMAKE_COMMAND} -E make_directory ${TRIAGE_GEN}/lib
    COMMAND ${CMAKE_OBJCOPY} --strip-debug --strip-unneeded $<TARGET_FILE:triage_pg> ${TRIAGE_GEN}/lib/triage-pg.so
    DEPENDS triage_pg
    COMMENT "stripped triage-pg.so")
  add_custom_target(triage_pg_stripped ALL DEPENDS ${TRIAGE_GEN}/lib/triage-pg.so)
  install(FILES ${TRIAGE_GEN}/lib/triage-pg.so DESTINATION ${CMAKE_INSTALL_LIBDIR}/triage)
endif()

install(PROGRAMS ${TRIAGE_GEN}/bin/triage DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${TRIAGE_GEN}/triage.debug DESTINATION ${CMAKE_INSTALL_LIBDIR}/debug/${CMAKE_INSTALL_BINDIR}
        COMPONENT debug EXCLUDE_FROM_ALL)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/rules/ DESTINATION ${CMAKE_INSTALL_DATADIR}/triage/rules)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/schema/ DESTINATION ${CMAKE_INSTALL_DATADIR}/triage/schema
        OPTIONAL)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/packaging/copyright ${TRIAGE_GEN}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${TRIAGE_GEN}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR})
install(FILES ${TRIAGE_GEN}/triage.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME triage)
install(FILES ${TRIAGE_GEN}/_triage DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

# ---- the .deb: `cd build && cpack` (scripts/test-deb.sh installs it into a clean Debian 12 root).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME triage)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The maintainer: a real address for a published package (-DTRIAGE_MAINTAINER=...).
set(TRIAGE_MAINTAINER "triage maintainers <triage@example.org>" CACHE STRING "the .deb's Maintainer")
set(CPACK_PACKAGE_CONTACT "${TRIAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "decision trees for public-service hotline calls")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "triage turns the written instructions of a municipal hotline
(Gosuslugi / ESIA account problems) into checked YAML decision trees and
runs calls over them: the operator's call screen in a terminal and a web
console, a durable call log on SQLite or PostgreSQL, and tools for rule
authors, trainers and supervisors. The shipped rules are in Russian.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from the binary's shared libraries (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS graphviz)  # graph --format svg|png
set(CPACK_STRIP_FILES OFF)  # already stripped above; the debug file is not packaged
include(CPack)
