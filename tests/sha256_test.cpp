// SHA-256 (engine/src/sha256.h): the SHA-extension path and libsodium give the same digests.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "sha256.h"

using namespace triage;

namespace {

// libsodium's one-shot SHA-256, the reference for the streaming class.
std::string sodium_hex(std::string_view bytes) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return hex_encode(d, sizeof d);
}

}  // namespace

TEST_CASE("sha256: FIPS 180-2 vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: every length around the block and padding edges, fed whole and in pieces") {
  std::string data;
  std::uint32_t x = 2463534242u;
  for (int i = 0; i < 1100; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    data += static_cast<char>(x & 0xFF);
  }
  for (std::size_t len = 0; len <= data.size(); len += (len < 300 ? 1 : 37)) {
    std::string_view part(data.data(), len);
    std::string want = sodium_hex(part);
    CAPTURE(len);
    CHECK(sha256_hex(part) == want);
    // Uneven pieces: the buffered tail, then whole blocks, then a tail again.
    Sha256 h;
    std::size_t at = 0;
    for (std::size_t step = 1; at < len; step = step * 3 % 131 + 1) {
      std::size_t n = std::min(step, len - at);
      h.update(part.substr(at, n));
      at += n;
    }
    CHECK(h.hex() == want);
  }
}
