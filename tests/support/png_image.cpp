#include "tests/support/png_image.hpp"

#include <SDL.h>
#include <SDL_image.h>

namespace shubbak::testing {

std::optional<Image> load_png(const std::filesystem::path& path) {
  SDL_Surface* loaded = IMG_Load(path.c_str());
  if (loaded == nullptr) return std::nullopt;
  SDL_Surface* argb = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_ARGB8888, 0);
  SDL_FreeSurface(loaded);
  if (argb == nullptr) return std::nullopt;
  Image image{argb->w, argb->h, {}};
  image.argb.resize(static_cast<std::size_t>(argb->w * argb->h));
  for (int y = 0; y < argb->h; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(
        static_cast<const std::uint8_t*>(argb->pixels) + y * argb->pitch);
    std::copy(row, row + argb->w, image.argb.begin() + static_cast<std::ptrdiff_t>(y * argb->w));
  }
  SDL_FreeSurface(argb);
  return image;
}

bool save_png(const Image& image, const std::filesystem::path& path) {
  SDL_Surface* surface = SDL_CreateRGBSurfaceWithFormatFrom(
      const_cast<std::uint32_t*>(image.argb.data()), image.width, image.height, 32, image.width * 4,
      SDL_PIXELFORMAT_ARGB8888);
  if (surface == nullptr) return false;
  bool ok = IMG_SavePNG(surface, path.c_str()) == 0;
  SDL_FreeSurface(surface);
  return ok;
}

long count_differences(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height) return -1;
  long differing = 0;
  for (std::size_t i = 0; i < a.argb.size(); ++i)
    differing += (a.argb[i] & 0xFFFFFFu) != (b.argb[i] & 0xFFFFFFu);
  return differing;
}

}  // namespace shubbak::testing

#include <cstdlib>
#include <string>

namespace shubbak::testing {

std::string compare_with_golden(const Image& image, const std::string& name) {
  std::filesystem::path golden =
      std::filesystem::path(SHUBBAK_SOURCE_DIR) / "tests/golden" / (name + ".png");
  const char* update = std::getenv("SHUBBAK_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(golden.parent_path());
    return save_png(image, golden) ? "" : "cannot write " + golden.string();
  }
  auto expected = load_png(golden);
  if (!expected)
    return "no golden image " + golden.string() + " (make it with SHUBBAK_UPDATE_GOLDEN=1)";
  long differing = count_differences(image, *expected);
  if (differing == 0) return "";
  std::filesystem::path actual =
      std::filesystem::path(SHUBBAK_BINARY_DIR) / "golden-mismatch" / (name + ".png");
  std::filesystem::create_directories(actual.parent_path());
  save_png(image, actual);
  return differing < 0 ? "size differs from " + golden.string()
                       : std::to_string(differing) + " pixels differ from " + golden.string() +
                             "; actual in " + actual.string();
}

}  // namespace shubbak::testing
