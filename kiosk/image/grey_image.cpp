// libpng's simplified reading API: any PNG to 8-bit grey.
#include "kiosk/image/grey_image.hpp"

#include <png.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace shubbak {

namespace {
// Larger than any receipt or phone photo; refuses decompression bombs before allocating.
constexpr png_uint_32 k_max_side = 20000;
constexpr std::size_t k_max_pixels = 80'000'000;
}  // namespace

namespace {

// Finishes reading `image`, begun from a file or from memory; `name` is for messages.
Expected<GreyImage> finish_grey(png_image& image, const std::string& name) {
  if (image.width == 0 || image.height == 0 || image.width > k_max_side ||
      image.height > k_max_side || std::size_t{image.width} * image.height > k_max_pixels) {
    png_image_free(&image);
    return fail(Errc::parse,
                fmt::format("{}: a {}x{} image is too large", name, image.width, image.height));
  }
  image.format = PNG_FORMAT_GRAY;  // alpha composited over the white background below
  GreyImage out{static_cast<int>(image.width), static_cast<int>(image.height), {}};
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  png_color white{255, 255, 255};
  if (png_image_finish_read(&image, &white, out.pixels.data(), 0, nullptr) == 0) {
    std::string why = image.message;
    png_image_free(&image);
    return fail(Errc::parse, fmt::format("{}: {}", name, why));
  }
  return out;
}

}  // namespace

Expected<GreyImage> read_grey_png(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return fail(Errc::not_found, fmt::format("{}: no such file", path.string()));
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) {
    std::string why = image.message;
    png_image_free(&image);
    return fail(Errc::parse, fmt::format("{} is not a readable PNG ({})", path.string(), why));
  }
  return finish_grey(image, path.string());
}

Expected<GreyImage> decode_grey_png(std::string_view bytes) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) == 0) {
    std::string why = image.message;
    png_image_free(&image);
    return fail(Errc::parse, fmt::format("the picture is not a readable PNG ({})", why));
  }
  return finish_grey(image, "the picture");
}

}  // namespace shubbak
