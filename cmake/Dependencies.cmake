# Third-party libraries, all from Debian 12 packages (./shubbak installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(doctest REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n data)
pkg_check_modules(SDL2 REQUIRED IMPORTED_TARGET sdl2)
pkg_check_modules(SDL2_IMAGE REQUIRED IMPORTED_TARGET SDL2_image)
# Xlib, for one question SDL cannot answer: is an X11 window manager running?
pkg_check_modules(X11 REQUIRED IMPORTED_TARGET x11)
pkg_check_modules(HARFBUZZ REQUIRED IMPORTED_TARGET harfbuzz)
pkg_check_modules(FREETYPE REQUIRED IMPORTED_TARGET freetype2)
pkg_check_modules(TOMLPLUSPLUS REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
find_package(nlohmann_json 3 REQUIRED)
# Patterns (kiosk/core/pattern.cpp only): RE2 matches in linear time, never backtracks.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(LIBPNG REQUIRED IMPORTED_TARGET libpng)
pkg_check_modules(LIBUSB REQUIRED IMPORTED_TARGET libusb-1.0)
# Tests host emulated USB devices in-process with umockdev (and run under its preload).
pkg_check_modules(UMOCKDEV REQUIRED IMPORTED_TARGET umockdev-1.0)
find_program(UMOCKDEV_WRAPPER umockdev-wrapper REQUIRED)
# Signed service distribution (kiosk/trust, shubbakctl): OpenSSL for hashes and signatures,
# libcurl for HTTPS, nlohmann-json for metadata; cpp-httplib serves repositories in tests.
find_package(OpenSSL 3 REQUIRED)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Transaction store, device key, portal upload (kiosk/crypto, kiosk/store, kiosk/net, the portal).
find_package(SQLite3 REQUIRED)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
find_package(CURL REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Receipt printers (drivers/printer/cups): libcups for IPP and raster. Debian's libcups2-dev has
# no cups.pc, so ask cups-config.
find_program(CUPS_CONFIG cups-config REQUIRED)
execute_process(COMMAND ${CUPS_CONFIG} --cflags OUTPUT_VARIABLE CUPS_CFLAGS OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CUPS_CONFIG} --libs OUTPUT_VARIABLE CUPS_LIBS OUTPUT_STRIP_TRAILING_WHITESPACE)
add_library(shubbak_cups INTERFACE)
separate_arguments(CUPS_CFLAGS_LIST UNIX_COMMAND "${CUPS_CFLAGS}")
separate_arguments(CUPS_LIBS_LIST UNIX_COMMAND "${CUPS_LIBS}")
target_compile_options(shubbak_cups INTERFACE ${CUPS_CFLAGS_LIST})
target_link_libraries(shubbak_cups INTERFACE ${CUPS_LIBS_LIST})
# Signed QR codes on receipts: libqrencode makes them; zxing-cpp reads them back
# (shubbakctl receipt verify IMAGE, and tests).
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(ZXING REQUIRED IMPORTED_TARGET zxing)
# Spoken guidance (accessibility): espeak-ng synthesises in process.
find_path(ESPEAK_NG_INCLUDE_DIR espeak-ng/speak_lib.h REQUIRED)
find_library(ESPEAK_NG_LIBRARY espeak-ng REQUIRED)
add_library(shubbak_espeak_ng INTERFACE)
target_include_directories(shubbak_espeak_ng INTERFACE ${ESPEAK_NG_INCLUDE_DIR})
target_link_libraries(shubbak_espeak_ng INTERFACE ${ESPEAK_NG_LIBRARY})
# Tests start a real IPP printer and a private cupsd.
find_program(IPPEVEPRINTER ippeveprinter PATHS /usr/sbin /usr/bin REQUIRED)
find_program(CUPSD cupsd PATHS /usr/sbin REQUIRED)
find_program(LPADMIN lpadmin PATHS /usr/sbin REQUIRED)
find_program(DBUS_DAEMON dbus-daemon REQUIRED)
find_program(ESPEAK_NG espeak-ng REQUIRED)
