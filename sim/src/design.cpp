#include "leadsim/design.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "leadsim/random.hpp"

namespace leadsim {

namespace {

// Joe & Kuo (2008), `new-joe-kuo-6.21201`, dimensions 2..53: the degree s of the primitive
// polynomial, its coefficients a (the s-1 inner bits), and the initial direction numbers
// m_1..m_s (odd, m_i < 2^i). Dimension 1 is van der Corput (every m_i = 1) and needs no row.
struct JoeKuo {
  int s;
  unsigned a;
  unsigned m[8];
};
constexpr JoeKuo kJoeKuo[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
};
static_assert(std::size(kJoeKuo) + 1 == kSobolMaxDims);

}  // namespace

SobolSequence::SobolSequence(int dims) : dims_(dims) {
  if (dims < 1 || dims > kSobolMaxDims)
    throw std::invalid_argument("the Sobol sequence here has 1 to " +
                                std::to_string(kSobolMaxDims) + " dimensions, not " +
                                std::to_string(dims));
  direction_.assign(size_t(dims) * kBits, 0);
  for (int d = 0; d < dims; ++d) {
    std::uint64_t* v = direction_.data() + size_t(d) * kBits;  // v[i] = V_{i+1}
    if (d == 0) {
      for (int i = 0; i < kBits; ++i) v[i] = std::uint64_t(1) << (kBits - 1 - i);
      continue;
    }
    const JoeKuo& row = kJoeKuo[d - 1];
    const int s = row.s;
    for (int i = 0; i < s; ++i) v[i] = std::uint64_t(row.m[i]) << (kBits - 1 - i);
    // Bratley & Fox's recurrence on the scaled numbers: V_i = V_{i-s} ^ (V_{i-s} >> s) ^
    // sum over the polynomial's inner coefficients a_k of a_k V_{i-k}.
    for (int i = s; i < kBits; ++i) {
      v[i] = v[i - s] ^ (v[i - s] >> s);
      for (int k = 1; k < s; ++k)
        if ((row.a >> (s - 1 - k)) & 1u) v[i] ^= v[i - k];
    }
  }
}

std::vector<double> SobolSequence::point(std::uint64_t index) const {
  if (index >> kBits) throw std::invalid_argument("Sobol index beyond 2^52");
  const std::uint64_t gray = index ^ (index >> 1);
  std::vector<double> x(static_cast<size_t>(dims_));
  for (int d = 0; d < dims_; ++d) {
    const std::uint64_t* v = direction_.data() + size_t(d) * kBits;
    std::uint64_t acc = 0;
    for (int b = 0; b < kBits && (gray >> b); ++b)
      if ((gray >> b) & 1u) acc ^= v[b];
    x[size_t(d)] = double(acc) * 0x1.0p-52;
  }
  return x;
}

std::uint64_t grid_size(const std::vector<std::size_t>& levels) {
  std::uint64_t n = 1;
  for (std::size_t l : levels) {
    if (l == 0) return 0;
    if (n > std::numeric_limits<std::uint64_t>::max() / l) return std::numeric_limits<std::uint64_t>::max();
    n *= l;
  }
  return n;
}

std::vector<std::vector<std::size_t>> grid_design(const std::vector<std::size_t>& levels) {
  const std::uint64_t n = grid_size(levels);
  std::vector<std::vector<std::size_t>> out;
  out.reserve(size_t(n));
  std::vector<std::size_t> idx(levels.size(), 0);
  for (std::uint64_t p = 0; p < n; ++p) {
    out.push_back(idx);
    // Odometer: the last parameter turns fastest.
    for (size_t d = levels.size(); d-- > 0;) {
      if (++idx[d] < levels[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

DesignMatrix random_design(std::uint64_t n, int dims, std::uint64_t seed) {
  Stream g(derive_key(seed, name_hash("design:random")));
  DesignMatrix out(static_cast<size_t>(n), std::vector<double>(static_cast<size_t>(dims)));
  for (auto& row : out)
    for (auto& x : row) x = g.uniform();
  return out;
}

DesignMatrix latin_hypercube(std::uint64_t n, int dims, std::uint64_t seed) {
  DesignMatrix out(static_cast<size_t>(n), std::vector<double>(static_cast<size_t>(dims)));
  std::vector<std::uint64_t> perm(static_cast<size_t>(n));
  for (int d = 0; d < dims; ++d) {
    // One stream per column, so adding a parameter leaves the other columns as they were.
    Stream g(derive_key(derive_key(seed, name_hash("design:latin")), std::uint64_t(d)));
    std::iota(perm.begin(), perm.end(), std::uint64_t(0));
    for (std::uint64_t i = n; i > 1; --i) std::swap(perm[size_t(i - 1)], perm[size_t(g() % i)]);
    for (std::uint64_t i = 0; i < n; ++i) {
      const double x = (double(perm[size_t(i)]) + g.uniform()) / double(n);
      // (stratum + u) / n can round up to the next stratum's edge when u is within an ulp of 1.
      out[size_t(i)][size_t(d)] = std::min(x, std::nextafter(double(perm[size_t(i)] + 1) / double(n), 0.0));
    }
  }
  return out;
}

DesignMatrix sobol_design(std::uint64_t n, int dims, std::uint64_t skip) {
  const SobolSequence seq(dims);
  DesignMatrix out;
  out.reserve(size_t(n));
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(seq.point(skip + i));
  return out;
}

std::vector<SaltelliRow> saltelli_design(const DesignMatrix& base, int k) {
  std::vector<SaltelliRow> out;
  out.reserve(base.size() * size_t(k + 2));
  for (size_t j = 0; j < base.size(); ++j) {
    if (base[j].size() != size_t(2 * k))
      throw std::invalid_argument("a Saltelli base design needs 2k columns");
    const std::vector<double> a(base[j].begin(), base[j].begin() + k);
    const std::vector<double> b(base[j].begin() + k, base[j].end());
    out.push_back({j, 0, a});
    out.push_back({j, 1, b});
    for (int i = 0; i < k; ++i) {
      std::vector<double> ab = a;
      ab[size_t(i)] = b[size_t(i)];
      out.push_back({j, 2 + i, std::move(ab)});
    }
  }
  return out;
}

std::string saltelli_matrix_name(int matrix) {
  if (matrix == 0) return "A";
  if (matrix == 1) return "B";
  return "AB" + std::to_string(matrix - 1);
}

}  // namespace leadsim
