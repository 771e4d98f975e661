#include "kiosk/core/bytes.hpp"

#include <cstring>

namespace shubbak {

void secure_wipe(void* data, std::size_t size) {
  if (data == nullptr || size == 0) return;
  ::explicit_bzero(data, size);
}

}  // namespace shubbak
