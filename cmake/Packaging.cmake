# Installing Shubbak on a kiosk: install rules and the Debian package.
#
#   cmake --build build --target deb      (or ./shubbak package)  ->  build/package/shubbak_*.deb
#
# One package, `shubbak`, for the kiosk: the runtime, shubbakctl (provisioning, bundle lint) and
# shubbak-tuf, the assets, the commented default configuration as a conffile, the systemd unit,
# the udev rules for the readers and the lock-down drop-ins (logind, systemd, sysctl). The
# reference portal is a back-office server and is not packaged: a kiosk never runs it, and a
# server binary on a kiosk is only attack surface.
#
# Paths are absolute: a Debian package owns /usr, its conffiles in /etc, and Debian 12's
# systemd and udev read units and rules from /lib.

install(TARGETS shubbak_installed shubbakctl shubbak-tuf RUNTIME DESTINATION /usr/bin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/ DESTINATION ${SHUBBAK_INSTALL_ASSETS_DIR})

# The shipped kiosk.toml is provisioning/etc/kiosk.toml (every key at its default) except for
# the data directory: the service's StateDirectory, which is the only place it may write.
file(READ ${CMAKE_SOURCE_DIR}/provisioning/etc/kiosk.toml shubbak_default_config)
string(REGEX REPLACE "\ndata_dir = \"[^\"]*\" *" "\ndata_dir = \"/var/lib/shubbak\"  "
       shubbak_packaged_config "${shubbak_default_config}")
if(shubbak_packaged_config STREQUAL shubbak_default_config)
  message(FATAL_ERROR "cmake/Packaging.cmake: no data_dir line in provisioning/etc/kiosk.toml")
endif()
file(WRITE ${CMAKE_BINARY_DIR}/packaging/etc/kiosk.toml "${shubbak_packaged_config}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/provisioning/etc/kiosk.toml)
install(FILES ${CMAKE_BINARY_DIR}/packaging/etc/kiosk.toml DESTINATION /etc/shubbak)

install(FILES ${CMAKE_SOURCE_DIR}/provisioning/systemd/shubbak.service DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/provisioning/udev/60-shubbak-readers.rules DESTINATION /lib/udev/rules.d)
install(FILES ${CMAKE_SOURCE_DIR}/provisioning/systemd/logind.conf.d/60-shubbak.conf
        DESTINATION /usr/lib/systemd/logind.conf.d)
install(FILES ${CMAKE_SOURCE_DIR}/provisioning/systemd/system.conf.d/60-shubbak.conf
        DESTINATION /usr/lib/systemd/system.conf.d)
install(FILES ${CMAKE_SOURCE_DIR}/provisioning/sysctl.d/60-shubbak.conf DESTINATION /usr/lib/sysctl.d)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION /usr/share/doc/shubbak)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME shubbak)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Self-service government kiosk runtime (Arabic first)")
set(CPACK_PACKAGE_DESCRIPTION
    "Shubbak runs a full-screen touch kiosk for government services on the console (SDL2, KMS/DRM): \
signed service bundles, ID-card readers over USB, receipt printers, a durable transaction journal.")
set(CPACK_PACKAGE_CONTACT "Shubbak maintainers <shubbak@example.gov>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.gov/shubbak")
# Shared libraries (SDL2, libusb, SQLite, OpenSSL, libcups, ICU, HarfBuzz, ...) from
# dpkg-shlibdeps; then what the binaries open as data or run: the Noto fonts kiosk.toml names,
# adduser for the system user, udev for the reader rules.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, fonts-noto-core, udev")
# A USB receipt printer is reached through a local cupsd queue; an IPP printer on the network
# needs none.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cups-daemon")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/provisioning/debian/conffiles
    ${CMAKE_SOURCE_DIR}/provisioning/debian/postinst
    ${CMAKE_SOURCE_DIR}/provisioning/debian/prerm
    ${CMAKE_SOURCE_DIR}/provisioning/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)

add_custom_target(deb
  COMMAND ${CMAKE_CPACK_COMMAND} -G DEB --config ${CMAKE_BINARY_DIR}/CPackConfig.cmake
  DEPENDS shubbak_installed shubbakctl shubbak-tuf
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  COMMENT "Building the shubbak Debian package in ${CMAKE_BINARY_DIR}/package"
  USES_TERMINAL)
