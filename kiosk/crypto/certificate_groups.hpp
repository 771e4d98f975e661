// The rollout groups a kiosk belongs to, read from its own TLS client certificate. The portal's
// kiosk CA puts each group in the subject as one organizationalUnitName (OU) at enrolment, so a
// kiosk cannot move itself into another group by editing its configuration: the groups are
// signed by the CA, and the certificate is only taken as the kiosk's own when its CN is the
// configured kiosk id and its public key matches the kiosk's TLS private key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak {

// The OU values of the leaf certificate in `cert_file` (PEM), in subject order. Errc::integrity
// when its CN is not `kiosk_id`, when it is not the certificate of the key in `key_file`, or
// when an OU is not a group name ([a-z0-9][a-z0-9._:-]{0,62}); the caller then treats the kiosk
// as in no group.
Expected<std::vector<std::string>> read_certificate_groups(const std::filesystem::path& cert_file,
                                                           const std::filesystem::path& key_file,
                                                           std::string_view kiosk_id);

}  // namespace shubbak
