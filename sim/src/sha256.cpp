// sha256.cpp: SHA-256 (FIPS 180-4, sections 4.1.2, 4.2.2, 5.1.1, 5.3.3 and 6.2), written from the
// specification. The message is processed in 64-byte blocks straight from the input; only the
// final one or two padded blocks are copied.
#include "leadsim/sha256.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace leadsim {
namespace {

using Word = std::uint32_t;

// K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes (4.2.2).
constexpr std::array<Word, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// H(0): the first 32 bits of the fractional parts of the square roots of the first 8 primes (5.3.3).
constexpr std::array<Word, 8> kInitialHash = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr std::size_t kBlockBytes = 64;

constexpr Word rotr(Word x, int n) { return (x >> n) | (x << (32 - n)); }

// The six logical functions of section 4.1.2.
constexpr Word ch(Word x, Word y, Word z) { return (x & y) ^ (~x & z); }
constexpr Word maj(Word x, Word y, Word z) { return (x & y) ^ (x & z) ^ (y & z); }
constexpr Word big_sigma0(Word x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
constexpr Word big_sigma1(Word x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
constexpr Word small_sigma0(Word x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
constexpr Word small_sigma1(Word x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

// Reads a big-endian 32-bit word (the standard's byte order) from four bytes.
Word load_big_endian(const unsigned char* p) {
  return (Word{p[0]} << 24) | (Word{p[1]} << 16) | (Word{p[2]} << 8) | Word{p[3]};
}

// Folds one 64-byte block into the hash state (section 6.2.2).
void compress(std::array<Word, 8>& hash, const unsigned char* block) {
  std::array<Word, 64> schedule;
  for (std::size_t t = 0; t < 16; ++t) schedule[t] = load_big_endian(block + 4 * t);
  for (std::size_t t = 16; t < 64; ++t) {
    schedule[t] = small_sigma1(schedule[t - 2]) + schedule[t - 7] +
                  small_sigma0(schedule[t - 15]) + schedule[t - 16];
  }

  Word a = hash[0], b = hash[1], c = hash[2], d = hash[3];
  Word e = hash[4], f = hash[5], g = hash[6], h = hash[7];
  for (std::size_t t = 0; t < 64; ++t) {
    const Word t1 = h + big_sigma1(e) + ch(e, f, g) + kRoundConstants[t] + schedule[t];
    const Word t2 = big_sigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  hash[0] += a;
  hash[1] += b;
  hash[2] += c;
  hash[3] += d;
  hash[4] += e;
  hash[5] += f;
  hash[6] += g;
  hash[7] += h;
}

}  // namespace

// Hashes the whole blocks in place, then pads the tail (section 5.1.1: a 1 bit, zeros, and the
// message length in bits as a 64-bit big-endian number) into one or two final blocks.
std::string sha256_hex(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t length = bytes.size();

  std::array<Word, 8> hash = kInitialHash;
  const std::size_t whole_blocks = length / kBlockBytes;
  for (std::size_t i = 0; i < whole_blocks; ++i) compress(hash, data + i * kBlockBytes);

  std::array<unsigned char, 2 * kBlockBytes> tail{};
  const std::size_t remainder = length % kBlockBytes;
  for (std::size_t i = 0; i < remainder; ++i) tail[i] = data[whole_blocks * kBlockBytes + i];
  tail[remainder] = 0x80;
  // The length field needs 8 bytes after the 0x80 byte; otherwise a second block is needed.
  const std::size_t tail_bytes = remainder + 1 + 8 <= kBlockBytes ? kBlockBytes : 2 * kBlockBytes;
  const std::uint64_t length_bits = static_cast<std::uint64_t>(length) * 8;
  for (std::size_t i = 0; i < 8; ++i) {
    tail[tail_bytes - 1 - i] = static_cast<unsigned char>(length_bits >> (8 * i));
  }
  for (std::size_t offset = 0; offset < tail_bytes; offset += kBlockBytes) {
    compress(hash, tail.data() + offset);
  }

  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (const Word word : hash) {
    for (int shift = 28; shift >= 0; shift -= 4) hex.push_back(kHexDigits[(word >> shift) & 0xF]);
  }
  return hex;
}

}  // namespace leadsim
