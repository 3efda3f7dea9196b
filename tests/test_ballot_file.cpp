// Tests of the ballot-file reader (ballot_file.hpp): bad rows are reported with their lines,
// empty files and missing columns are errors.
#include "leadsim/ballot_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support.hpp"

namespace leadsim {
namespace {

using test::data;

std::vector<Diagnostic> ballot_errors(const std::string& text) {
  test::TempDir dir;
  const std::filesystem::path path = dir.write("ballots.csv", text);
  try {
    read_ballot_file(path.string(), load_scenario(data("labour-2010-rules.toml")));
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) EXPECT_EQ(d.file, path.string());
    return e.diagnostics();
  }
  return {};
}

TEST(BallotFile, BadRowsAreReportedWithTheirLines) {
  const auto d = ballot_errors(
      "section,count,ranking\n"
      "member,10,dmiliband>emiliband\n"
      "member,5,emilliband>balls\n"      // line 3: unknown id, did-you-mean
      "member,5,balls>balls\n"           // line 4: ranked twice
      "members,5,balls\n"                // line 5: unknown section
      "registered,5,balls\n"             // line 6: no college weight
      "member,-3,balls\n"                // line 7: negative count
      "member,5,\n"                      // line 8: empty ranking
      "member,5\n");                     // line 9: wrong width
  ASSERT_EQ(d.size(), 7u);
  EXPECT_EQ(d[0].line, 3);
  EXPECT_NE(d[0].message.find("unknown candidate 'emilliband' (did you mean 'emiliband'?)"), std::string::npos);
  EXPECT_EQ(d[1].line, 4);
  EXPECT_NE(d[1].message.find("ranked twice"), std::string::npos);
  EXPECT_EQ(d[2].line, 5);
  EXPECT_NE(d[2].message.find("unknown section 'members'"), std::string::npos);
  EXPECT_EQ(d[3].line, 6);
  EXPECT_NE(d[3].message.find("no weight in the rulebook's electoral college"), std::string::npos);
  EXPECT_EQ(d[4].line, 7);
  EXPECT_EQ(d[5].line, 8);
  EXPECT_EQ(d[6].line, 9);
}

TEST(BallotFile, EmptyFilesAndMissingColumnsAreErrors) {
  EXPECT_NE(ballot_errors("").at(0).message.find("empty ballot file"), std::string::npos);
  EXPECT_NE(ballot_errors("section,count,ranking\n").at(0).message.find("no ballots"), std::string::npos);
  EXPECT_NE(ballot_errors("section,count\nmember,1\n").at(0).message.find("no 'ranking' column"),
            std::string::npos);
}

}  // namespace
}  // namespace leadsim
