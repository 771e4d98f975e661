// The device self-test after provisioning: opens what the kiosk opens at start, as it opens it,
// from the written kiosk.toml, and prints one PASS or FAIL line per check:
//   config     the file loads with the kiosk's own parser
//   device-key the Ed25519 device key loads (0600), signs, and the signature verifies
//   store      the transaction journal opens (or is created) in the data directory
//   printer    the configured receipt printer opens ("none": not checked, reported as such)
//   payment    the configured payment terminal's journal opens ("none": not checked)
//   portal     a heartbeat is answered (204) over mutual TLS with the enrolled certificate
//   updates    the service repository's metadata is fetched and verified from the installed
//              root, as the kiosk will, and offers at least one service (repository_probe.hpp)
// Card readers and scanners are USB devices opened by the runtime's hot-plug machinery; they
// are not checked here.
#pragma once

#include <cstdio>
#include <filesystem>

namespace shubbak::provision {

// True when every check passed.
bool run_self_test(const std::filesystem::path& config_path, std::FILE* out);

}  // namespace shubbak::provision
