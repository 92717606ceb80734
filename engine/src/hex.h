// The one hex codec of the engine: lower-case hex of bytes (digests, keys, the install secret).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace triage {

std::string hex_encode(const unsigned char* bytes, std::size_t n);
// The bytes of lower-case hex `hex`; nullopt for an odd length or any other character.
std::optional<std::string> hex_decode(std::string_view hex);

}  // namespace triage
