#include "kiosk/core/pattern.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

namespace shubbak {

namespace {

// A pattern in a message: printable ASCII, anything else as \xNN.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", b);
    }
  }
  return out;
}

}  // namespace

Expected<Pattern> Pattern::compile(std::string_view source, const PatternLimits& limits) {
  if (source.size() > limits.max_source_bytes) {
    return fail(Errc::invalid_argument,
                fmt::format("the pattern is {} bytes long; at most {} are allowed", source.size(),
                            limits.max_source_bytes));
  }
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_never_capture(true);  // match or not: no submatches, the fastest engines
  options.set_max_mem(limits.max_memory_bytes);
  auto compiled =
      std::make_shared<const RE2>(re2::StringPiece(source.data(), source.size()), options);
  if (!compiled->ok()) {
    std::string reason = compiled->error();
    if (compiled->error_code() == RE2::ErrorPatternTooLarge) reason = "too complex";
    return fail(Errc::invalid_argument,
                fmt::format("the pattern \"{}\" is not a valid regular expression ({})",
                            shown(source), shown(reason)));
  }
  int size = compiled->ProgramSize();
  if (size > limits.max_program_size) {
    return fail(
        Errc::invalid_argument,
        fmt::format("the pattern \"{}\" is too complex: its program has {} instructions; at "
                    "most {} are allowed",
                    shown(source), size, limits.max_program_size));
  }
  return Pattern(std::string(source), std::move(compiled), size);
}

bool Pattern::full_match(std::string_view text) const {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *m_compiled);
}

bool Pattern::search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *m_compiled);
}

}  // namespace shubbak
