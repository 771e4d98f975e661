// What the repository tools refuse beyond TUF's own mechanics, so that nothing a kiosk would
// refuse is ever signed (FORMAT.md: `services/<ministry>/*` is signed by that ministry's
// delegation):
//   - a target outside the paths delegated to the role that signs it;
//   - a service bundle whose `ministry` is not the directory it is published under;
//   - a service id already published under another name;
//   - a version not above the one published under the same name;
//   - an expiry in the past, or further ahead than a role of its kind should be trusted.
// Each refusal says what to do instead.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/error.hpp"
#include "kiosk/trust/metadata.hpp"
#include "provisioning/shubbakctl/repository.hpp"

namespace shubbak::repo {

// Before `repository.add_target(name, …, role)` with the file's `bytes` (already linted when a
// service bundle).
Expected<void> check_publishable(Repository& repository, const std::string& name,
                                 const std::string& role, std::string_view bytes);

// The longest a role's metadata may be signed for: root 10 years, every other role 2 years.
int max_expiry_days(const std::string& role);
Expected<void> check_expiry(const std::string& role, trust::UnixSeconds expires,
                            trust::UnixSeconds now);

}  // namespace shubbak::repo
