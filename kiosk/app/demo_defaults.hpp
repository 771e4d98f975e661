// What `shubbak --demo` adds to the built-in defaults. The demo's technician PIN is public
// (it is printed in the README and the demo script types it), so it exists only here, for the
// demo: the shipped kiosk.toml has no PIN and an installed kiosk without one has technician
// mode disabled.
#pragma once

#include <string_view>

namespace shubbak {

inline constexpr std::string_view k_demo_technician_pin = "246810";
// scrypt ln=15 r=8 p=1 of k_demo_technician_pin (a test checks that they match).
inline constexpr std::string_view k_demo_technician_pin_hash =
    "scrypt$ln=15$r=8$p=1$pNTE9KpcOwtmQjja68a3Tw==$l0rYMXqpqFJmuwkAVFfHeLJOYuIy6+7JZz+Vrh/ZJMM=";

}  // namespace shubbak
