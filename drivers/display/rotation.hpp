// Mapping between logical coordinates (what screens lay out) and physical panel pixels, for a
// panel mounted rotated by 0, 90, 180 or 270 degrees clockwise. Drawing goes logical -> physical;
// touches come back physical -> logical.
#pragma once

#include <optional>

#include "drivers/display/geometry.hpp"

namespace shubbak {

enum class Rotation { none = 0, cw90 = 90, cw180 = 180, cw270 = 270 };

std::optional<Rotation> rotation_from_degrees(int degrees);
int degrees(Rotation rotation);

// The physical size of a panel showing `logical` rotated by `rotation` (90 and 270 swap sides).
Size physical_size(Size logical, Rotation rotation);
// The logical size a panel of `physical` pixels offers when mounted with `rotation`.
Size logical_size(Size physical, Rotation rotation);

Point to_physical(Point logical, Size logical_size, Rotation rotation);
Point to_logical(Point physical, Size logical_size, Rotation rotation);

}  // namespace shubbak
