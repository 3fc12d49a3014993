# `cpack -G DEB` in a build folder makes a Debian package of the three programs.
set(CPACK_PACKAGE_NAME "plainkey-console")
set(CPACK_PACKAGE_VENDOR "PlainKey Console")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Desktop console, CLI and local emulator for the PlainKey passkey service")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "PlainKey Console maintainers")
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps does not see plugins loaded at run time.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6sql6-sqlite, libsecret-1-0")
include(CPack)
