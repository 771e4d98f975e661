// Where the runtime finds its assets (messages, card profiles, demo services) when kiosk.toml
// names none. The answer is fixed at build time and differs between the runtime in the build
// tree (the source tree's assets/) and the installed one (the package's /usr/share/shubbak),
// so this one function is compiled once for each, and main.cpp only once.
#pragma once

#include <filesystem>

namespace shubbak {

std::filesystem::path default_assets_dir();

}  // namespace shubbak
