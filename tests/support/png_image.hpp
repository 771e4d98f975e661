// PNG files as ARGB pixels, for tests that read back what the kiosk drew.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace shubbak::testing {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint32_t> argb;  // row-major

  std::uint32_t at(int x, int y) const { return argb[static_cast<std::size_t>(y * width + x)]; }
  std::uint32_t rgb(int x, int y) const { return at(x, y) & 0xFFFFFFu; }
};

std::optional<Image> load_png(const std::filesystem::path& path);
bool save_png(const Image& image, const std::filesystem::path& path);

// How many pixels differ, or -1 when the sizes differ.
long count_differences(const Image& a, const Image& b);

}  // namespace shubbak::testing

namespace shubbak::testing {

// Compares `image` with tests/golden/NAME.png pixel for pixel. With SHUBBAK_UPDATE_GOLDEN=1 in
// the environment it writes the golden file instead (look at it before committing). On a
// mismatch the actual image is kept beside the test's build files for a look.
// Returns an empty string when it matches, else what went wrong.
std::string compare_with_golden(const Image& image, const std::string& name);

}  // namespace shubbak::testing
