// SHA-256, HMAC-SHA256 and random bytes, one mechanism for the engine (libsodium, already linked
// for the web console's passwords; SHA-256 on the CPU's SHA extensions where it has them): the
// rule set's content hash, the caller keys, the PostgreSQL
// migration's digest, the browser sessions' tokens and their hash, and the installation secret
// all come through here.
#pragma once

#include <cpuid.h>
#include <immintrin.h>
#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "hex.h"

namespace triage {

namespace sha256_detail {

// Whether the CPU has the SHA extensions (and the SSSE3 / SSE4.1 the block function uses).
// Valgrind's virtual CPU has none, so callgrind measures the libsodium path.
inline bool cpu_has_sha() {
  static const bool yes = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    bool sse = (c & bit_SSSE3) && (c & bit_SSE4_1);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return sse && (b & bit_SHA);
  }();
  return yes;
}

alignas(16) inline constexpr std::uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// Runs `count` 64-byte blocks through the state `h` (a..h) with the SHA extensions: four
// rounds per step, the message schedule kept in four registers of four words each.
__attribute__((target("sha,sse4.1,ssse3"))) inline void blocks(std::uint32_t h[8], const unsigned char* p,
                                                                 std::size_t count) {
  const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);  // big-endian words
  // The instructions want the state as ABEF and CDGH.
  __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[0])), 0xB1);
  __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[4])), 0x1B);
  __m128i abef = _mm_alignr_epi8(dcba, cdgh, 8);
  cdgh = _mm_blend_epi16(cdgh, dcba, 0xF0);
  for (; count > 0; --count, p += 64) {
    const __m128i abef_in = abef;
    const __m128i cdgh_in = cdgh;
    __m128i w[4];
    for (int i = 0; i < 4; ++i) {
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i)), swap);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) {
      if (i >= 4) {  // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four words at once
        const __m128i& b = w[(i + 1) & 3];
        const __m128i& c = w[(i + 2) & 3];
        const __m128i& d = w[(i + 3) & 3];
        __m128i& a = w[i & 3];
        a = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(a, b), _mm_alignr_epi8(d, c, 4)), d);
      }
      __m128i wk = _mm_add_epi32(w[i & 3], _mm_load_si128(reinterpret_cast<const __m128i*>(&kRound[4 * i])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[0]), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[4]), _mm_alignr_epi8(dchg, feba, 8));
}

}  // namespace sha256_detail

// A streaming SHA-256: the CPU's SHA extensions where it has them (about 5 times faster here,
// most of the rule set's content hash), libsodium otherwise; the same digest either way.
class Sha256 {
 public:
  Sha256() {
    if (!fast_) crypto_hash_sha256_init(&state_);
  }
  void update(std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    if (!fast_) {
      crypto_hash_sha256_update(&state_, p, n);
      return;
    }
    total_ += n;
    if (buffered_ > 0) {
      std::size_t take = std::min(n, sizeof buf_ - buffered_);
      std::memcpy(buf_ + buffered_, p, take);
      buffered_ += take;
      p += take;
      n -= take;
      if (buffered_ < sizeof buf_) return;
      sha256_detail::blocks(h_, buf_, 1);
      buffered_ = 0;
    }
    if (n >= 64) {
      sha256_detail::blocks(h_, p, n / 64);
      p += n / 64 * 64;
      n %= 64;
    }
    if (n > 0) std::memcpy(buf_, p, n);
    buffered_ = n;
  }
  // The digest, lower-case hex; the object is spent afterwards.
  std::string hex() {
    unsigned char digest[crypto_hash_sha256_BYTES];
    if (!fast_) {
      crypto_hash_sha256_final(&state_, digest);
      return hex_encode(digest, sizeof digest);
    }
    std::uint64_t bits = total_ * 8;
    buf_[buffered_++] = 0x80;
    if (buffered_ > 56) {
      std::memset(buf_ + buffered_, 0, sizeof buf_ - buffered_);
      sha256_detail::blocks(h_, buf_, 1);
      buffered_ = 0;
    }
    std::memset(buf_ + buffered_, 0, 56 - buffered_);
    for (int i = 0; i < 8; ++i) buf_[56 + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    sha256_detail::blocks(h_, buf_, 1);
    for (int i = 0; i < 32; ++i) digest[i] = static_cast<unsigned char>(h_[i / 4] >> (24 - 8 * (i % 4)));
    return hex_encode(digest, sizeof digest);
  }

 private:
  bool fast_ = sha256_detail::cpu_has_sha();
  crypto_hash_sha256_state state_{};  // without the SHA extensions
  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  unsigned char buf_[64];
  std::size_t buffered_ = 0;
  std::uint64_t total_ = 0;
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
