// Owning handles for libcurl, and its one-time global set-up. For kiosk/net's own files only:
// nothing outside kiosk/net includes curl headers (tools/layers.txt).
#pragma once

#include <memory>

#include <curl/curl.h>

namespace shubbak::curl {

struct EasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyPtr = std::unique_ptr<CURL, EasyCleanup>;

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistFree>;

// libcurl's global state must be set up once, before the first handle on any thread. False if
// curl_global_init failed (the answer is remembered).
bool init_once();

}  // namespace shubbak::curl
