// Text functions. Texts are UTF-8; lengths and positions count code points (not grapheme
// clusters: an Arabic letter with a haraka counts as two), which is stable across ICU versions.
#include <array>

#include <limits>

#include <fmt/format.h>

#include "kiosk/workflow/expression/functions.hpp"
#include "kiosk/workflow/expression/regex_match.hpp"

namespace shubbak::workflow {
namespace {

const std::string& text_of(const Value& value) {
  return std::get<std::string>(value.data);
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::int64_t code_points(std::string_view text) {
  std::int64_t count = 0;
  for (char c : text) count += is_continuation(c) ? 0 : 1;
  return count;
}

// Byte offset of code point `index` (or text.size() past the end).
std::size_t byte_offset(std::string_view text, std::int64_t index) {
  std::int64_t seen = -1;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (!is_continuation(text[at]) && ++seen == index) return at;
  }
  return text.size();
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Expected<TypeInfo> texts_to(const Node& call, std::span<const TypeInfo> arguments, Type result) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (auto ok = require_argument(call, arguments, i, {Type::text}); !ok)
      return std::unexpected(ok.error());
  }
  return TypeInfo{result, ""};
}

Expected<TypeInfo> check_text_to_text(const Node& call, std::span<const TypeInfo> arguments) {
  return texts_to(call, arguments, Type::text);
}
Expected<TypeInfo> check_text_to_number(const Node& call, std::span<const TypeInfo> arguments) {
  return texts_to(call, arguments, Type::number);
}
Expected<TypeInfo> check_text_to_boolean(const Node& call, std::span<const TypeInfo> arguments) {
  return texts_to(call, arguments, Type::boolean);
}

Expected<Value> sized_text(std::string text, EvaluationBudget& budget) {
  if (auto ok = budget.check_text_size(text.size()); !ok) return std::unexpected(ok.error());
  return Value{std::move(text)};
}

Expected<Value> concat(std::span<const Value> arguments, EvaluationBudget& budget) {
  std::size_t total = 0;
  for (const auto& argument : arguments) {
    if (!argument.is_null()) total += text_of(argument).size();
  }
  if (auto ok = budget.check_text_size(total); !ok) return std::unexpected(ok.error());
  if (auto ok = budget.spend_on_text(total); !ok) return std::unexpected(ok.error());
  std::string joined;
  joined.reserve(total);
  for (const auto& argument : arguments) {
    if (!argument.is_null()) joined += text_of(argument);
  }
  return Value{std::move(joined)};
}

Expected<Value> len(std::span<const Value> arguments, EvaluationBudget& budget) {
  const auto& text = text_of(arguments[0]);
  if (auto ok = budget.spend_on_text(text.size()); !ok) return std::unexpected(ok.error());
  return Value{Decimal::integer(code_points(text))};
}

Expected<Value> trim(std::span<const Value> arguments, EvaluationBudget& budget) {
  std::string_view text = text_of(arguments[0]);
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return sized_text(std::string(text), budget);
}

template <bool k_upper>
Expected<Value> change_case(std::span<const Value> arguments, EvaluationBudget& budget) {
  std::string text = text_of(arguments[0]);
  if (auto ok = budget.spend_on_text(text.size()); !ok) return std::unexpected(ok.error());
  for (char& c : text) {
    if (k_upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!k_upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return sized_text(std::move(text), budget);
}

Expected<Value> contains(std::span<const Value> arguments, EvaluationBudget& budget) {
  const auto& text = text_of(arguments[0]);
  const auto& part = text_of(arguments[1]);
  // A plain search compares up to every byte of `part` at every position of `text`.
  if (auto ok = budget.spend(contains_steps(text.size(), part.size())); !ok)
    return std::unexpected(ok.error());
  return Value{text.find(part) != std::string::npos};
}

Expected<Value> starts_with(std::span<const Value> arguments, EvaluationBudget&) {
  return Value{std::string_view(text_of(arguments[0])).starts_with(text_of(arguments[1]))};
}

Expected<TypeInfo> check_substr(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::text}); !ok)
    return std::unexpected(ok.error());
  for (std::size_t i = 1; i < 3; ++i) {
    if (auto ok = require_argument(call, arguments, i, {Type::number}); !ok)
      return std::unexpected(ok.error());
  }
  return TypeInfo{Type::text, ""};
}

Expected<Value> substr(std::span<const Value> arguments, EvaluationBudget& budget) {
  const auto& text = text_of(arguments[0]);
  if (auto ok = budget.spend_on_text(text.size()); !ok) return std::unexpected(ok.error());
  auto start = whole_number("substr", arguments[1], 0, std::numeric_limits<std::int64_t>::max());
  if (!start) return std::unexpected(start.error());
  auto length = whole_number("substr", arguments[2], 0, std::numeric_limits<std::int64_t>::max());
  if (!length) return std::unexpected(length.error());
  std::size_t from = byte_offset(text, *start);
  std::int64_t end_index =
      *length > std::numeric_limits<std::int64_t>::max() - *start ? *length : *start + *length;
  std::size_t to = byte_offset(text, end_index);
  return sized_text(text.substr(from, to - from), budget);
}

Expected<TypeInfo> check_matches(const Node& call, std::span<const TypeInfo> arguments) {
  if (auto ok = require_argument(call, arguments, 0, {Type::text}); !ok)
    return std::unexpected(ok.error());
  // The pattern is part of the bundle, never an answer: a citizen cannot supply a regex.
  const std::string* pattern = text_literal(call, 1);
  if (pattern == nullptr)
    return fail(Errc::invalid_argument, "matches() needs a string literal as its pattern");
  if (!call.pattern) {
    // The parser compiles every pattern that can be; this one cannot: say why.
    auto compiled = compile_pattern(*pattern);
    return fail(Errc::invalid_argument,
                "matches(): " + (compiled ? std::string("the pattern was not compiled")
                                          : compiled.error().message));
  }
  return TypeInfo{Type::boolean, ""};
}

Expected<Value> matches(std::span<const Value> arguments, EvaluationBudget& budget) {
  const auto& text = text_of(arguments[0]);
  const Node* call = budget.call();
  if (call == nullptr || !call->pattern)
    return fail(Errc::internal, "matches() without a compiled pattern");
  if (auto ok = budget.spend_on_text(text.size()); !ok) return std::unexpected(ok.error());
  if (auto ok = budget.spend(match_steps(call->pattern->program_size(), text.size())); !ok)
    return std::unexpected(ok.error());
  return Value{call->pattern->search(text)};
}

Expected<TypeInfo> check_text(const Node&, std::span<const TypeInfo>) {
  return TypeInfo{Type::text, ""};
}

Expected<Value> text(std::span<const Value> arguments, EvaluationBudget& budget) {
  std::string shown = arguments[0].to_display_string();
  if (auto ok = budget.check_text_size(shown.size()); !ok) return std::unexpected(ok.error());
  if (auto ok = budget.spend_on_text(shown.size()); !ok) return std::unexpected(ok.error());
  return Value{std::move(shown)};
}

constexpr std::array k_text{
    FunctionSpec{"concat", 1, k_any_count, check_text_to_text, concat, false},
    FunctionSpec{"len", 1, 1, check_text_to_number, len, true},
    FunctionSpec{"trim", 1, 1, check_text_to_text, trim, true},
    FunctionSpec{"upper", 1, 1, check_text_to_text, change_case<true>, true},
    FunctionSpec{"lower", 1, 1, check_text_to_text, change_case<false>, true},
    FunctionSpec{"contains", 2, 2, check_text_to_boolean, contains, true},
    FunctionSpec{"starts_with", 2, 2, check_text_to_boolean, starts_with, true},
    FunctionSpec{"substr", 3, 3, check_substr, substr, true},
    FunctionSpec{"matches", 2, 2, check_matches, matches, true},
    FunctionSpec{"text", 1, 1, check_text, text, false},
};

}  // namespace

std::span<const FunctionSpec> text_functions() {
  return k_text;
}

}  // namespace shubbak::workflow
