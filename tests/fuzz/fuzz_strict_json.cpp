// Strict JSON (kiosk/core/strict_json) on arbitrary bytes: every input is either refused with a
// path and a reason, or accepted as a document that dumps and reads back as itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/core/strict_json.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  shubbak::JsonLimits limits;
  limits.max_bytes = 64 * 1024;
  limits.max_depth = 12;
  limits.max_string_bytes = 256;
  limits.max_key_bytes = 32;
  limits.max_array_items = 64;
  limits.max_object_members = 64;
  limits.max_values = 2000;
  limits.allow_fractions = size % 2 == 0;
  auto document = shubbak::read_strict_json(bytes, limits);
  if (!document) {
    const auto& problem = document.error();
    require(problem.path.starts_with("$") && !problem.reason.empty());
    // Messages never carry raw bytes of the input that are not printable ASCII.
    for (char c : problem.reason) require(static_cast<unsigned char>(c) < 0x80);
    return 0;
  }
  // What was accepted is valid UTF-8 JSON without duplicates: it reads back the same.
  std::string dumped = document->dump();
  limits.max_bytes = dumped.size() + 1;
  auto again = shubbak::read_strict_json(dumped, limits);
  require(again.has_value() && *again == *document);
  return 0;
}
