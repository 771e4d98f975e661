#include "kiosk/net/curl_handles.hpp"

#include <mutex>

namespace shubbak::curl {

bool init_once() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return code == CURLE_OK;
}

}  // namespace shubbak::curl
