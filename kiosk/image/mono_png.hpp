// A 1-bit image written as a PNG (1-bit greyscale): what the simulated printer leaves in its
// directory, exactly the dots a thermal printer would burn. Reading PNGs is grey_image.hpp;
// kiosk/image is the only module that includes png.h.
#pragma once

#include <filesystem>

#include "kiosk/core/error.hpp"
#include "kiosk/image/mono_bitmap.hpp"

namespace shubbak {

// Creates or replaces `path`. Errc::io when the file cannot be written (the message names it),
// Errc::internal when libpng cannot start.
Expected<void> write_mono_png(const std::filesystem::path& path, const MonoBitmap& page);

}  // namespace shubbak
