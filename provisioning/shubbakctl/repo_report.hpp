// What the admin reads after each repository command, and on asking: `repo status` lists each
// role's version, expiry, keys and threshold and warns of anything expiring within a day (a
// timestamp left unsigned stops every kiosk's updates); `repo fingerprint` prints the root's
// SHA-256 exactly as `kiosk provision` shows it to the technician; each edit ends with a line
// saying what was signed and what to do next.
#pragma once

#include <cstdio>
#include <set>
#include <string>

#include "kiosk/core/error.hpp"
#include "kiosk/trust/metadata.hpp"
#include "provisioning/shubbakctl/repository.hpp"

namespace shubbak::repo {

// Exit status: 0, or 1 when a role has expired (kiosks refuse it). A role expiring within a
// day is marked, with exit 0: the timestamp does so every day until re-signed.
int print_status(Repository& repository, trust::UnixSeconds now, std::FILE* out);

// The root the repository publishes (metadata/root.json): its version and fingerprint.
Expected<void> print_fingerprint(const Repository& repository, std::FILE* out);

// After commit(): "signed targets v3, snapshot v7, timestamp v7; next: repo publish --out DIR".
void print_signed(Repository& repository, const std::set<std::string>& roles, std::FILE* out);

}  // namespace shubbak::repo
