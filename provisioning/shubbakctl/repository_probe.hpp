// The self-test's look at the service repository: the same TUF client workflow the kiosk runs
// at start (kiosk/trust), from the installed trusted root, into a throw-away metadata directory,
// so that a repository the kiosk could not use (none served at the URL, a wrong root, expired
// metadata, no service in it) fails the self-test instead of leaving a kiosk that passed every
// check standing out of service. Nothing is downloaded but metadata; the kiosk's own trust
// directory is not touched.
#pragma once

#include <string>

#include "kiosk/core/config.hpp"
#include "kiosk/core/error.hpp"

namespace shubbak::provision {

// On success: what was verified and when the kiosk checks next; otherwise why it failed.
Expected<std::string> probe_repository(const Config& config);

}  // namespace shubbak::provision
