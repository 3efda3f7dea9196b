// The README documents every scenario key: its table is `leadsim keys --markdown`, and this test
// fails when a key is added to the loader without regenerating it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "leadsim/fields.hpp"
#include "leadsim/scenario.hpp"

namespace {

std::string readme() {
  std::ifstream in(std::string(LEADSIM_SOURCE_DIR) + "/README.md");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Readme, DocumentsEveryScenarioKey) {
  const std::string text = readme();
  const auto begin = text.find("<!-- keys:begin -->"), end = text.find("<!-- keys:end -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string table = text.substr(begin, end - begin);
  for (const auto& f : leadsim::scenario_fields())
    EXPECT_NE(table.find("`" + f.path + "`"), std::string::npos)
        << f.path << " is missing: regenerate with `build/leadsim keys --markdown`";
}

}  // namespace
