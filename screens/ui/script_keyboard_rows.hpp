// The letter rows of the on-screen keyboard in each script that has its own: Urdu and Farsi as
// their phones lay them out, Hindi, Bengali, Malayalam and Tamil in InScript. Arabic and Latin
// (English, Tagalog) have their own layouts in the keyboard itself. Drafts, like the languages'
// catalogs: a native speaker should check them (README, Languages).
#pragma once

#include <string>
#include <vector>

#include "kiosk/core/language.hpp"

namespace shubbak {

struct ScriptKeyboardRows {
  std::vector<std::vector<std::string>> rows;     // what each key types
  std::vector<std::vector<std::string>> shifted;  // with shift, row for row and key for key
};

// The rows of `language`'s script; null for a language typed with the Arabic or Latin layout.
const ScriptKeyboardRows* script_keyboard_rows(Language language);

}  // namespace shubbak
