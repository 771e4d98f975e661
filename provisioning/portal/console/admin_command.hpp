// `shubbak-portal admin add`: makes a console admin account in the portal's database.
#pragma once

#include <string>

namespace shubbak::portal::console {

// The password is the first line of stdin when stdin is not a terminal and that line is not
// empty; otherwise one is made (18 random bytes, base64) and printed once on stdout. Returns the
// process exit code (0 done, 1 failure), having said why on stderr.
int add_admin_account(const std::string& database, const std::string& user,
                      const std::string& role);

}  // namespace shubbak::portal::console
