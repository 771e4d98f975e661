#include "kiosk/workflow/expression/regex_match.hpp"

#include <memory>

#include <fmt/format.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

namespace shubbak::workflow {
namespace {

constexpr int32_t k_stack_limit_bytes = 256 * 1024;

Expected<std::unique_ptr<icu::RegexPattern>> compile(std::string_view pattern) {
  if (pattern.size() > k_max_pattern_bytes) {
    return fail(Errc::invalid_argument,
                fmt::format("the pattern is {} bytes long; at most {} are allowed", pattern.size(),
                            k_max_pattern_bytes));
  }
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  auto source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(pattern.data(), static_cast<int32_t>(pattern.size())));
  std::unique_ptr<icu::RegexPattern> compiled(icu::RegexPattern::compile(source, 0, where, status));
  if (U_FAILURE(status) || !compiled) {
    return fail(Errc::invalid_argument,
                fmt::format("the pattern \"{}\" is not a valid regular expression ({} at "
                            "offset {})",
                            pattern, u_errorName(status), where.offset));
  }
  return compiled;
}

}  // namespace

Expected<void> validate_pattern(std::string_view pattern) {
  auto compiled = compile(pattern);
  if (!compiled) return std::unexpected(compiled.error());
  return {};
}

Expected<bool> regex_search(std::string_view pattern, std::string_view text, int time_limit) {
  auto compiled = compile(pattern);
  if (!compiled) return std::unexpected(compiled.error());
  auto subject = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> matcher((*compiled)->matcher(subject, status));
  if (U_FAILURE(status) || !matcher)
    return fail(Errc::internal, "cannot create a regular expression matcher");
  matcher->setTimeLimit(time_limit > 0 ? time_limit : 1, status);
  matcher->setStackLimit(k_stack_limit_bytes, status);
  bool found = matcher->find(status);
  if (status == U_REGEX_TIME_OUT)
    return fail(Errc::cancelled, "matches() stopped: the pattern took too long");
  if (status == U_REGEX_STACK_OVERFLOW) {
    return fail(Errc::cancelled, "matches() stopped: the pattern needs too much backtracking");
  }
  if (U_FAILURE(status))
    return fail(Errc::invalid_argument, fmt::format("matches() failed: {}", u_errorName(status)));
  return found;
}

}  // namespace shubbak::workflow
