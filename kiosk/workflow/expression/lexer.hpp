// Splits an expression's source into tokens. Columns are 1-based and counted in characters
// (UTF-8 code points), as an editor shows them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.hpp"

namespace shubbak::workflow {

struct Token {
  enum class Kind {
    number,      // text: the digits as written, "1.250"
    string,      // text: the value, escapes resolved
    field,       // text: the name without '$'
    identifier,  // text: a function name or keyword (true, false, null, and, or, not)
    symbol,      // text: ( ) , + - * / = != < <= > >=
    end,
  };
  Kind kind = Kind::end;
  std::string text;
  int column = 1;
};

// Errc::parse "column N: ..." for a character that starts no token, a bad escape, an
// unterminated string or invalid UTF-8.
Expected<std::vector<Token>> tokenize(std::string_view source);

// "column N: message" as an Errc::parse error.
std::unexpected<Error> parse_error(int column, std::string_view message);

}  // namespace shubbak::workflow
