#include "kiosk/trust/canonical_json.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace shubbak::trust {

namespace {

void write_string(const std::string& text, std::string& out) {
  out.push_back('"');
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('"');
}

// Recursive, so the depth is capped: a size cap alone still allows a document of one
// nested array per byte, which would overflow the stack.
std::optional<std::string> write(const nlohmann::json& value, std::string& out, int depth) {
  using Type = nlohmann::json::value_t;
  if (depth > k_max_canonical_depth) {
    return fmt::format("nested more than {} levels deep", k_max_canonical_depth);
  }
  switch (value.type()) {
    case Type::null:
      out += "null";
      return std::nullopt;
    case Type::boolean:
      out += value.get<bool>() ? "true" : "false";
      return std::nullopt;
    case Type::number_integer:
      out += fmt::format("{}", value.get<std::int64_t>());
      return std::nullopt;
    case Type::number_unsigned:
      out += fmt::format("{}", value.get<std::uint64_t>());
      return std::nullopt;
    case Type::string:
      write_string(value.get_ref<const std::string&>(), out);
      return std::nullopt;
    case Type::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (!first) out.push_back(',');
        first = false;
        if (auto problem = write(item, out, depth + 1)) return problem;
      }
      out.push_back(']');
      return std::nullopt;
    }
    case Type::object: {
      // Sort explicitly by raw bytes (unsigned), whatever order the container keeps.
      std::vector<const std::string*> keys;
      for (const auto& item : value.items()) keys.push_back(&item.key());
      std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) {
        return std::lexicographical_compare(
            a->begin(), a->end(), b->begin(), b->end(), [](char x, char y) {
              return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
            });
      });
      out.push_back('{');
      bool first = true;
      for (const std::string* key : keys) {
        if (!first) out.push_back(',');
        first = false;
        write_string(*key, out);
        out.push_back(':');
        if (auto problem = write(value.at(*key), out, depth + 1)) return problem;
      }
      out.push_back('}');
      return std::nullopt;
    }
    case Type::number_float:
      return "a floating-point number has no canonical form";
    case Type::binary:
    case Type::discarded:
      return "binary data has no canonical form";
  }
  return "unknown JSON value";
}

}  // namespace

Expected<std::string> canonical_json(const nlohmann::json& value) {
  std::string out;
  if (auto problem = write(value, out, 1)) return fail(Errc::parse, "canonical JSON: " + *problem);
  return out;
}

}  // namespace shubbak::trust
