// The Debian package, built by CPack from this build tree and taken apart with dpkg-deb: the
// right dependencies (from dpkg-shlibdeps and the data the kiosk reads), the files where Debian
// expects them, the configuration as a conffile, the maintainer scripts; and the packaged
// runtime runs on the packaged assets.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_scan.hpp"

using namespace std::chrono_literals;
using shubbak::testing::ChildProcess;
using shubbak::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a program to completion in a directory of its own under `dir`; returns its stdout.
std::string run(const TempDir& dir, const std::string& name, std::vector<std::string> argv,
                std::chrono::seconds limit = 60s) {
  fs::path out = dir / ("run-" + name);
  fs::create_directories(out);
  ChildProcess child(std::move(argv), out);
  auto code = child.wait(limit);
  INFO(name << " stderr:\n" << child.stderr_text());
  REQUIRE(code == 0);
  return child.stdout_text();
}

// Whether a `dpkg-deb -c` listing names `path` (as " ./path" or " path", ending the entry).
bool lists(const std::string& contents, const std::string& path) {
  for (const std::string& entry : {" ./" + path, " " + path}) {
    for (auto at = contents.find(entry); at != std::string::npos;
         at = contents.find(entry, at + 1)) {
      std::size_t end = at + entry.size();
      if (end == contents.size() || contents[end] == ' ' || contents[end] == '\n') return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("cpack builds a .deb with the right dependencies, files, conffile and scripts") {
  TempDir dir;
  run(dir, "cpack",
      {CPACK_COMMAND, "-G", "DEB", "--config",
       std::string(SHUBBAK_BINARY_DIR) + "/CPackConfig.cmake", "-B", (dir / "out").string()},
      240s);
  fs::path deb;
  for (const auto& entry : fs::directory_iterator(dir / "out")) {
    if (entry.path().extension() == ".deb") deb = entry.path();
  }
  REQUIRE_MESSAGE(!deb.empty(), "no .deb in " << (dir / "out"));
  MESSAGE("package: " << deb.filename().string() << ", " << fs::file_size(deb) / 1024 << " KiB");

  std::string depends = run(dir, "depends", {DPKG_DEB, "-f", deb.string(), "Depends"});
  CAPTURE(depends);
  auto depends_on = [&depends](const std::string& package) {
    std::istringstream entries(depends);
    for (std::string entry; std::getline(entries, entry, ',');) {
      std::istringstream words(entry);
      std::string name;
      words >> name;
      if (name == package) return true;
    }
    return false;
  };
  // From dpkg-shlibdeps: the libraries the binaries link, at least these...
  for (const char* package :
       {"libc6", "libstdc++6", "libsdl2-2.0-0", "libusb-1.0-0", "libsqlite3-0", "libssl3",
        "libcurl4", "libharfbuzz0b", "libfreetype6", "libicu72", "libsystemd0"}) {
    CAPTURE(package);
    CHECK(depends_on(package));
  }
  // ...and data and tools the kiosk needs that no linker knows about.
  for (const char* package : {"fonts-noto-core", "adduser", "udev"}) {
    CAPTURE(package);
    CHECK(depends_on(package));
  }
  CHECK(run(dir, "name", {DPKG_DEB, "-f", deb.string(), "Package"}) == "shubbak\n");
  CHECK(run(dir, "recommends", {DPKG_DEB, "-f", deb.string(), "Recommends"}).find("cups-daemon") !=
        std::string::npos);

  std::string contents = run(dir, "contents", {DPKG_DEB, "-c", deb.string()});
  CAPTURE(contents);
  for (const char* path :
       {"usr/bin/shubbak", "usr/bin/shubbakctl", "usr/bin/shubbak-tuf",
        "usr/share/shubbak/i18n/messages.toml", "etc/shubbak/kiosk.toml",
        "lib/systemd/system/shubbak.service", "lib/udev/rules.d/60-shubbak-readers.rules",
        "usr/lib/systemd/logind.conf.d/60-shubbak.conf",
        "usr/lib/systemd/system.conf.d/60-shubbak.conf", "usr/lib/sysctl.d/60-shubbak.conf",
        "usr/share/doc/shubbak/README.md"}) {
    CAPTURE(path);
    CHECK(lists(contents, path));
  }
  CHECK_FALSE(lists(contents, "usr/bin/shubbak-portal"));  // a back-office server, not for kiosks

  // The configuration survives upgrades: a conffile.
  CHECK(run(dir, "conffiles", {DPKG_DEB, "-I", deb.string(), "conffiles"}) ==
        "/etc/shubbak/kiosk.toml\n");
  std::string postinst = run(dir, "postinst", {DPKG_DEB, "-I", deb.string(), "postinst"});
  CHECK(postinst.find("adduser --system") != std::string::npos);
  CHECK(postinst.find("install -d -m 0700 -o shubbak -g shubbak /var/lib/shubbak") !=
        std::string::npos);
  CHECK(postinst.find("udevadm trigger") != std::string::npos);
  CHECK(postinst.find("systemctl daemon-reload") != std::string::npos);
  std::string postrm = run(dir, "postrm", {DPKG_DEB, "-I", deb.string(), "postrm"});
  CHECK(postrm.find("purge)") != std::string::npos);
  for (const char* script : {"postinst", "prerm", "postrm"}) {
    CAPTURE(script);
    run(dir, std::string("syntax-") + script,
        {"/bin/sh", "-n", std::string(SHUBBAK_SOURCE_DIR) + "/provisioning/debian/" + script});
  }

  // Taken apart: the shipped files are the reviewed ones.
  fs::path root = dir / "root";
  run(dir, "extract", {DPKG_DEB, "-x", deb.string(), root.string()});
  fs::path source(SHUBBAK_SOURCE_DIR);
  CHECK(slurp(root / "lib/systemd/system/shubbak.service") ==
        slurp(source / "provisioning/systemd/shubbak.service"));
  // kiosk.toml: the commented defaults, with the data directory the service may write to.
  std::string shipped = slurp(root / "etc/shubbak/kiosk.toml");
  std::string defaults = slurp(source / "provisioning/etc/kiosk.toml");
  CHECK(shipped.find("\ndata_dir = \"/var/lib/shubbak\"") != std::string::npos);
  CHECK(shubbak::testing::without_lines(shipped, "data_dir = ") ==
        shubbak::testing::without_lines(defaults, "data_dir = "));
  CHECK(shipped != defaults);

  // Every library any packaged program needs (libcups2 too, once a printer backend links it)
  // comes from a package the .deb depends on: nothing works only on the build machine.
  for (const char* program : {"shubbak", "shubbakctl", "shubbak-tuf"}) {
    std::string dynamic = run(dir, std::string("readelf-") + program,
                              {READELF, "-d", (root / "usr/bin" / program).string()});
    // "0x... (NEEDED)   Shared library: [libfoo.so.1]"
    std::vector<std::string> sonames;
    for (auto at = dynamic.find("(NEEDED)"); at != std::string::npos;
         at = dynamic.find("(NEEDED)", at + 1)) {
      auto open = dynamic.find('[', at), close = dynamic.find(']', open);
      auto line_end = dynamic.find('\n', at);
      if (open == std::string::npos || close == std::string::npos || open > line_end) continue;
      sonames.push_back(dynamic.substr(open + 1, close - open - 1));
    }
    int libraries = 0;
    for (const auto& soname : sonames) {
      std::string owner =
          run(dir, "owner-" + soname,
              {DPKG_QUERY, "-S", std::string("/*/") + SHUBBAK_MULTIARCH + "/" + soname});
      std::string package = owner.substr(0, owner.find_first_of(":,"));
      CAPTURE(program);
      CAPTURE(soname);
      CHECK(depends_on(package));
      ++libraries;
    }
    CHECK(libraries >= 5);
  }

  // The packaged runtime looks for its assets where the package puts them...
  fs::create_directories(dir / "kiosk");
  auto config = dir.write("kiosk.toml", "[kiosk]\ndata_dir = \"data\"\n");
  fs::create_directories(dir / "run-missing");
  ChildProcess missing(
      {(root / "usr/bin/shubbak").string(), "--headless", "--config", config.string()},
      dir / "run-missing");
  if (!fs::exists("/usr/share/shubbak")) {
    CHECK(missing.wait(30s) == 1);
    CHECK(missing.stderr_text().find("/usr/share/shubbak/i18n/messages.toml") != std::string::npos);
  }
  // ...and, given the packaged assets, shows its first frame.
  auto relocated = dir.write("relocated.toml", "[kiosk]\ndata_dir = \"data\"\nassets_dir = \"" +
                                                   (root / "usr/share/shubbak").string() + "\"\n");
  std::string first = run(dir, "first-frame",
                          {(root / "usr/bin/shubbak").string(), "--headless",
                           "--exit-after-first-frame", "--config", relocated.string()});
  CHECK(first.find("first-frame") != std::string::npos);
}
