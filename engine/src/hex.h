// The one hex codec of the engine: lower-case hex of bytes (digests, keys, the install secret).
#pragma once

#include <cstddef>
#include <string>

namespace triage {

std::string hex_encode(const unsigned char* bytes, std::size_t n);

}  // namespace triage
