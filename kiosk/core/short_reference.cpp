#include "kiosk/core/short_reference.hpp"

#include <cstdint>

namespace shubbak {

namespace {

constexpr int k_modulus = 31;
// The inverse of the last weight (8) modulo 31: 8 * 4 = 32 ≡ 1.
constexpr int k_inverse_of_last_weight = 4;

int value_of(char c) {
  auto at = k_short_reference_alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The weighted sum of the characters of `text` (positions from 1), or -1 for a foreign character.
int weighted_sum(std::string_view text) {
  int sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    int v = value_of(text[i]);
    if (v < 0) return -1;
    sum = (sum + static_cast<int>(i + 1) * v) % k_modulus;
  }
  return sum;
}

}  // namespace

std::optional<char> short_reference_check(std::string_view body) {
  if (body.size() != k_short_reference_length - 1) return std::nullopt;
  int sum = weighted_sum(body);
  if (sum < 0) return std::nullopt;
  int check = ((k_modulus - sum) % k_modulus) * k_inverse_of_last_weight % k_modulus;
  return k_short_reference_alphabet[static_cast<std::size_t>(check)];
}

bool short_reference_valid(std::string_view compact) {
  return compact.size() == k_short_reference_length && weighted_sum(compact) == 0;
}

std::string short_reference(std::string_view transaction_id) {
  // FNV-1a, 64 bits: stable across builds and platforms, which std::hash is not.
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : transaction_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  std::string body(k_short_reference_length - 1, ' ');
  for (std::size_t i = body.size(); i-- > 0;) {
    body[i] = k_short_reference_alphabet[hash % k_modulus];
    hash /= k_modulus;
  }
  std::string compact = body + *short_reference_check(body);
  return compact.substr(0, 4) + "-" + compact.substr(4);
}

std::optional<std::string> parse_short_reference(std::string_view typed) {
  std::string compact;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (compact.size() == k_short_reference_length) return std::nullopt;
    compact += c;
  }
  if (!short_reference_valid(compact)) return std::nullopt;
  return compact;
}

}  // namespace shubbak
