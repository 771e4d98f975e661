// A grey picture (a ministry's logo) as thermal-printer dots: scaled down to a width with a box
// filter, then Floyd–Steinberg error diffusion, so greys print as dot densities instead of
// turning into black or white blobs.
#pragma once

#include "kiosk/image/grey_image.hpp"
#include "kiosk/image/mono_bitmap.hpp"
#include "screens/receipt/receipt_document.hpp"

namespace shubbak {

// `width` dots wide (never wider than the image: a logo is not enlarged), the height in
// proportion. 0 = black ink everywhere, 255 = no ink.
MonoBitmap dither_to_dots(const GreyImage& image, int width);

}  // namespace shubbak
