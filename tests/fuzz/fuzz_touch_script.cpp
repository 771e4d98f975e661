// Fuzz target: touch scripts (kiosk/app/touch_script.cpp), read from the file given with
// --script. Invariants: no crash or sanitizer report; a refusal is Errc::parse and names the
// script and line; every step parsed is one the runner can carry out.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/app/touch_script.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto steps = shubbak::parse_touch_script(text, "fuzz.txt");
  if (!steps) {
    require(steps.error().code == shubbak::Errc::parse);
    require(steps.error().message.starts_with("fuzz.txt:"));
    return 0;
  }
  using Kind = shubbak::ScriptStep::Kind;
  for (const auto& step : *steps) {
    require(step.line >= 1);
    if (step.kind == Kind::wait) require(step.milliseconds >= 0 && step.milliseconds <= 600000);
    if (step.kind == Kind::shot) require(!step.name.empty() && step.name.size() <= 64);
    if (step.kind == Kind::type) require(!step.name.empty());
  }
  return 0;
}
