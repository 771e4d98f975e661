// A "diamond" delegation for tests: targets delegates to "a" (services/a/*) and to "b"
// (services/b/*), and both delegate to the same role "shared", each with its own key. The
// repository signs "shared" with b's delegated key only (or, with `signed_for_both`, with a's
// as well). "shared" lists services/b/ok.json, which b trusts it for, and services/a/evil.json,
// which only a could let it sign: reached through a, "shared" must be verified against a's key.
// The public TUF conformance suite has this case; clients that cached "shared" by name after
// the lookup through b downloaded the evil target.
#pragma once

#include <string>

#include "tests/integration/trust/tuf_world.hpp"

namespace shubbak::testing {

struct Diamond {
  std::string a_key_for_shared;  // the key id a's delegation expects on "shared"
  std::string b_key_for_shared;  // the key id b's delegation expects (and that signs it)
};

Diamond make_diamond(TufWorld& world, bool signed_for_both);

// Listed by "shared": the first through b, the second through a.
inline constexpr const char* k_diamond_path_b = "services/b/ok.json";
inline constexpr const char* k_diamond_path_a = "services/a/evil.json";

}  // namespace shubbak::testing
