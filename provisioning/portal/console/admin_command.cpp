#include "provisioning/portal/console/admin_command.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <iostream>

#include "kiosk/crypto/bytes.hpp"
#include "kiosk/crypto/pin_hash.hpp"
#include "provisioning/portal/console/admin_store.hpp"

namespace shubbak::portal::console {

namespace {

bool valid_user_name(const std::string& user) {
  if (user.empty() || user.size() > 64) return false;
  for (char c : user) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int add_admin_account(const std::string& database, const std::string& user,
                      const std::string& role_text) {
  auto role = parse_role(role_text);
  if (!role) {
    std::fprintf(stderr, "shubbak-portal: the role is viewer or operator\n");
    return 1;
  }
  if (!valid_user_name(user)) {
    std::fprintf(stderr,
                 "shubbak-portal: a user name has 1 to 64 letters, digits or . _ - @ (ASCII)\n");
    return 1;
  }
  std::string password;
  bool generated = false;
  if (!::isatty(STDIN_FILENO)) std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    std::array<std::uint8_t, 18> random{};
    if (auto ok = random_bytes(random); !ok) {
      std::fprintf(stderr, "shubbak-portal: %s\n", ok.error().describe().c_str());
      return 1;
    }
    password = base64_encode(random);
    generated = true;
  }
  auto hash = hash_secret(password);
  if (!hash) {
    std::fprintf(stderr, "shubbak-portal: %s\n", hash.error().describe().c_str());
    return 1;
  }
  auto store = open_admin_store(database);
  if (!store) {
    std::fprintf(stderr, "shubbak-portal: %s\n", store.error().describe().c_str());
    return 1;
  }
  if (auto added = (*store)->add_account(user, *role, *hash); !added) {
    std::fprintf(stderr, "shubbak-portal: %s\n", added.error().describe().c_str());
    return 1;
  }
  // Only a made password goes to stdout, once; it is stored only as a slow hash.
  if (generated) std::printf("%s\n", password.c_str());
  std::fprintf(stderr, "admin account %s (%s) added%s\n", user.c_str(), role_text.c_str(),
               generated ? "; its password is above, shown once" : "");
  return 0;
}

}  // namespace shubbak::portal::console
