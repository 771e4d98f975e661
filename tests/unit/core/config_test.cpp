#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

#include "kiosk/core/config.hpp"
#include "tests/support/temp_dir.hpp"

using namespace shubbak;
namespace fs = std::filesystem;

namespace {
Expected<Config> parse(std::string_view text) {
  return parse_config(text, "kiosk.toml", "/etc/shubbak");
}

std::string error_of(std::string_view text) {
  auto config = parse(text);
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code == Errc::config);
  return config.error().message;
}
}  // namespace

TEST_CASE("an empty file gives the documented defaults") {
  auto config = parse("");
  REQUIRE(config);
  CHECK(config->kiosk.id == "demo-kiosk");
  CHECK(config->kiosk.language == Language::ar);
  CHECK(config->kiosk.data_dir == ".shubbak");
  CHECK(config->display.mode == DisplayMode::automatic);
  CHECK(config->display.width == 1920);
  CHECK(config->display.height == 1080);
  CHECK(config->display.rotation == 0);
  CHECK(config->log.level == LogLevel::info);
  CHECK(config->log.journal == JournalMode::automatic);
  CHECK(config->updates.metadata_url.empty());
  CHECK(config->updates.trusted_root == "/etc/shubbak/root.json");
  CHECK(config->updates.interval_minutes == 60);
  CHECK(config->updates.jitter_percent == 20);
}

TEST_CASE("update settings are read and checked") {
  auto config = parse(R"(
[updates]
metadata_url = "https://portal.example/tuf/metadata"
targets_url = "https://portal.example/tuf/targets"
ca_file = "ca.pem"
interval_minutes = 15
)");
  REQUIRE(config);
  CHECK(config->updates.metadata_url == "https://portal.example/tuf/metadata");
  CHECK(config->updates.ca_file == "/etc/shubbak/ca.pem");
  CHECK(config->updates.interval_minutes == 15);
  CHECK(error_of("[updates]\nmetadata_url = \"ftp://x\"\n") ==
        "kiosk.toml:2: updates.metadata_url: must start with https://, http:// or file://");
  CHECK(error_of("[updates]\ninterval_minutes = 0\n") ==
        "kiosk.toml:2: updates.interval_minutes: 0 is out of range 1..10080");
}

TEST_CASE("values are read into their settings") {
  auto config = parse(R"(
[kiosk]
id = "MCT-muscat-07"
language = "en"
data_dir = "/var/lib/shubbak"
[display]
mode = "headless"
width = 1080
height = 1920
rotation = 270
dpi = 160
[text]
latin_font = "fonts/Latin.ttf"
[log]
level = "debug"
journal = "off"
)");
  REQUIRE(config);
  CHECK(config->kiosk.id == "MCT-muscat-07");
  CHECK(config->kiosk.language == Language::en);
  CHECK(config->kiosk.data_dir == "/var/lib/shubbak");
  CHECK(config->display.mode == DisplayMode::headless);
  CHECK(config->display.width == 1080);
  CHECK(config->display.height == 1920);
  CHECK(config->display.rotation == 270);
  CHECK(config->display.dpi == 160);
  // Relative paths are taken from the config file's directory, not the working directory.
  CHECK(config->text.latin_font == fs::path("/etc/shubbak/fonts/Latin.ttf"));
  CHECK(config->log.level == LogLevel::debug);
  CHECK(config->log.journal == JournalMode::off);
}

TEST_CASE("an unknown key is refused with file, line and key") {
  CHECK(error_of("[display]\nwidth = 800\nrotaton = 90\n") ==
        "kiosk.toml:3: unknown key display.rotaton");
}

TEST_CASE("an unknown section is refused") {
  CHECK(error_of("\n[fax]\nnumber = \"+968\"\n") == "kiosk.toml:2: unknown section [fax]");
  CHECK(error_of("[printer]\nuri = \"ipp://x\"\n")
            .starts_with("kiosk.toml:2: printer.uri: \"ipp://x\" is not a valid printer URI: "
                         "expected \"sim://receipts\""));
  CHECK(error_of("[printer]\nuri = \"lpd://host/queue\"\n")
            .starts_with("kiosk.toml:2: printer.uri: \"lpd://host/queue\" is not a printer URI"));
  CHECK(error_of("\n[printer]\nformat = \"pdf\"\n") ==
        "kiosk.toml:3: printer.format: \"pdf\" is not one of \"escpos\", \"pwg\"");
  CHECK(error_of("[printer]\njob_timeout_seconds = 0\n") ==
        "kiosk.toml:2: printer.job_timeout_seconds: 0 is out of range 1..600");
}

TEST_CASE("bad values are refused with what was expected") {
  CHECK(error_of("[display]\nrotation = 45\n") ==
        "kiosk.toml:2: display.rotation: expected one of 0, 90, 180, 270 (degrees clockwise)");
  CHECK(error_of("[display]\nwidth = 100\n") ==
        "kiosk.toml:2: display.width: 100 is out of range 240..7680");
  CHECK(error_of("[display]\nwidth = \"wide\"\n") ==
        "kiosk.toml:2: display.width: expected an integer, got a string");
  CHECK(error_of("[kiosk]\nlanguage = \"fr\"\n") ==
        "kiosk.toml:2: kiosk.language: \"fr\" is not one of \"ar\", \"en\", \"ur\", \"hi\", "
        "\"bn\", \"ml\", \"ta\", \"fa\", \"tl\"");
  CHECK(error_of("[kiosk]\nid = \"kiosk 7; rm -rf\"\n")
            .starts_with("kiosk.toml:2: kiosk.id: must be 1 to 64"));
  CHECK(error_of("[log]\nlevel = 3\n") ==
        "kiosk.toml:2: log.level: expected one of \"debug\", \"info\", \"warn\", \"error\", got an "
        "integer");
  CHECK(error_of("display = 3\n") == "kiosk.toml:1: display: expected a table, got an integer");
}

TEST_CASE("every problem in a file is listed, not just the first") {
  std::string message = error_of("[display]\nrotation = 45\nwidth = -1\n[kiosk]\nnope = 1\n");
  CHECK(message ==
        "kiosk.toml:2: display.rotation: expected one of 0, 90, 180, 270 (degrees clockwise)\n"
        "kiosk.toml:3: display.width: -1 is out of range 240..7680\n"
        "kiosk.toml:5: unknown key kiosk.nope");
}

TEST_CASE("a TOML syntax error names line and column") {
  std::string message = error_of("[display]\nwidth = = 3\n");
  CHECK(message.starts_with("kiosk.toml:2:"));
}

TEST_CASE("load_config reads a file and says when it cannot") {
  testing::TempDir dir;
  auto file = dir.write("kiosk.toml", "[display]\nheight = 1280\n[kiosk]\ndata_dir = \"data\"\n");
  auto config = load_config(file);
  REQUIRE(config);
  CHECK(config->display.height == 1280);
  CHECK(config->kiosk.data_dir == fs::absolute(dir.path()) / "data");

  auto missing = load_config(dir / "absent.toml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::not_found);
  CHECK(missing.error().message.find("absent.toml") != std::string::npos);
}

TEST_CASE("load_config refuses a directory, an empty path, a device and a pipe, naming each") {
  testing::TempDir dir;
  fs::create_directories(dir / "conf.d");
  auto directory = load_config(dir / "conf.d");
  REQUIRE_FALSE(directory);
  CHECK(directory.error().code == Errc::config);
  CHECK(directory.error().message ==
        "the configuration " + (dir / "conf.d").string() + " is a directory, not a file");

  auto empty = load_config("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == Errc::config);
  CHECK(empty.error().message == "no configuration file named (an empty path)");

  auto device = load_config("/dev/null");
  REQUIRE_FALSE(device);
  CHECK(device.error().message ==
        "the configuration /dev/null is a device, pipe or socket, not a file");

  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  auto fifo = load_config(dir / "fifo");  // must not block waiting for a writer
  REQUIRE_FALSE(fifo);
  CHECK(fifo.error().message.find("is a device, pipe or socket") != std::string::npos);

  auto missing = load_config(dir / "conf.d" / "absent.toml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::not_found);
  CHECK(missing.error().message.find("absent.toml: No such file or directory") !=
        std::string::npos);
}

TEST_CASE("load_config and parse_config refuse a file over the size limit") {
  testing::TempDir dir;
  std::string big = "[kiosk]\nid = \"MCT-07\"\n" + std::string(k_max_config_bytes, '#') + "\n";
  auto file = dir.write("big.toml", big);
  auto loaded = load_config(file);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().code == Errc::config);
  CHECK(loaded.error().message.find(file.string() + ": " + std::to_string(big.size()) +
                                    " bytes, more than the 1048576") != std::string::npos);
  CHECK(error_of(big).find("kiosk.toml: " + std::to_string(big.size()) + " bytes") == 0);
}

TEST_CASE("a dotted key deep enough to overflow toml++'s stack is refused before parsing") {
  // 60,000 parts crash toml++ 3.3 with a stack overflow here; the kiosk must say why instead.
  std::string deep = "[kiosk]\n";
  for (int i = 0; i < 200000; ++i) deep += "a.";
  deep += "b = 1\n";
  CHECK(error_of(deep) ==
        "kiosk.toml:2: more than 16 dots outside strings on one line (keys nest at "
        "most a section and a key deep)");
  std::string header = "[";
  for (int i = 0; i < 100000; ++i) header += "kiosk.";
  std::string header_error = error_of(header + "id]\n");
  CHECK_MESSAGE(header_error.starts_with("kiosk.toml:1: more than 16 dots"), header_error);
  // Dots inside strings and comments are not keys: a real file with many is fine, multi-line
  // strings (with an escaped quote and a line-ending backslash) included.
  std::string dotted_strings =
      "# a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z\n"
      "[kiosk]\nid = \"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r\"\n"
      "assets_dir = '''\nx.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x'''\n"
      "data_dir = \"\"\"q.q.q.q.q.q.q.q.q.q.\\\"\"\".q.q.q.q.q.q.q.q.q.q.q.q\\\n  "
      "r.r.r.r.r.r.r.r.r.r.r.r.r.r.r.r.r\"\"\"\n";
  auto config = parse(dotted_strings);
  REQUIRE_MESSAGE(config, (config ? "" : config.error().message));
  CHECK(config->kiosk.id == "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r");
  CHECK(config->kiosk.assets_dir == "/etc/shubbak/x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x");
  CHECK(config->kiosk.data_dir ==
        "/etc/shubbak/"
        "q.q.q.q.q.q.q.q.q.q.\"\"\".q.q.q.q.q.q.q.q.q.q.q.qr.r.r.r.r.r.r.r.r.r.r.r.r.r.r.r.r");
}

TEST_CASE("hostile configuration files are each refused with the reason expected") {
  // tests/fixtures/hostile/kiosk-toml: NAME.toml and NAME.expected, the text the error must hold
  // right after the file's name. The same files go to the real binary in runtime_test.
  fs::path corpus = fs::path(SHUBBAK_SOURCE_DIR) / "tests/fixtures/hostile/kiosk-toml";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".toml") continue;
    ++cases;
    CAPTURE(entry.path().filename().string());
    std::ifstream in(fs::path(entry.path()).replace_extension(".expected"));
    std::string expected;
    std::getline(in, expected);
    REQUIRE_FALSE(expected.empty());
    auto loaded = load_config(entry.path());
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == Errc::config);
    CHECK_MESSAGE(loaded.error().message.starts_with(entry.path().string() + expected),
                  loaded.error().message);
  }
  CHECK(cases >= 15);
}

TEST_CASE("the shipped, commented default config parses to exactly the defaults") {
  auto shipped = load_config(fs::path(SHUBBAK_SOURCE_DIR) / "provisioning/etc/kiosk.toml");
  REQUIRE_MESSAGE(shipped, (shipped ? "" : shipped.error().message));
  Config defaults;
  CHECK(shipped->kiosk.id == defaults.kiosk.id);
  CHECK(shipped->kiosk.language == defaults.kiosk.language);
  CHECK(shipped->display.width == defaults.display.width);
  CHECK(shipped->display.height == defaults.display.height);
  CHECK(shipped->display.rotation == defaults.display.rotation);
  CHECK(shipped->display.dpi == defaults.display.dpi);
  CHECK(shipped->display.mode == defaults.display.mode);
  CHECK(shipped->ui.speech_toggle == defaults.ui.speech_toggle);
  CHECK(shipped->ui.controls_lower == defaults.ui.controls_lower);
  CHECK(shipped->text.arabic_font == defaults.text.arabic_font);
  CHECK(shipped->text.latin_bold_font == defaults.text.latin_bold_font);
  CHECK(shipped->text.symbol_font == defaults.text.symbol_font);
  CHECK(shipped->locale.native_digits == defaults.locale.native_digits);
  CHECK(shipped->ui.theme == defaults.ui.theme);
  CHECK(shipped->log.level == defaults.log.level);
  CHECK(shipped->payment.terminal == defaults.payment.terminal);
  CHECK(shipped->printer.uri == defaults.printer.uri);
  CHECK(shipped->printer.width_dots == defaults.printer.width_dots);
  CHECK(shipped->printer.format == defaults.printer.format);
  CHECK(shipped->printer.resolution_dpi == defaults.printer.resolution_dpi);
  CHECK(shipped->printer.job_timeout_seconds == defaults.printer.job_timeout_seconds);
  CHECK(shipped->usb.allow == defaults.usb.allow);
  CHECK(shipped->card.reader == defaults.card.reader);
  CHECK(shipped->card.profile == defaults.card.profile);
  CHECK(shipped->card.command_timeout_ms == defaults.card.command_timeout_ms);
  CHECK(shipped->scanner.reader == defaults.scanner.reader);
  CHECK(shipped->scanner.layout == defaults.scanner.layout);
  CHECK(shipped->scanner.end_of_scan_ms == defaults.scanner.end_of_scan_ms);
  CHECK(shipped->updates.metadata_url == defaults.updates.metadata_url);
  CHECK(shipped->updates.trusted_root == defaults.updates.trusted_root);
  CHECK(shipped->updates.interval_minutes == defaults.updates.interval_minutes);
  CHECK(shipped->updates.jitter_percent == defaults.updates.jitter_percent);
  CHECK(shipped->portal.url == defaults.portal.url);
  CHECK(shipped->portal.heartbeat_seconds == defaults.portal.heartbeat_seconds);
  CHECK(shipped->store.retention_days == defaults.store.retention_days);
  CHECK(shipped->store.min_free_mb == defaults.store.min_free_mb);
  CHECK(shipped->technician.pin_hash.empty());  // no default PIN on an installed kiosk
  CHECK(shipped->technician.pin_hash == defaults.technician.pin_hash);
  CHECK(shipped->technician.max_failures == defaults.technician.max_failures);
  CHECK(shipped->technician.lockout_minutes == defaults.technician.lockout_minutes);
  CHECK(shipped->technician.idle_seconds == defaults.technician.idle_seconds);
  CHECK(shipped->technician.export_dir == defaults.technician.export_dir);
}

TEST_CASE("technician settings") {
  auto config = parse(
      "[technician]\npin_hash = \"scrypt$ln=15$r=8$p=1$c2FsdA==$aGFzaA==\"\nidle_seconds = 5\n"
      "max_failures = 3\nlockout_minutes = 10\n");
  REQUIRE_MESSAGE(config, config.error().message);
  CHECK(config->technician.idle_seconds == 5);
  CHECK(config->technician.max_failures == 3);
  CHECK(config->technician.lockout_minutes == 10);
  CHECK(error_of("[technician]\npin_hash = \"246810\"\n")
            .starts_with("kiosk.toml:2: technician.pin_hash: expected"));
  CHECK(error_of("[technician]\nmax_failures = 0\n") ==
        "kiosk.toml:2: technician.max_failures: 0 is out of range 1..20");
}

TEST_CASE("USB, card reader and scanner settings") {
  auto config = parse(
      "[usb]\nallow = [\"class:0b\", \"076b:3021\"]\n[card]\nreader = \"ccid://076b:3021\"\n"
      "[scanner]\nreader = \"hid://0c2e:0b61\"\nlayout = \"ar\"\nend_of_scan_ms = 50\n");
  REQUIRE_MESSAGE(config, config.error().message);
  CHECK(config->usb.allow == std::vector<std::string>{"class:0b", "076b:3021"});
  CHECK(config->card.reader == "ccid://076b:3021");
  CHECK(config->scanner.reader == "hid://0c2e:0b61");
  CHECK(config->scanner.layout == "ar");
  CHECK(config->scanner.end_of_scan_ms == 50);
  CHECK(error_of("[usb]\nallow = [\"076b\"]\n") ==
        "kiosk.toml:2: usb.allow: \"076b\" is neither VVVV:PPPP nor class:XX (hex)");
  CHECK(error_of("[usb]\nallow = \"class:0b\"\n") ==
        "kiosk.toml:2: usb.allow: expected an array of strings, got a string");
  CHECK(error_of("[card]\nreader = \"pcsc://x\"\n") ==
        "kiosk.toml:2: card.reader: \"pcsc://x\" is not sim://demo, ccid:// or ccid://VVVV:PPPP");
  CHECK(error_of("[card]\nprofile = \"../etc/passwd\"\n")
            .starts_with("kiosk.toml:2: card.profile: expected"));
  CHECK(error_of("[scanner]\nlayout = \"fr\"\n") ==
        "kiosk.toml:2: scanner.layout: \"fr\" is not one of \"us\", \"ar\"");
}

TEST_CASE("digits and theme are chosen by name") {
  auto config = parse("[locale]\ndigits = \"arabic-indic\"\n[ui]\ntheme = \"high-contrast\"\n");
  REQUIRE(config);
  CHECK(config->locale.native_digits);
  CHECK(config->ui.theme == "high-contrast");
  CHECK(error_of("[ui]\ntheme = \"dark\"\n") ==
        "kiosk.toml:2: ui.theme: \"dark\" is not one of \"default\", \"high-contrast\", "
        "\"large-text\"");
}

TEST_CASE("portal and store settings: read, and refused when incomplete or not https") {
  auto config = parse(R"(
[portal]
url = "https://portal.example.gov:8443"
ca_file = "portal-ca.pem"
client_cert = "kiosk.pem"
client_key = "/secure/kiosk.key"
heartbeat_seconds = 30
[store]
retention_days = 30
min_free_mb = 128
)");
  REQUIRE_MESSAGE(config, (config ? "" : config.error().message));
  CHECK(config->portal.url == "https://portal.example.gov:8443");
  CHECK(config->portal.ca_file == "/etc/shubbak/portal-ca.pem");
  CHECK(config->portal.client_key == "/secure/kiosk.key");
  CHECK(config->portal.heartbeat_seconds == 30);
  CHECK(config->store.retention_days == 30);
  CHECK(config->store.min_free_mb == 128);
  CHECK(Config{}.portal.url.empty());
  CHECK(Config{}.store.retention_days == 90);

  CHECK(error_of("[portal]\nurl = \"http://portal\"\n") ==
        "kiosk.toml:2: portal.url: must be an https:// URL (or empty for no upload)");
  CHECK(error_of("[portal]\nurl = \"https://portal\"\n").find("portal.client_cert") !=
        std::string::npos);
  CHECK(error_of("[store]\nretention_days = 0\n") ==
        "kiosk.toml:2: store.retention_days: 0 is out of range 1..3650");
}

TEST_CASE("ui.speech and ui.controls take their named values and refuse others") {
  auto config = parse("[ui]\nspeech = \"off\"\ncontrols = \"lower\"\n");
  REQUIRE(config);
  CHECK_FALSE(config->ui.speech_toggle);
  CHECK(config->ui.controls_lower);
  CHECK(Config{}.ui.speech_toggle);
  CHECK_FALSE(Config{}.ui.controls_lower);
  CHECK_FALSE(parse("[ui]\nspeech = \"on\"\n"));
  CHECK_FALSE(parse("[ui]\ncontrols = \"bottom\"\n"));
}

TEST_CASE("the offered languages: known codes, each once, the starting one among them") {
  auto config = parse_config("[kiosk]\nlanguage = \"ur\"\nlanguages = [\"ur\", \"ar\", \"ml\"]\n",
                             "kiosk.toml", ".");
  REQUIRE_MESSAGE(config, (config ? "" : config.error().message));
  CHECK(config->kiosk.language == Language::ur);
  CHECK(config->kiosk.languages == std::vector<Language>{Language::ur, Language::ar, Language::ml});
  auto error = [](std::string_view text) {
    auto c = parse_config(text, "kiosk.toml", ".");
    return c ? std::string() : c.error().message;
  };
  CHECK(error("[kiosk]\nlanguages = [\"ar\", \"ar\"]\n") ==
        "kiosk.toml:2: kiosk.languages: \"ar\" is listed twice");
  CHECK(error("[kiosk]\nlanguages = []\n") ==
        "kiosk.toml:2: kiosk.languages: expected a non-empty array of language codes, got an "
        "array");
  CHECK(error("[kiosk]\nlanguages = [\"xx\"]\n").find("each language is one of") !=
        std::string::npos);
  CHECK(error("[kiosk]\nlanguage = \"hi\"\n") ==
        "kiosk.toml: kiosk.language \"hi\" is not one of kiosk.languages");
}
