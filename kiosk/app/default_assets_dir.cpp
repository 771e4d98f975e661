#include "kiosk/app/default_assets_dir.hpp"

namespace shubbak {

std::filesystem::path default_assets_dir() {
  return SHUBBAK_ASSETS_DIR;
}

}  // namespace shubbak
