// sha256.hpp: the SHA-256 digest (FIPS 180-4), used to fingerprint scenario files in manifests.
#pragma once

#include <string>
#include <string_view>

namespace leadsim {

// Lower-case hex digest of `bytes`. Example: sha256_hex("abc") == "ba7816bf...15ad".
std::string sha256_hex(std::string_view bytes);

}  // namespace leadsim
