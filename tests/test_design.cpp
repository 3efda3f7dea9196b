// Designs: grid order and counts, Latin hypercube stratification, the Sobol sequence's known
// first points and balance, Saltelli's layout.
#include "leadsim/design.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace leadsim {
namespace {

TEST(Grid, EveryCombinationFirstParameterSlowest) {
  const auto g = grid_design({2, 3});
  ASSERT_EQ(g.size(), 6u);
  const std::vector<std::vector<size_t>> want = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
  EXPECT_EQ(g, want);
  EXPECT_EQ(grid_size({4, 5, 6}), 120u);
  EXPECT_EQ(grid_design({4, 5, 6}).size(), 120u);
  EXPECT_EQ(grid_size({3, 0}), 0u);
  EXPECT_EQ(grid_size({1u << 31, 1u << 31, 1u << 31}), UINT64_MAX);  // saturates
}

TEST(LatinHypercube, EachStratumOfEachColumnHoldsOnePoint) {
  for (std::uint64_t n : {1u, 7u, 64u, 500u}) {
    const DesignMatrix d = latin_hypercube(n, 5, 42);
    ASSERT_EQ(d.size(), n);
    for (int c = 0; c < 5; ++c) {
      std::set<std::uint64_t> strata;
      for (const auto& row : d) {
        ASSERT_GE(row[size_t(c)], 0.0);
        ASSERT_LT(row[size_t(c)], 1.0);
        strata.insert(std::uint64_t(row[size_t(c)] * double(n)));
      }
      EXPECT_EQ(strata.size(), n) << "n=" << n << " column " << c;
    }
  }
}

TEST(LatinHypercube, SeededAndColumnsIndependentOfTheirCount) {
  EXPECT_EQ(latin_hypercube(16, 3, 1), latin_hypercube(16, 3, 1));
  EXPECT_NE(latin_hypercube(16, 3, 1), latin_hypercube(16, 3, 2));
  // Adding a parameter leaves the existing columns as they were.
  const DesignMatrix a = latin_hypercube(16, 2, 9), b = latin_hypercube(16, 3, 9);
  for (size_t i = 0; i < 16; ++i) {
    EXPECT_EQ(a[i][0], b[i][0]);
    EXPECT_EQ(a[i][1], b[i][1]);
  }
}

TEST(RandomDesign, UniformInTheUnitCube) {
  const DesignMatrix d = random_design(4000, 3, 5);
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (const auto& row : d) {
      ASSERT_GE(row[size_t(c)], 0.0);
      ASSERT_LT(row[size_t(c)], 1.0);
      sum += row[size_t(c)];
    }
    EXPECT_NEAR(sum / 4000, 0.5, 4 * std::sqrt(1.0 / 12 / 4000));
  }
}

TEST(Sobol, KnownFirstPoints) {
  // The unscrambled Sobol sequence in Gray-code order (Joe & Kuo's direction numbers), as
  // published tables and scipy.stats.qmc.Sobol(d=3, scramble=False) give it.
  const std::vector<std::vector<double>> want = {
      {0, 0, 0},           {0.5, 0.5, 0.5},     {0.75, 0.25, 0.25},   {0.25, 0.75, 0.75},
      {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}};
  const SobolSequence s(3);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(s.point(i), want[i]) << "point " << i;
  // sobol_design(n, dims, skip) is the same sequence from point `skip`.
  EXPECT_EQ(sobol_design(3, 3, 4)[1], want[5]);
}

TEST(Sobol, EveryDimensionIsBalanced) {
  // Each coordinate of the first 2^m points (any m) hits every interval [j/2^m, (j+1)/2^m) once:
  // true of a dimension only if its direction numbers are right in their leading bits.
  const SobolSequence s(kSobolMaxDims);
  const int m = 10;
  const std::uint64_t n = 1u << m;
  std::vector<std::vector<int>> hits(kSobolMaxDims, std::vector<int>(n, 0));
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto x = s.point(i);
    for (int d = 0; d < kSobolMaxDims; ++d) ++hits[size_t(d)][size_t(x[size_t(d)] * double(n))];
  }
  for (int d = 0; d < kSobolMaxDims; ++d)
    EXPECT_TRUE(std::all_of(hits[size_t(d)].begin(), hits[size_t(d)].end(), [](int h) { return h == 1; }))
        << "dimension " << d + 1;
}

TEST(Sobol, FirstTwoDimensionsFormANet) {
  // Dimensions 1 and 2 form a (0, m, 2)-net: any 2^a x 2^(m-a) grid of boxes holds one point each.
  const SobolSequence s(2);
  const int m = 8;
  const std::uint64_t n = 1u << m;
  for (int a = 0; a <= m; ++a) {
    std::set<std::pair<std::uint64_t, std::uint64_t>> boxes;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto x = s.point(i);
      boxes.emplace(std::uint64_t(x[0] * double(1u << a)), std::uint64_t(x[1] * double(1u << (m - a))));
    }
    EXPECT_EQ(boxes.size(), n) << "a=" << a;
  }
}

TEST(Sobol, LowerDiscrepancyThanRandomPoints) {
  // Error of the mean of a smooth function over the unit cube: quasi-random beats random by far.
  auto f = [](const std::vector<double>& x) {
    double p = 1;
    for (double v : x) p *= 1 + (v - 0.5);
    return p;  // exact mean 1
  };
  const int dims = 8;
  const std::uint64_t n = 4096;
  double qmc = 0, mc = 0;
  for (const auto& x : sobol_design(n, dims)) qmc += f(x);
  for (const auto& x : random_design(n, dims, 3)) mc += f(x);
  EXPECT_LT(std::abs(qmc / double(n) - 1), 0.2 * std::abs(mc / double(n) - 1) + 1e-4);
  EXPECT_LT(std::abs(qmc / double(n) - 1), 2e-3);
}

TEST(Sobol, RefusesTooManyDimensions) {
  EXPECT_THROW(SobolSequence(kSobolMaxDims + 1), std::invalid_argument);
  EXPECT_THROW(SobolSequence(0), std::invalid_argument);
  EXPECT_GE(kSobolMaxDims, 21);
}

TEST(Saltelli, LayoutOfAandBandAB) {
  const int k = 3;
  const DesignMatrix base = sobol_design(4, 2 * k);
  const auto rows = saltelli_design(base, k);
  ASSERT_EQ(rows.size(), 4u * (k + 2));
  for (std::uint64_t j = 0; j < 4; ++j) {
    const auto* g = &rows[size_t(j) * (k + 2)];
    const std::vector<double> a(base[j].begin(), base[j].begin() + k), b(base[j].begin() + k, base[j].end());
    EXPECT_EQ(g[0].matrix, 0);
    EXPECT_EQ(g[0].u, a);
    EXPECT_EQ(g[1].matrix, 1);
    EXPECT_EQ(g[1].u, b);
    for (int i = 0; i < k; ++i) {
      EXPECT_EQ(g[2 + i].sample, j);
      EXPECT_EQ(g[2 + i].matrix, 2 + i);
      for (int c = 0; c < k; ++c) EXPECT_EQ(g[2 + i].u[size_t(c)], c == i ? b[size_t(c)] : a[size_t(c)]);
    }
  }
  EXPECT_EQ(saltelli_matrix_name(0), "A");
  EXPECT_EQ(saltelli_matrix_name(1), "B");
  EXPECT_EQ(saltelli_matrix_name(2), "AB1");
  EXPECT_EQ(saltelli_matrix_name(4), "AB3");
  EXPECT_THROW(saltelli_design(base, 2), std::invalid_argument);
}

}  // namespace
}  // namespace leadsim
