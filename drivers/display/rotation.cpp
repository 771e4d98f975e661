#include "drivers/display/rotation.hpp"

#include <utility>

namespace shubbak {

std::optional<Rotation> rotation_from_degrees(int value) {
  switch (value) {
    case 0:
      return Rotation::none;
    case 90:
      return Rotation::cw90;
    case 180:
      return Rotation::cw180;
    case 270:
      return Rotation::cw270;
    default:
      return std::nullopt;
  }
}

int degrees(Rotation rotation) {
  return static_cast<int>(rotation);
}

static bool swaps_sides(Rotation rotation) {
  return rotation == Rotation::cw90 || rotation == Rotation::cw270;
}

Size physical_size(Size logical, Rotation rotation) {
  return swaps_sides(rotation) ? Size{logical.height, logical.width} : logical;
}

Size logical_size(Size physical, Rotation rotation) {
  return swaps_sides(rotation) ? Size{physical.height, physical.width} : physical;
}

// Pixel-index mappings: pixel (x, y) of the logical image lands on exactly one panel pixel.
Point to_physical(Point p, Size logical, Rotation rotation) {
  Size phys = physical_size(logical, rotation);
  switch (rotation) {
    case Rotation::none:
      return p;
    case Rotation::cw90:
      return {phys.width - 1 - p.y, p.x};
    case Rotation::cw180:
      return {phys.width - 1 - p.x, phys.height - 1 - p.y};
    case Rotation::cw270:
      return {p.y, phys.height - 1 - p.x};
  }
  return p;
}

Point to_logical(Point p, Size logical, Rotation rotation) {
  Size phys = physical_size(logical, rotation);
  switch (rotation) {
    case Rotation::none:
      return p;
    case Rotation::cw90:
      return {p.y, phys.width - 1 - p.x};
    case Rotation::cw180:
      return {phys.width - 1 - p.x, phys.height - 1 - p.y};
    case Rotation::cw270:
      return {phys.height - 1 - p.y, p.x};
  }
  return p;
}

}  // namespace shubbak
