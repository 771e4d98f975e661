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

struct x509_st;  // OpenSSL's X509, declared here so its header stays in certificate_groups.cpp

namespace shubbak {

// The groups `certificate` binds: its OUs in subject order, when it carries the portal CA's
// group binding policy (kiosk/core/kiosk_group.hpp) and every OU is a group name. Errc::integrity
// otherwise, saying which; the caller then treats the kiosk as in no group. The portal reads a
// kiosk's certificate with it too, so both sides agree byte for byte.
Expected<std::vector<std::string>> certificate_bound_groups(x509_st* certificate);

// Marks `certificate` (before it is signed) with the group binding policy: what the portal's
// kiosk CA does to every certificate whose subject it wrote. Errc::internal when OpenSSL fails.
Expected<void> add_group_binding_policy(x509_st* certificate);

// The groups of the leaf certificate in `cert_file` (PEM), as certificate_bound_groups().
// Errc::integrity also when its CN is not `kiosk_id`, or it is not the certificate of the key
// in `key_file`.
Expected<std::vector<std::string>> read_certificate_groups(const std::filesystem::path& cert_file,
                                                           const std::filesystem::path& key_file,
                                                           std::string_view kiosk_id);

}  // namespace shubbak
