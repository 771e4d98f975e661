#include "drivers/card/identity_record.hpp"

#include "kiosk/core/bytes.hpp"

namespace shubbak {

void IdentityRecord::wipe() {
  for (std::string* field :
       {&id_number, &name_ar, &name_en, &birth_date, &expiry_date, &nationality, &card_uid}) {
    secure_wipe(*field);
  }
}

}  // namespace shubbak
