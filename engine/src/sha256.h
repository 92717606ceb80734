// SHA-256, HMAC-SHA256 and random bytes, one mechanism for the engine (libsodium, already linked
// for the web console's passwords): the rule set's content hash, the caller keys, the PostgreSQL
// migration's digest, the browser sessions' tokens and their hash, and the installation secret
// all come through here.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "hex.h"

namespace triage {

// A streaming SHA-256.
class Sha256 {
 public:
  Sha256() { crypto_hash_sha256_init(&state_); }
  void update(std::string_view bytes) {
    crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  }
  // The digest, lower-case hex; the object is spent afterwards.
  std::string hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state_, digest);
    return hex_encode(digest, sizeof digest);
  }

 private:
  crypto_hash_sha256_state state_;
};

// SHA-256 of `bytes`, lower-case hex.
inline std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

// Fills `out` with `n` bytes from the system's random source; false when libsodium cannot start
// (it cannot open the random source).
inline bool random_bytes(void* out, std::size_t n) {
  static const bool ready = sodium_init() >= 0;
  if (!ready) return false;
  randombytes_buf(out, n);
  return true;
}

// HMAC-SHA256 of `value` under `key` (any length, RFC 2104), lower-case hex.
inline std::string hmac_sha256(std::string_view key, std::string_view value) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(value.data()), value.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return hex_encode(mac, sizeof mac);
}

}  // namespace triage
